"""auth's own metrics: `auth_events` by event (dashboards and alerts rely on the name)."""

from __future__ import annotations

from typing import Literal, get_args

from prometheus_client import CollectorRegistry, Counter

AuthEvent = Literal[
    "login_success", "login_failure", "lockout", "refresh", "refresh_reuse_detected", "logout"
]
AUTH_EVENTS: tuple[AuthEvent, ...] = get_args(AuthEvent)


class AuthMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._events = Counter("auth_events", "Authentication events", ["event"], registry=registry)
        for event in AUTH_EVENTS:  # rate() and alerts see zeros, not gaps
            self._events.labels(event=event)

    def event(self, event: AuthEvent) -> None:
        self._events.labels(event=event).inc()
