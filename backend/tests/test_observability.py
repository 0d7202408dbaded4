"""Metrics, request logs and security headers, observed from real traffic."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Match, Mount, NoMatchFound, Route

from taskapp.http.routes import RouteResolver, allowed_methods, flatten, route_path
from taskapp.main import create_app
from taskapp.settings import Settings
from tests.conftest import (
    PRODUCTION_SECRET,
    Account,
    assert_problem,
    client_for,
    create_task,
    json_object,
    login,
    register_and_login,
    serving,
    unique_email,
)

REQUIRED = {
    "http_requests": {"method", "route", "status"},
    "http_request_duration_seconds": {"method", "route"},
    "http_requests_in_progress": {"method", "route"},
    "tasks_total": {"status"},
    "database_connections_active": set(),
    "database_pool_size": set(),
    "active_sessions": set(),
    "cache_requests": {"result"},
    "auth_events": {"event"},
    "taskapp_build_info": {"version", "commit"},
}


def scrape(text: str) -> dict[str, list[tuple[str, dict[str, str], float]]]:
    families: dict[str, list[tuple[str, dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        families[family.name] = [(s.name, s.labels, s.value) for s in family.samples]
    return families


def value(samples: list[tuple[str, dict[str, str], float]], name: str, **labels: str) -> float:
    return sum(
        v
        for n, lbls, v in samples
        if n == name and all(lbls.get(k) == x for k, x in labels.items())
    )


async def test_metrics_after_real_traffic_have_the_promised_names_and_labels(
    make_settings: Callable[..., Settings],
) -> None:
    # No grace window: the immediate second refresh below counts as a reuse.
    app = create_app(make_settings(refresh_reuse_grace=timedelta(0)))
    async with LifespanManager(app), client_for(app) as http:
        account = await register_and_login(http)
        created = await http.post("/api/v1/tasks", json={"title": "t"}, headers=account.headers)
        task_id = created.json()["id"]
        await http.get(f"/api/v1/tasks/{task_id}", headers=account.headers)
        await http.get(f"/api/v1/tasks/{task_id}?x=1", headers=account.headers)
        await http.get("/api/v1/no/such/path")
        await login(http, account.email, "wrong password")
        await http.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
        await http.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
        await app.state.gauges.refresh()
        response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = scrape(response.text)
    for name, labels in REQUIRED.items():
        assert name in families, name
        for _sample, sample_labels, _value in families[name]:
            assert labels <= set(sample_labels) | {"le"}, (name, sample_labels)
    requests = families["http_requests"]
    assert (
        value(
            requests,
            "http_requests_total",
            route="/api/v1/tasks/{task_id}",
            method="GET",
            status="200",
        )
        == 2
    )
    assert value(requests, "http_requests_total", route="unmatched", status="404") == 1
    assert value(requests, "http_requests_total", route="/api/v1/tasks", status="201") == 1
    buckets = {
        lbls["le"]
        for n, lbls, _ in families["http_request_duration_seconds"]
        if n.endswith("_bucket")
    }
    assert {"0.005", "0.3", "10.0"} <= buckets
    auth = families["auth_events"]
    assert value(auth, "auth_events_total", event="login_success") == 1
    assert value(auth, "auth_events_total", event="login_failure") == 1
    assert value(auth, "auth_events_total", event="refresh") == 1
    assert value(auth, "auth_events_total", event="refresh_reuse_detected") == 1
    assert value(families["tasks_total"], "tasks_total", status="pending") >= 1
    assert value(families["database_pool_size"], "database_pool_size") >= 1
    assert value(families["taskapp_build_info"], "taskapp_build_info", version="0.1.0") == 1
    # No label anywhere carries a user id, an email, a task id or a raw path.
    all_label_values = [
        v for samples in families.values() for _, lbls, _ in samples for v in lbls.values()
    ]
    for label_value in all_label_values:
        assert task_id not in label_value
        assert account.user_id not in label_value
        assert "@" not in label_value
        assert "/no/such/path" not in label_value
    await app.state.services.engine.dispose()


async def test_a_wrong_method_is_labelled_with_the_route_it_missed(
    make_settings: Callable[..., Settings],
) -> None:
    async with serving(make_settings()) as http:
        await http.put("/api/v1/tasks")
        text = (await http.get("/metrics")).text
    requests = scrape(text)["http_requests"]
    assert value(requests, "http_requests_total", route="/api/v1/tasks", status="405") == 1


def test_route_labels_are_remembered_only_for_paths_without_parameters(
    make_settings: Callable[..., Settings],
) -> None:
    app = create_app(make_settings())
    resolver = RouteResolver(app.routes)

    def label(method: str, path: str) -> str:
        return resolver({"type": "http", "method": method, "path": path, "root_path": ""})

    task_path = "/api/v1/tasks/3fa85f64-5717-4562-b3fc-2c963f66afa6"
    for _ in range(2):  # the second round answers from what the first remembered
        assert label("GET", "/api/v1/tasks") == "/api/v1/tasks"
        assert label("PUT", "/api/v1/tasks") == "/api/v1/tasks"  # a 405 keeps its route
        assert label("GET", task_path) == "/api/v1/tasks/{task_id}"
        assert label("GET", "/api/v1/nothing-here") == "unmatched"
        assert label("GET", "/health") == "/health"
    remembered = {key[3] for key in resolver._static}
    assert remembered == {"/api/v1/tasks", "/health"}  # never an id or a made-up path


@pytest.mark.no_database
@pytest.mark.parametrize("root_path", ["", "/behind/a/prefix"])
def test_route_walks_that_skip_routes_answer_as_asking_every_route(
    make_settings: Callable[..., Settings], root_path: str
) -> None:
    """The resolver and the Allow header ask only the routes whose literal start occurs in the
    path; over every route of the app (plus mounts, as the web app is served), they must
    answer what asking every route in order answers."""
    app = create_app(make_settings())
    files = PlainTextResponse("a file")
    routes = [*app.router.routes, Mount("/assets", app=files), Mount("/", app=files)]
    flat = flatten(routes)

    def every_route(method: str, path: str) -> str:
        scope = {"type": "http", "method": method, "path": path, "root_path": root_path}
        partial = None
        for route in flat:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return str(getattr(route, "path", "")) if isinstance(route, Route) else "mount"
            if match is Match.PARTIAL and partial is None:
                partial = route
        return "unmatched" if partial is None else str(getattr(partial, "path", ""))

    def every_method(path: str) -> set[str]:
        scope = {"type": "http", "method": "GET", "path": path, "root_path": root_path}
        return {
            method
            for route in flat
            if isinstance(route, Route) and route.include_in_schema and route.methods
            if route.matches(scope)[0] is not Match.NONE
            for method in route.methods
        }

    resolver = RouteResolver(routes)
    an_id = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    paths = {re.sub(r"\{[^}]+\}", an_id, str(getattr(r, "path", ""))) for r in flat}
    paths |= {"/api/v1/nothing", "/api/v1/tasks/x/y/z", "/assets/app.js", "/", "/health/"}
    assert len(paths) > 40
    for path in sorted(paths):
        full = root_path + path
        for method in ("GET", "POST", "PATCH", "DELETE", "PUT"):
            scope = {"type": "http", "method": method, "path": full, "root_path": root_path}
            label = resolver(scope)
            expected = every_route(method, full)
            assert (label if not label.endswith("{path}") else "mount") == expected, (method, path)
        scope = {"type": "http", "method": "GET", "path": full, "root_path": root_path}
        allowed = allowed_methods(routes, scope)
        allowed_set = set(allowed.split(", ")) if allowed else set()
        # allowed_methods prefers literal paths over templates; every method it names must be
        # one some route at that path answers, and a path no route answers has none.
        assert allowed_set <= every_method(full), path
        assert bool(allowed_set) == bool(every_method(full)), path


@pytest.mark.no_database
@pytest.mark.parametrize("root_path", ["", "/behind/a/prefix"])
def test_route_path_is_url_for_path_for_every_named_route(
    make_settings: Callable[..., Settings], root_path: str
) -> None:
    """The Location of a 201 comes from route_path; it must say what Starlette's url_for says,
    for every route of the app, mounted under a root path or not."""
    app = create_app(make_settings())
    scope = {"type": "http", "app": app, "router": app.router, "root_path": root_path}
    scope |= {"headers": [(b"host", b"taskapp.example")], "scheme": "https", "path": "/"}
    request = Request(scope)
    named = [r for r in app.router.routes if isinstance(r, Route) and r.param_convertors]
    assert len(named) > 20
    for route in named:
        params = dict.fromkeys(route.param_convertors, "3fa85f64-5717-4562-b3fc-2c963f66afa6")
        expected = str(request.url_for(route.name, **params).path)
        assert route_path(request, route.name, **params) == expected, route.name
    with pytest.raises(NoMatchFound):
        route_path(request, "no_such_route")


async def test_lockouts_and_logouts_are_counted(make_settings: Callable[..., Settings]) -> None:
    async with serving(make_settings(login_max_failures=1)) as http:
        account = await register_and_login(http)
        await login(http, account.email, "nope!")
        await login(http, account.email, "nope!")
        await http.post("/api/v1/auth/logout", json={"refresh_token": account.refresh_token})
        auth = scrape((await http.get("/metrics")).text)["auth_events"]
    assert value(auth, "auth_events_total", event="lockout") == 1
    assert value(auth, "auth_events_total", event="logout") == 1


async def test_active_sessions_count_unrevoked_unexpired_sessions(
    make_settings: Callable[..., Settings],
) -> None:
    app = create_app(make_settings())
    services = app.state.services
    async with client_for(app) as http:
        await app.state.gauges.refresh()
        before = value(
            scrape(generate_latest(services.registry).decode())["active_sessions"],
            "active_sessions",
        )
        one = await register_and_login(http)
        await register_and_login(http)
        await http.post("/api/v1/auth/logout", json={"refresh_token": one.refresh_token})
        await app.state.gauges.refresh()
        after = value(
            scrape(generate_latest(services.registry).decode())["active_sessions"],
            "active_sessions",
        )
    assert after - before == 1
    await services.engine.dispose()


async def test_request_logs_are_json_with_context_and_no_secrets(
    make_settings: Callable[..., Settings], capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(make_settings(env="production", secret_key=PRODUCTION_SECRET))
    email = unique_email()
    password = "a very secret password"
    async with client_for(app) as http:
        await http.post("/api/v1/auth/register", json={"email": email, "password": password})
        signed_in = await login(http, email, password)
        tokens = signed_in.json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}", "X-Request-ID": "trace-me"}
        await http.get("/api/v1/users/me", headers=headers)
        await http.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        await login(http, email, "wrong " + password)
    output = capsys.readouterr().out
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    requests = [line for line in lines if line["event"] == "request"]
    assert len(requests) == 5
    me = next(line for line in requests if line["route"] == "/api/v1/users/me")
    assert me["request_id"] == "trace-me"
    assert me["status"] == 200
    assert me["method"] == "GET"
    assert isinstance(me["duration_ms"], float)
    assert me["user_id"]
    assert me["level"] == "info"
    assert "timestamp" in me
    for secret in (password, tokens["access_token"], tokens["refresh_token"], "Bearer "):
        assert secret not in output
    await app.state.services.engine.dispose()


async def test_security_headers_on_api_responses(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert (
        response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    problem = await client.get("/api/v1/tasks")
    assert_problem(problem, 401)
    assert problem.headers["x-content-type-options"] == "nosniff"


async def test_an_empty_204_carries_the_api_csp(
    client: httpx.AsyncClient, account: Account
) -> None:
    """Every answer but a 304 carries a CSP (the contract checks it on each response), whether
    the route returns its own bodiless Response or lets FastAPI make the 204."""
    task = await create_task(client, account)
    project = json_object(
        await client.post("/api/v1/projects", json={"name": "Shown"}, headers=account.headers),
        201,
    )
    published = f"/api/v1/projects/{project['id']}/publish"
    json_object(await client.post(published, headers=account.headers), 200)
    for path in (published, f"/api/v1/tasks/{task['id']}"):
        response = await client.delete(path, headers=account.headers)
        assert response.status_code == 204, (path, response.text)
        assert response.headers.get("content-security-policy") == (
            "default-src 'none'; frame-ancestors 'none'"
        ), path


async def test_html_pages_get_a_strict_csp_except_swagger(web_http: httpx.AsyncClient) -> None:
    index = await web_http.get("/")
    docs = await web_http.get("/docs")
    csp = index.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp
    assert "content-security-policy" not in docs.headers
    assert docs.headers["x-content-type-options"] == "nosniff"


async def test_a_revalidated_page_keeps_its_own_csp(web_http: httpx.AsyncClient) -> None:
    first = await web_http.get("/login")
    again = await web_http.get("/login", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert "content-security-policy" not in again.headers
    assert again.headers["x-content-type-options"] == "nosniff"


async def test_hsts_only_in_production(make_settings: Callable[..., Settings]) -> None:
    prod = create_app(make_settings(env="production", secret_key=PRODUCTION_SECRET))
    async with client_for(prod) as http:
        response = await http.get("/health")
    assert re.fullmatch(r"max-age=\d+", response.headers["strict-transport-security"])
    await prod.state.services.engine.dispose()
