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
        streaming = False

        async def capture_status(message: Message) -> None:
            nonlocal status, streaming
            if message["type"] == "http.response.start":
                status = message["status"]
                # An event stream (GET /api/v1/events) is open for minutes by design: counted
                # as a request, but neither in progress nor in the latency histogram, where it
                # would read as a very slow request (taskapp_live_streams counts open ones).
                streaming = _is_event_stream(message)
                if streaming:
                    in_progress.dec()
            await send(message)

        try:
            await self.app(scope, receive, capture_status)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.requests.labels(method=method, route=route, status=str(status)).inc()
            if not streaming:
                in_progress.dec()
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


def _is_event_stream(start: Message) -> bool:
    return any(
        name.lower() == b"content-type" and value.startswith(b"text/event-stream")
        for name, value in start.get("headers", [])
    )
