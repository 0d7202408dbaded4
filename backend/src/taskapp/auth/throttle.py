"""Login lockout: too many failed logins for one email within a window -> 429 until it passes."""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from typing import Protocol

from taskapp.settings import Settings


class LoginThrottle(Protocol):
    async def retry_after(self, email: str) -> int | None:
        """Seconds until `email` may try again, or None when it is not locked out."""

    async def record_failure(self, email: str) -> None: ...

    async def reset(self, email: str) -> None: ...


class InMemoryLoginThrottle:
    """Sliding window of failure times per email, for one process (the embedded default)."""

    def __init__(self, settings: Settings) -> None:
        self._max_failures = settings.login_max_failures
        self._window = settings.login_failure_window.total_seconds()
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)

    def _recent(self, email: str, now: float) -> deque[float]:
        failures = self._failures[email]
        while failures and failures[0] <= now - self._window:
            failures.popleft()
        if not failures:
            del self._failures[email]  # keep memory bounded by the emails under attack right now
        return failures

    async def retry_after(self, email: str) -> int | None:
        now = time.monotonic()
        failures = self._recent(email, now)
        if len(failures) < self._max_failures:
            return None
        # Locked until the failure that tipped the count over leaves the window.
        unlock_at = failures[-self._max_failures] + self._window
        return max(1, math.ceil(unlock_at - now))

    async def record_failure(self, email: str) -> None:
        self._failures[email].append(time.monotonic())

    async def reset(self, email: str) -> None:
        self._failures.pop(email, None)
