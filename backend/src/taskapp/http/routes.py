"""Route resolution outside the router: the template a request will match (metrics and access-log
labels), the methods a path answers (the Allow header of a 405) and a named route's path (the
Location of a 201)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Scope

UNMATCHED = "unmatched"
_STATIC_LIMIT = 1024  # far above routes x methods; only a guard


def flatten(routes: Iterable[BaseRoute]) -> list[BaseRoute]:
    """The routes a request can match: FastAPI wraps each included router, so look inside."""
    return [nested for nested, _ in _flatten_with_prefixes(routes)]


def _flatten_with_prefixes(routes: Iterable[BaseRoute]) -> list[tuple[BaseRoute, str]]:
    """Each route with the literal text its path starts with (up to its first parameter).

    A route can match a request only if that text occurs in the request's path: Starlette
    escapes it into the start of the route's pattern, and the path it matches against is the
    request's path less any root path. Checking for it is a substring search, where asking a
    FastAPI route means its scope work (docs/adr/0006); so the route-walking helpers here ask
    only the routes whose text is present, and the route still decides. Routes inside an included
    router's wrapper get no prefix (their paths may be relative to it): they are always asked.
    """
    flattened: list[tuple[BaseRoute, str]] = []
    for route in routes:
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        if inner is not None:
            flattened.extend((nested, "") for nested in inner)
        else:
            path = getattr(route, "path", None)
            flattened.append((route, path.split("{", 1)[0] if isinstance(path, str) else ""))
    return flattened


def route_path(request: Request, name: str, **path_params: Any) -> str:
    """`request.url_for(name, ...).path`, without Starlette's lookup, which asks every route in
    turn and raises NoMatchFound from each one that is not it (the cost is in docs/adr/0006).
    The app's routes are indexed by name once."""
    state = request.app.state
    by_name: dict[str, BaseRoute] | None = getattr(state, "routes_by_name", None)
    if by_name is None:
        by_name = {}
        for route in flatten(request.app.router.routes):
            by_name.setdefault(getattr(route, "name", ""), route)  # the first wins, as in Starlette
        state.routes_by_name = by_name
    found = by_name.get(name)
    if found is None:
        return str(request.url_for(name, **path_params).path)  # raises NoMatchFound as it would
    root_path: str = request.scope.get("root_path", "")
    return root_path + str(found.url_path_for(name, **path_params))


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> str:
    """Every method the request's path answers, as an Allow header value ("" if none)."""
    path = scope["path"]
    matching = [
        route
        for route, prefix in _flatten_with_prefixes(routes)
        if prefix in path
        and getattr(route, "methods", None)
        and getattr(route, "include_in_schema", True)
        and route.matches({**scope, "method": "GET"})[0] is not Match.NONE
    ]
    # A literal path (/tasks/stats) wins over a template that also matches it (/tasks/{id}).
    literal = [route for route in matching if not getattr(route, "param_convertors", None)]
    methods: set[str] = set()
    for route in literal or matching:
        methods.update(getattr(route, "methods", ()))
    return ", ".join(sorted(methods))


class RouteResolver:
    """Finds the route template for a request before it is dispatched (the in-progress gauge
    needs it up front). Labels are templates, never raw paths: no ids end up in metrics."""

    def __init__(self, routes: Iterable[BaseRoute]) -> None:
        self._routes = _flatten_with_prefixes(routes)
        # Matching walks the routes (its cost is in docs/adr/0006). Requests to a route without
        # path parameters repeat the exact path, so those answers are kept; paths with ids,
        # unknown paths and whatever a client makes up are not, which bounds this by the routes.
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
        for route, prefix in self._routes:
            if prefix not in path:
                continue  # cannot match (see _flatten_with_prefixes)
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
