"""Per-request observability: one access-log line and HTTP metrics, labelled by route template."""

from __future__ import annotations

import logging
import time

import structlog
from prometheus_client import Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from taskapp.http.routes import RouteResolver
from taskapp.observability.metrics import Metrics

log = structlog.get_logger("taskapp.access")
# Checked before the access line is built: structlog drops a disabled level only after its call.
_access = logging.getLogger("taskapp.access")


class RequestObservabilityMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics, resolver: RouteResolver) -> None:
        self.app = app
        self.metrics = metrics
        self.resolver = resolver
        # Each metric's child per label values, kept rather than looked up through labels() on
        # every request. Bounded like the metrics themselves: route templates, the methods the
        # HTTP parser accepts, status codes.
        self._route_metrics: dict[tuple[str, str], tuple[Gauge, Histogram]] = {}
        self._counted: dict[tuple[str, str, int], Counter] = {}

    def _for_route(self, method: str, route: str) -> tuple[Gauge, Histogram]:
        found = self._route_metrics.get((method, route))
        if found is None:
            found = (
                self.metrics.in_progress.labels(method=method, route=route),
                self.metrics.duration.labels(method=method, route=route),
            )
            self._route_metrics[method, route] = found
        return found

    def _requests(self, method: str, route: str, status: int) -> Counter:
        found = self._counted.get((method, route, status))
        if found is None:
            found = self.metrics.requests.labels(method=method, route=route, status=str(status))
            self._counted[method, route, status] = found
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        route = self.resolver(scope)
        started = time.perf_counter()
        status = 500
        in_progress, duration = self._for_route(method, route)
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
            self._requests(method, route, status).inc()
            if not streaming:
                in_progress.dec()
                duration.observe(elapsed)
            if _access.isEnabledFor(logging.INFO):
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
