"""The service stays up: database outages answer 503 problem+json with Retry-After from every
endpoint, a dead pooled connection fails no read, and a bug is one 500 with the same headers as
any other answer and one traceback in the log."""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from taskapp.main import create_app
from taskapp.perf.driver import lending_pool_of
from taskapp.settings import Settings
from tests.conftest import (
    Account,
    app_on,
    assert_problem,
    client_for,
    create_task,
    register_and_login,
    serving,
    unique_email,
)

# What every response carries, errors included (http/headers.py, http/request_id.py).
SECURITY_HEADERS = ("x-content-type-options", "x-frame-options", "content-security-policy")


def _production(make_settings: Callable[..., Settings], **overrides: Any) -> Settings:
    """Production settings: JSON log lines on stdout, read back as the log shipper would."""
    values = {"env": "production", "secret_key": secrets.token_urlsafe(48), **overrides}
    return make_settings(**values)


def _log_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    output = capsys.readouterr().out
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    # Nothing but JSON lines: a traceback printed raw would show up here too.
    assert len(lines) == len([line for line in output.splitlines() if line.strip()]), output
    return lines


def _problems_logged(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Everything above info, and any line that carries a traceback."""
    return [line for line in lines if line["level"] != "info" or "exception" in line]


def _assert_like_any_response(response: httpx.Response) -> None:
    assert response.headers.get("x-request-id"), response.headers
    for name in SECURITY_HEADERS:
        assert name in response.headers, (name, response.headers)


def _unreachable_database_url(database_url: str, tmp_path: Path) -> str:
    """The suite's own kind of database, but one that cannot be reached or opened."""
    if database_url.startswith("postgresql"):
        with socket.socket() as probe:  # a port nobody listens on: connections are refused
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return f"postgresql+asyncpg://taskapp@127.0.0.1:{port}/taskapp_test"
    # A directory where the database file should be: SQLite cannot open it.
    return f"sqlite+aiosqlite:///{tmp_path}"


def _endpoints(account: Account) -> list[tuple[str, str, dict[str, Any]]]:
    task = f"/api/v1/tasks/{uuid.uuid4()}"
    auth = {"headers": account.headers}
    credentials = {"email": account.email, "password": account.password}
    return [
        ("GET", "/ready", {}),
        ("GET", "/api/v1/tasks", auth),
        ("GET", "/api/v1/tasks/stats", auth),
        ("GET", task, auth),
        ("POST", "/api/v1/tasks", {**auth, "json": {"title": "Down"}}),
        ("PATCH", task, {**auth, "json": {"title": "Down"}, "headers": {**account.headers}}),
        ("DELETE", task, auth),
        ("GET", "/api/v1/users/me", auth),
        ("PATCH", "/api/v1/users/me", {**auth, "json": {"full_name": "Down"}}),
        ("POST", "/api/v1/auth/register", {"json": {**credentials, "email": unique_email()}}),
        ("POST", "/api/v1/auth/login", {"json": credentials}),
        ("POST", "/api/v1/auth/refresh", {"json": {"refresh_token": account.refresh_token}}),
    ]


async def test_every_endpoint_answers_503_while_the_database_cannot_be_reached(
    make_settings: Callable[..., Settings],
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Reads, writes, auth and /ready: 503 problem+json with Retry-After, never a 500, and
    one warning line for the whole outage instead of a traceback per request."""
    # One secret for both apps: the account's token verifies on the one whose database is down,
    # so each request gets as far as the database.
    secret = secrets.token_urlsafe(48)
    up = create_app(_production(make_settings, secret_key=secret))
    async with client_for(up) as http:
        account = await register_and_login(http)
    await up.state.services.engine.dispose()
    unreachable = _unreachable_database_url(database_url, tmp_path)
    down = create_app(_production(make_settings, database_url=unreachable, secret_key=secret))
    capsys.readouterr()
    async with client_for(down) as http:
        answers = [
            (method, path, await http.request(method, path, **options))
            for method, path, options in _endpoints(account)
        ]
    await down.state.services.engine.dispose()
    logged = _problems_logged(_log_lines(capsys))
    for method, path, response in answers:
        body = assert_problem(response, 503)
        assert body["type"] == "urn:taskapp:problem:dependency-unavailable", (method, path, body)
        assert response.headers["retry-after"] == "1", (method, path)
        _assert_like_any_response(response)
    assert [(line["event"], line["level"]) for line in logged] == [
        ("database_unavailable", "warning")
    ], logged


async def test_an_unhandled_error_is_one_500_with_the_usual_headers_and_one_traceback(
    make_settings: Callable[..., Settings], capsys: pytest.CaptureFixture[str]
) -> None:
    broken = create_app(_production(make_settings))

    @broken.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    capsys.readouterr()
    # The transport raises what escapes the app, as a server would log it a second time
    # (and then close the connection).
    async with client_for(broken) as http:
        response = await http.get("/boom", headers={"X-Request-ID": "req-boom-1"})
    await broken.state.services.engine.dispose()
    logged = _problems_logged(_log_lines(capsys))
    body = assert_problem(response, 500)
    assert "a bug" not in body["detail"]
    assert response.headers["x-request-id"] == "req-boom-1"
    _assert_like_any_response(response)
    assert [(line["event"], line["level"]) for line in logged] == [("unhandled_error", "error")]
    assert "RuntimeError: a bug" in logged[0]["exception"]
    assert logged[0]["request_id"] == "req-boom-1"


async def _terminate_pooled_backends(app: FastAPI, *, leases: bool = True) -> int:
    """Kill, on the server, every connection the app's pool holds (a restart or failover);
    with `leases=False` only the ORM's idle ones, not those the lending pool holds."""
    engine = app.state.services.engine
    pooled: int = engine.sync_engine.pool.checkedin()
    held = [await engine.connect() for _ in range(pooled)]
    pids = [(await one.execute(text("SELECT pg_backend_pid()"))).scalar_one() for one in held]
    for one in held:
        await one.close()
    lending = lending_pool_of(engine)
    if (
        lending is not None and leases
    ):  # its idle connections, each asked at once so each answers once
        rows = await asyncio.gather(
            *(lending.fetch("SELECT pg_backend_pid()", []) for _ in range(lending.held))
        )
        pids += [found[0][0] for found in rows]
        pooled += len(rows)
    async with engine.connect() as killer:
        await killer.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM unnest(CAST(:pids AS integer[])) AS pid"
                " WHERE pid <> pg_backend_pid()"
            ),
            {"pids": pids},
        )
    await asyncio.sleep(0.2)  # the terminations are asynchronous on the server
    return pooled


