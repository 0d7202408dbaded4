"""Sliding-window limits on sign-in abuse, keyed by account, source or both.

Each limit counts events (failed logins, registrations, ...) per key inside a window. The
in-process store serves the embedded default; redis_throttle.py shares the counts between
replicas and falls back to this one when Redis cannot be reached. (The `limits` package has
the same windows, but neither the progressive delay nor a fallback on Redis loss.)
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from cachetools import TTLCache

from taskapp.errors import ProblemError
from taskapp.settings import Settings

# Keys held per limit in one process; past it the stalest are dropped (their counts restart).
# The per-source limits hold one key per source, so a flood of random emails cannot evict them.
MAX_KEYS_PER_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class Limit:
    name: str  # the problem type of its 429: urn:taskapp:problem:<name>
    detail: str
    max_events: int
    window_seconds: float
    # From this many events on, each next attempt waits 1, 2, 4, ... s after the last one.
    free_events: int | None = None

    def retry_after(self, recent: list[float], count: int, now: float) -> int | None:
        """Seconds until one more attempt is allowed, from the count in the window and the
        newest `max_events` event times (oldest first); None when it is allowed now."""
        if count >= self.max_events:
            unlock_at = recent[-self.max_events] + self.window_seconds
        elif self.free_events is not None and count >= self.free_events and recent:
            delay = min(2.0 ** (count - self.free_events), self.window_seconds)
            unlock_at = recent[-1] + delay
        else:
            return None
        return max(1, math.ceil(unlock_at - now)) if unlock_at > now else None

    def exceeded(self, retry_after: int) -> ProblemError:
        return ProblemError(
            429,
            f"{self.detail} Retry in {retry_after} s.",
            problem_type=self.name,
            title="Too Many Requests",
            headers={"Retry-After": str(retry_after), "Cache-Control": "no-store"},
        )


@dataclass(frozen=True, slots=True)
class AuthLimits:
    """The limits auth applies, sized from settings."""

    login_account_source: Limit
    password_source: Limit
    password_change_account: Limit
    register_source: Limit
    refresh_source: Limit
    # Mailed links (password reset, verification resend): per address, and per source.
    mail_address: Limit
    mail_source: Limit
    # Invitations to shared projects: per inviting account, and per invited address.
    invitation_account: Limit
    invitation_address: Limit

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthLimits:
        login_window = settings.login_failure_window.total_seconds()
        source_window = settings.source_limit_window.total_seconds()
        return cls(
            login_account_source=Limit(
                "too-many-login-attempts",
                "Too many failed logins for this account from this address.",
                settings.login_max_failures,
                login_window,
                free_events=settings.login_free_failures,
            ),
            password_source=Limit(
                "too-many-password-guesses-from-source",
                "Too many wrong passwords from this address.",
                settings.source_max_password_failures,
                source_window,
            ),
            password_change_account=Limit(
                "too-many-password-change-attempts",
                "Too many wrong current passwords for this account.",
                settings.login_max_failures,
                login_window,
                free_events=settings.login_free_failures,
            ),
            register_source=Limit(
                "too-many-registrations-from-source",
                "Too many registrations from this address.",
                settings.source_max_registrations,
                source_window,
            ),
            refresh_source=Limit(
                "too-many-refresh-failures-from-source",
                "Too many invalid refresh tokens from this address.",
                settings.source_max_refresh_failures,
                source_window,
            ),
            mail_address=Limit(
                "too-many-mail-requests-for-address",
                "Too many emails asked for this address.",
                settings.mail_max_per_address,
                source_window,
            ),
            mail_source=Limit(
                "too-many-mail-requests-from-source",
                "Too many emails asked from this network address.",
                settings.source_max_mail_requests,
                source_window,
            ),
            invitation_account=Limit(
                "too-many-invitations-from-account",
                "Too many invitations sent from this account.",
                settings.invitations_max_per_account,
                source_window,
            ),
            invitation_address=Limit(
                "too-many-invitations-for-address",
                "Too many invitations sent to this address.",
                settings.invitations_max_per_address,
                source_window,
            ),
        )


class Throttle(Protocol):
    async def retry_after(self, limit: Limit, key: str) -> int | None: ...

    async def record(self, limit: Limit, key: str) -> None: ...

    async def reset(self, limit: Limit, key: str) -> None: ...


async def enforce(throttle: Throttle, limit: Limit, key: str) -> None:
    """Raise the limit's 429 if `key` may not try again yet."""
    retry_after = await throttle.retry_after(limit, key)
    if retry_after is not None:
        raise limit.exceeded(retry_after)


class InMemoryThrottle:
    """Event times per (limit, key) for one process (the embedded default, and Redis' fallback)."""

    def __init__(self) -> None:
        self._events: dict[str, TTLCache[str, deque[float]]] = {}

    def _store(self, limit: Limit) -> TTLCache[str, deque[float]]:
        store = self._events.get(limit.name)
        if store is None:
            # An entry lives a window after its last event: memory stays bounded by the keys
            # active right now.
            store = TTLCache(maxsize=MAX_KEYS_PER_LIMIT, ttl=limit.window_seconds)
            self._events[limit.name] = store
        return store

    def _recent(self, limit: Limit, key: str, now: float) -> deque[float]:
        # Only the newest max_events matter to any decision: memory per key stays bounded.
        events = self._store(limit).get(key) or deque(maxlen=limit.max_events)
        while events and events[0] <= now - limit.window_seconds:
            events.popleft()
        return events

    async def retry_after(self, limit: Limit, key: str) -> int | None:
        now = time.monotonic()
        events = self._recent(limit, key, now)
        return limit.retry_after(list(events), len(events), now)

    async def record(self, limit: Limit, key: str) -> None:
        now = time.monotonic()
        events = self._recent(limit, key, now)
        events.append(now)
        self._store(limit)[key] = events  # re-set: restarts the entry's time to live

    async def reset(self, limit: Limit, key: str) -> None:
        self._store(limit).pop(key, None)
