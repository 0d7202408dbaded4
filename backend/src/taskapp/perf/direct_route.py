"""Endpoints whose only inputs are the request and request-only dependencies, called without
FastAPI's per-request dependency solving.

Why: FastAPI 0.165's `solve_dependencies` classifies every dependency of the tree again on each
request (cache keys, scopes, security schemes, generator checks) before calling any of them. For
`GET /tasks`, whose only dependency is the principal (which itself takes the bearer token), that
walk was a measurable part of every read (the figures are in docs/adr/0006). The tree of such an
endpoint is known when the route is built, so `DirectRoute` plans it once and calls it directly.
Its route's ASGI app then calls the endpoint itself: FastAPI's (`request_response`) opens two exit
stacks for `yield` dependencies, which a plain endpoint has none of, and handles exceptions once
more at the route, which the app's ExceptionMiddleware does one layer out with the same handlers.

Which endpoints: `DirectRoute.plain` says. The endpoint and every dependency under it must be
`async`, take nothing but the request (`Request` or `HTTPConnection`) and sub-dependencies, not
be generators, and the endpoint must return a `Response` (so no response model has to be applied).
Anything else (a query, path, header, cookie or body parameter, a `yield` or sync dependency,
security scopes, a returned model, a route-level `max_body_size`) is served by FastAPI's own
handler, as is every request made while dependency overrides are set. The OpenAPI document is
FastAPI's either way: the route's dependant is unchanged. tests/test_direct_route.py holds both
paths to the same answers.

Upstream change that lets this go: FastAPI classifying a route's dependencies once, when the
route is built, rather than on every request. Measure with `make bench` before deleting; the
routers that use it then drop `route_class=DirectRoute`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send


@dataclass(frozen=True, slots=True)
class _Call:
    """One node of a planned dependency tree: what to call and with which arguments."""

    call: Callable[..., Coroutine[Any, Any, Any]]
    request_name: str | None
    dependencies: tuple[tuple[str, _Call, bool], ...]  # (parameter name, node, use_cache)

    async def arguments(self, request: Request, solved: dict[Any, Any]) -> dict[str, Any]:
        """FastAPI's order and caching rule: each dependency's own dependencies are solved
        first; a cached dependency is not called again; the first value of a call is kept."""
        kwargs: dict[str, Any] = {}
        for name, node, use_cache in self.dependencies:
            node_kwargs = await node.arguments(request, solved)
            if use_cache and node.call in solved:
                value = solved[node.call]
            else:
                value = await node.call(**node_kwargs)
                solved.setdefault(node.call, value)
            kwargs[name] = value
        if self.request_name is not None:
            kwargs[self.request_name] = request
        return kwargs


def _is_async(call: Any) -> bool:
    if inspect.isroutine(call):
        return inspect.iscoroutinefunction(call)
    return inspect.iscoroutinefunction(getattr(call, "__call__", None))  # noqa: B004


def _plan(dependant: Dependant) -> _Call | None:
    """The tree as `_Call` nodes, or None if any part needs FastAPI's solver."""
    call = dependant.call
    if (
        call is None
        or not _is_async(call)
        or dependant.path_params
        or dependant.query_params
        or dependant.header_params
        or dependant.cookie_params
        or dependant.body_params
        or dependant.websocket_param_name
        or dependant.response_param_name
        or dependant.background_tasks_param_name
        or dependant.security_scopes_param_name
        or dependant.own_oauth_scopes
        or dependant.parent_oauth_scopes
        or dependant.concurrency is not None
        or (dependant.request_param_name and dependant.http_connection_param_name)
    ):
        return None
    dependencies = []
    for sub in dependant.dependencies:
        node = _plan(sub)
        if node is None or sub.name is None:
            return None
        dependencies.append((sub.name, node, sub.use_cache))
    return _Call(
        call=call,
        request_name=dependant.request_param_name or dependant.http_connection_param_name,
        dependencies=tuple(dependencies),
    )


def _returns_response(endpoint: Callable[..., Any]) -> bool:
    try:
        returned = inspect.signature(endpoint, eval_str=True).return_annotation
    except (NameError, TypeError):  # an annotation that cannot be resolved: let FastAPI decide
        return False
    return inspect.isclass(returned) and issubclass(returned, Response)


class DirectRoute(APIRoute):
    """An APIRoute that calls a plain endpoint (see the module) without FastAPI's solver."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        planned = self._planned()
        if planned is not None:
            # Only the route's own ASGI app changes: the app a router built for an
            # `include_router` (which may add dependencies of its own) stays FastAPI's.
            self.app = _direct_app(self, planned, solved_by_fastapi=self.app)

    @property
    def plain(self) -> bool:
        """Whether requests to this route skip FastAPI's dependency solving."""
        return self._planned() is not None

    def _planned(self) -> _Call | None:
        # A route-level body limit is FastAPI's to apply, around its own handler.
        if self.max_body_size is not None or not _returns_response(self.endpoint):
            return None
        return _plan(self.dependant)


def _direct_app(route: APIRoute, planned: _Call, solved_by_fastapi: ASGIApp) -> ASGIApp:
    """The route's ASGI app: the request straight to the planned endpoint (see the module)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        if _overridden(route, request):
            await solved_by_fastapi(scope, receive, send)
            return
        response: Response = await planned.call(**await planned.arguments(request, {}))
        await response(scope, receive, send)

    return app


def _overridden(route: APIRoute, request: Request) -> bool:
    for holder in (route.dependency_overrides_provider, request.app):
        if getattr(holder, "dependency_overrides", None):
            return True
    return False
