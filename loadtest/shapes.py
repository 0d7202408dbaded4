"""Load shapes (LoadTestShape) and their pass/fail thresholds, one per profile.

`make load PROFILE=<name>` picks one; locustfile.py exposes only that shape to Locust.
Every shape stops by itself (tick() returns None), so every run is bounded in time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from locust import LoadTestShape


@dataclass(frozen=True)
class Thresholds:
    max_error_ratio: float  # failed requests / all requests
    p95_ms: float  # 95th percentile of the flows (all requests but register/login)
    min_requests: int = 1  # a run that sent (almost) nothing proves nothing
    min_users_reached: int = 0  # stress: the ramp must get at least this far before breaking
    auth_p95_ms: float = 3000  # register/login (argon2id) p95


def _scale(default: float) -> float:
    # LOAD_SCALE shrinks or stretches every duration (e.g. 0.1 for a quick try of `load`).
    return default * float(os.environ.get("LOAD_SCALE", "1"))


class SmokeShape(LoadTestShape):
    """A few users for one minute: does every flow work, quickly, with zero errors?"""

    users = 4
    duration = 60
    thresholds = Thresholds(max_error_ratio=0.0, p95_ms=300, min_requests=100)

    def tick(self) -> tuple[int, float] | None:
        if self.get_run_time() >= _scale(self.duration):
            return None
        # One new user a second: each registers (an argon2 hash) as it starts, and four hashes
        # at once wait past the server's hashing slot and get 503 password-hashing-busy with
        # Retry-After (issue 16), which is the server protecting itself, not a flow failing.
        return self.users, 1


class LoadShape(LoadTestShape):
    """The expected steady load: ramp up for a minute, hold for 8, ramp down for 1 (10 min)."""

    users = 20
    ramp = 60
    hold = 480
    thresholds = Thresholds(max_error_ratio=0.001, p95_ms=300, min_requests=1000)

    def tick(self) -> tuple[int, float] | None:
        t = self.get_run_time()
        ramp, hold = _scale(self.ramp), _scale(self.hold)
        if t < ramp:
            return max(1, round(self.users * t / ramp)), 2
        if t < ramp + hold:
            return self.users, 2
        if t < 2 * ramp + hold:
            return max(1, round(self.users * (2 * ramp + hold - t) / ramp)), 2
        return None


class StressShape(LoadTestShape):
    """Add users step by step until errors appear or p95 breaks, then stop and report the step.

    Steps of STEP users every STEP_SECONDS up to MAX_USERS. After each step has run for a while,
    the current window (the last 10 s of Locust's rolling stats) is checked: an error ratio over
    1% or a GET /tasks p95 over break_p95_ms ends the run; `breaking_point` records where.
    """

    step = 25
    step_seconds = 30
    max_users = 600
    break_p95_ms = 1000.0
    break_error_ratio = 0.01
    thresholds = Thresholds(
        max_error_ratio=1.0, p95_ms=float("inf"), min_users_reached=10, auth_p95_ms=float("inf")
    )
    breaking_point: dict[str, float] | None = None

    def tick(self) -> tuple[int, float] | None:
        t = self.get_run_time()
        step_seconds = _scale(self.step_seconds)
        level = int(t // step_seconds) + 1
        runner = self.runner
        # Judge a step in its second half, on Locust's rolling window (the last 10 s): the error
        # ratio of all requests, and the p95 of the busiest flow (GET /tasks), so the argon2id
        # cost of the new users' register/login does not pass for the API breaking.
        if runner is not None and level > 1 and (t % step_seconds) > step_seconds / 2:
            total = runner.stats.total
            rps = total.current_rps
            ratio = total.current_fail_per_sec / rps if rps else 0.0
            p95 = runner.stats.get("GET /tasks", "GET").get_current_response_time_percentile(0.95)
            p95 = p95 or 0.0
            if p95 > self.break_p95_ms or ratio > self.break_error_ratio:
                type(self).breaking_point = {
                    "users": float(runner.user_count),
                    "p95_ms": float(p95),
                    "error_ratio": ratio,
                    "rps": float(rps),
                    "at_s": t,
                }
                return None
        if level > self.max_users // self.step + 1:  # held the maximum for one step: done
            return None
        # New users arrive over a third of the step, not all in the same second.
        return min(self.max_users, level * self.step), self.step / (step_seconds / 3)


class SpikeShape(LoadTestShape):
    """Baseline for a minute, a sudden 10x for one minute, back to the baseline for a minute."""

    base = 3
    spike = 30
    phase = 60
    thresholds = Thresholds(max_error_ratio=0.01, p95_ms=1500, min_requests=500, auth_p95_ms=10000)

    def tick(self) -> tuple[int, float] | None:
        t = self.get_run_time()
        phase = _scale(self.phase)
        if t < phase:
            return self.base, self.base
        if t < 2 * phase:
            return self.spike, self.spike  # all at once: that is the spike
        if t < 3 * phase:
            return self.base, self.spike
        return None


SHAPES: dict[str, type[LoadTestShape]] = {
    "smoke": SmokeShape,
    "load": LoadShape,
    "stress": StressShape,
    "spike": SpikeShape,
}
