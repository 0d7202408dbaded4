"""Per-request observability: one access-log line and HTTP metrics, labelled by route template."""

from __future__ import annotations

import time
from collections.abc import Iterable

import structlog
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from taskapp.observability.metrics import Metrics

log = structlog.get_logger("taskapp.access")
UNMATCHED = "unmatched"
_STATIC_LIMIT = 1024  # far above routes x methods; only a guard


class RouteResolver:
    """Finds the route template for a request before it is dispatched (the in-progress gauge
    needs it up front). Labels are templates, never raw paths: no ids end up in metrics."""

    def __init__(self, routes: Iterable[BaseRoute]) -> None:
        # FastAPI wraps each included router; its routes are what a request can match.
        self._routes = [
            nested
            for route in routes
            for nested in getattr(getattr(route, "original_router", None), "routes", [route])
        ]
        # Matching walks the routes (17-31 µs a request). Requests to a route without path
        # parameters repeat the exact path, so those answers are kept; paths with ids, unknown
        # paths and whatever a client makes up are not, which bounds this by the route table.
        self._static: dict[tuple[str, str, str, str], str] = {}

    def __call__(self, scope: Scope) -> str:
        # What route matching reads from the scope: the type, the method and the path.
        key = (scope["type"], scope["method"], scope.get("root_path", ""), scope["path"])
        template = self._static.get(key)
        if template is None:
            template = self._resolve(*key)
            if template == key[3] and len(self._static) < _STATIC_LIMIT:
                self._static[key] = template
        return template

    def _resolve(self, scope_type: str, method: str, root_path: str, path: str) -> str:
        scope = {"type": scope_type, "method": method, "root_path": root_path, "path": path}
        partial = None
        for route in self._routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return _template(route)
            if match == Match.PARTIAL and partial is None:
                partial = route  # right path, wrong method: the 405 belongs to this route
        return _template(partial) if partial is not None else UNMATCHED


def _template(route: BaseRoute) -> str:
    if isinstance(route, Mount):
        return f"{route.path}/{{path}}"  # the web app: one label for every file it serves
    return str(getattr(route, "path", UNMATCHED))


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
