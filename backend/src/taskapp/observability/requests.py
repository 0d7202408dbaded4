"""Per-request observability: one access-log line and HTTP metrics, labelled by route template."""

from __future__ import annotations

import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from taskapp.http.routes import RouteResolver
from taskapp.observability.metrics import Metrics

log = structlog.get_logger("taskapp.access")


class RequestObservabilityMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics, resolver: RouteResolver) -> None:
        self.app = app
        self.metrics = metrics
        self.resolver = resolver

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        route = self.resolver(scope)
        started = time.perf_counter()
        status = 500
        in_progress = self.metrics.in_progress.labels(method=method, route=route)
        in_progress.inc()

        async def capture_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture_status)
        finally:
            elapsed = time.perf_counter() - started
            in_progress.dec()
            self.metrics.requests.labels(method=method, route=route, status=str(status)).inc()
            self.metrics.duration.labels(method=method, route=route).observe(elapsed)
            state = scope.get("state") or {}
            log.info(
                "request",
                method=method,
                route=route,
                status=status,
                duration_ms=round(elapsed * 1000, 2),
                user_id=state.get("user_id"),
            )