@pytest.mark.postgres_only
async def test_a_write_on_a_killed_connection_is_a_503_and_the_next_one_succeeds(
    make_settings: Callable[..., Settings], capsys: pytest.CaptureFixture[str]
) -> None:
    """A write is not repeated behind the client's back (it may have committed): it gets a
    503 with Retry-After, and the pool has dropped every dead connection for the next one.
    The pool hands the ORM a connection without asking whether it still lives (no pre-ping),
    so a project's create meets a dead one. (The lending pool of the driver statements passes
    over connections the driver knows are closed: perf/lending.py, tests/test_lending_pool.py.)"""
    async with app_on(_production(make_settings, cache_ttl=0)) as app, client_for(app) as http:
        account = await register_and_login(http)
        await asyncio.gather(
            *(http.get("/api/v1/tasks", headers=account.headers) for _ in range(4)),
            *(http.get("/api/v1/users/me", headers=account.headers) for _ in range(4)),
        )
        # The lending pool's connections live on, so the session lookup finds one alive and
        # the project's create is the first to meet a dead connection.
        assert await _terminate_pooled_backends(app, leases=False) >= 1
        capsys.readouterr()
        failed = await http.post(
            "/api/v1/projects", json={"name": "During"}, headers=account.headers
        )
        after = [
            (await http.post(path, json=body, headers=account.headers))
            for path, body in (
                ("/api/v1/tasks", {"title": "After"}),
                ("/api/v1/projects", {"name": "After"}),
                ("/api/v1/tasks", {"title": "After"}),
            )
        ]
        projects = await http.get("/api/v1/projects", headers=account.headers)
    logged = _problems_logged(_log_lines(capsys))
    assert_problem(failed, 503)
    assert failed.headers["retry-after"] == "1"
    _assert_like_any_response(failed)
    assert [response.status_code for response in after] == [201, 201, 201]
    assert [line["event"] for line in logged] == ["database_unavailable"], logged
    names = [project["name"] for project in projects.json()["items"]]
    assert "During" not in names  # not repeated behind the client's back
    assert "After" in names


@pytest.mark.postgres_only
async def test_a_get_never_fails_on_a_killed_pooled_connection(
    make_settings: Callable[..., Settings],
) -> None:
    async with app_on(make_settings(cache_ttl=0)) as app, client_for(app) as http:
        account = await register_and_login(http)
        await create_task(http, account)
        pages = await asyncio.gather(
            *(http.get("/api/v1/tasks", headers=account.headers) for _ in range(6))
        )
        assert {page.status_code for page in pages} == {200}
        pooled = await _terminate_pooled_backends(app)
        assert pooled >= 2
        statuses = [
            (await http.get(path, headers=account.headers)).status_code
            for path in ("/api/v1/tasks", "/api/v1/tasks/stats", "/api/v1/users/me") * pooled
        ]
    assert statuses == [200] * len(statuses)


async def test_auth_refusals_401_and_429_are_never_stored_by_a_cache(
    make_settings: Callable[..., Settings],
) -> None:
    async with serving(make_settings(login_max_failures=1)) as http:
        account = await register_and_login(http)
        unauthorized = await http.get("/api/v1/users/me")
        wrong = {"email": account.email, "password": "wrong " + account.password}
        # However the lockout counts, wrong passwords end in a 429 well before this many.
        for _ in range(20):
            refused = await http.post("/api/v1/auth/login", json=wrong)
            if refused.status_code == 429:
                break
    assert_problem(unauthorized, 401)
    assert unauthorized.headers["cache-control"] == "no-store"
    assert_problem(refused, 429)
    assert refused.headers["cache-control"] == "no-store"
    assert refused.headers["retry-after"]


async def test_a_bug_while_handling_a_connection_error_is_still_a_500(
    make_settings: Callable[..., Settings],
) -> None:
    """Only what a connection error *caused* is an outage: a bug in the code that handled one
    (a KeyError in an `except OSError:` block) must surface as the bug it is."""
    app = create_app(make_settings())

    lookups: dict[str, str] = {}

    def fetch() -> str:
        raise ConnectionResetError("the cache went away")

    @app.get("/handled-badly")
    async def handled_badly() -> str:
        try:
            return fetch()
        except ConnectionResetError:
            return lookups["missing"]  # the bug under test: a KeyError

    async with client_for(app) as http:
        response = await http.get("/handled-badly")
    await app.state.services.engine.dispose()
    assert_problem(response, 500)
