"""Summary of a Locust run (Markdown + CSV) and the verdict against the profile's thresholds."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from locust.env import Environment
from locust.stats import StatsEntry

# Session set-up, not the flows: argon2id makes these deliberately slow (tens of ms of CPU and
# 64 MiB each), so they are judged on their own threshold, not mixed into the flows' p95.
SETUP = ("POST /auth/register", "POST /auth/login")

PERCENTILES = (0.5, 0.95, 0.99)


def _row(entry: Any, duration: float) -> dict[str, Any]:
    return {
        "endpoint": entry.name,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.num_requests / duration, 2) if duration else 0.0,
        "p50_ms": entry.get_response_time_percentile(0.5) or 0,
        "p95_ms": entry.get_response_time_percentile(0.95) or 0,
        "p99_ms": entry.get_response_time_percentile(0.99) or 0,
        "max_ms": round(entry.max_response_time or 0),
    }


def write_summary(environment: Environment, profile: str, shape: type, out: Path) -> list[str]:
    """Write summary.md + summary.csv under `out`; return the broken thresholds (empty: pass)."""
    stats = environment.stats
    total = stats.total
    duration = (
        max(total.last_request_timestamp - total.start_time, 1e-9) if total.num_requests else 0
    )
    rows = [_row(entry, duration) for entry in sorted(stats.entries.values(), key=lambda e: e.name)]
    aggregate = _row(total, duration)
    aggregate["endpoint"] = "Aggregated"

    flows = StatsEntry(stats, "Flows (without register/login)", "", use_response_times_cache=False)
    setup = StatsEntry(stats, "Register + login", "", use_response_times_cache=False)
    for entry in stats.entries.values():
        (setup if entry.name in SETUP else flows).extend(entry)
    flows_row = _row(flows, duration)
    setup_row = _row(setup, duration)

    thresholds = shape.thresholds
    error_ratio = total.num_failures / total.num_requests if total.num_requests else 1.0
    p95 = flows_row["p95_ms"]
    broken = []
    if setup.num_requests and setup_row["p95_ms"] > thresholds.auth_p95_ms:
        broken.append(
            f"register/login p95 {setup_row['p95_ms']:.0f} ms > {thresholds.auth_p95_ms:.0f} ms"
        )
    if total.num_requests < thresholds.min_requests:
        broken.append(f"requests {total.num_requests} < {thresholds.min_requests}")
    if error_ratio > thresholds.max_error_ratio:
        broken.append(f"error ratio {error_ratio:.4%} > {thresholds.max_error_ratio:.2%}")
    if p95 > thresholds.p95_ms:
        broken.append(f"p95 {p95:.0f} ms > {thresholds.p95_ms:.0f} ms")
    breaking = getattr(shape, "breaking_point", None)
    if thresholds.min_users_reached:
        reached = (
            breaking["users"]
            if breaking
            else environment.runner.user_count
            if environment.runner
            else 0
        )
        if breaking and reached < thresholds.min_users_reached:
            broken.append(f"broke at {reached:.0f} users < {thresholds.min_users_reached}")

    out.mkdir(parents=True, exist_ok=True)
    fields = list(aggregate)
    with (out / "summary.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows([*rows, flows_row, setup_row, aggregate])
    errors = sorted(stats.errors.values(), key=lambda e: -e.occurrences)

    lines = [
        f"# Load test: {profile}",
        "",
        f"Target `{environment.host}`, {duration:.0f} s, {total.num_requests} requests, "
        f"{aggregate['rps']} req/s, error ratio {error_ratio:.4%}.",
        "",
        f"Thresholds: error ratio <= {thresholds.max_error_ratio:.2%} (all requests), p95 <= "
        f"{thresholds.p95_ms:.0f} ms (flows), "
        f"register/login p95 <= {thresholds.auth_p95_ms:.0f} ms, "
        f"at least {thresholds.min_requests} requests"
        + (
            f", stress must reach {thresholds.min_users_reached} users"
            if thresholds.min_users_reached
            else ""
        )
        + ".",
        "",
        f"**Verdict: {'FAIL: ' + '; '.join(broken) if broken else 'PASS'}**",
        "",
    ]
    if breaking:
        lines += [
            f"Breaking point: {breaking['users']:.0f} users after {breaking['at_s']:.0f} s "
            f"(GET /tasks p95 {breaking['p95_ms']:.0f} ms, "
            f"error ratio {breaking['error_ratio']:.2%}, "
            f"{breaking['rps']:.1f} req/s in the last window).",
            "",
        ]
    elif thresholds.min_users_reached:
        lines += ["No breaking point: the ramp reached its maximum without breaking.", ""]
    lines += [
        "| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in [*rows, flows_row, setup_row, aggregate]:
        lines.append("| " + " | ".join(str(row[f]) for f in fields) + " |")
    if errors:
        lines += ["", "## Errors", "", "| count | request | error |", "| ---: | --- | --- |"]
        lines += [
            f"| {e.occurrences} | {e.method} {e.name} | {str(e.error)[:200]} |" for e in errors
        ]
    (out / "summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return broken
