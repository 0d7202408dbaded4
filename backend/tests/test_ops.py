"""Operations: health, readiness, body limit, request ids, CORS, unknown routes, the web app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx

from taskapp.errors import PROBLEM_JSON
from taskapp.main import create_app
from taskapp.settings import Settings
from tests.conftest import Account, assert_problem, client_for, serving


async def test_health_is_ok_without_dependencies(make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    async with client_for(app) as http:
        response = await http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_the_database_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "cache": "ok"}}


async def test_not_ready_names_the_database_when_it_is_down(
    make_settings: Callable[..., Settings],
) -> None:
    async with serving(
        make_settings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    ) as http:
        response = await http.get("/ready")
    body = assert_problem(response, 503)
    assert body["checks"]["database"].startswith("error:")
    assert "database" in body["detail"]


async def test_body_over_one_mebibyte_is_413_by_content_length(
    client: httpx.AsyncClient, account: Account
) -> None:
    big = b'{"title": "' + b"x" * (1024 * 1024) + b'"}'
    response = await client.post(
        "/api/v1/tasks",
        content=big,
        headers={**account.headers, "Content-Type": "application/json"},
    )
    body = assert_problem(response, 413)
    assert "1048576" in body["detail"]
    assert response.headers["x-request-id"]


async def test_both_ways_to_a_413_answer_with_one_problem_body(
    client: httpx.AsyncClient, account: Account
) -> None:
    """Refused up front by Content-Length or while streaming: the same problem details."""
    headers = {**account.headers, "Content-Type": "application/json"}
    big = b'{"title": "' + b"x" * (1024 * 1024) + b'"}'

    async def chunks() -> AsyncIterator[bytes]:
        yield big

    by_length = await client.post("/api/v1/tasks", content=big, headers=headers)
    streamed = await client.post("/api/v1/tasks", content=chunks(), headers=headers)

    expected = {
        "type": "about:blank",
        "title": "Content Too Large",
        "status": 413,
        "detail": "The request body is larger than the 1048576 bytes allowed.",
        "instance": "/api/v1/tasks",
    }
    assert assert_problem(by_length, 413) == expected
    assert assert_problem(streamed, 413) == expected
    # The unread body must not be taken for the next request on this connection.
    assert by_length.headers["connection"] == "close"


async def test_body_over_the_limit_is_413_when_streamed_without_length(
    client: httpx.AsyncClient, account: Account
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"title": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"}'

    response = await client.post(
        "/api/v1/tasks",
        content=chunks(),
        headers={**account.headers, "Content-Type": "application/json"},
    )
    assert_problem(response, 413)
    listed = await client.get("/api/v1/tasks", headers=account.headers)
    assert listed.json()["items"] == []


async def test_a_body_just_under_the_limit_is_accepted(
    client: httpx.AsyncClient, account: Account
) -> None:
    # 1 MiB of JSON that is valid but fails validation: proves it was read, not refused early.
    padding = " " * (1024 * 1024 - 100)
    content = ('{"title": "ok"' + padding + "}").encode()
    response = await client.post(
        "/api/v1/tasks",
        content=content,
        headers={**account.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 201


async def test_request_id_is_echoed_when_valid_and_generated_otherwise(
    client: httpx.AsyncClient,
) -> None:
    echoed = await client.get("/health", headers={"X-Request-ID": "req-123.abc"})
    assert echoed.headers["x-request-id"] == "req-123.abc"
    generated = await client.get("/health")
    assert len(generated.headers["x-request-id"]) == 32
    unsafe = await client.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    assert unsafe.headers["x-request-id"] != "bad id with spaces"


async def test_cors_allows_configured_origins_only(client: httpx.AsyncClient) -> None:
    allowed = await client.options(
        "/api/v1/tasks",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Idempotency-Key",
        },
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    denied = await client.options(
        "/api/v1/tasks",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in denied.headers
    # Refused like every other error: problem+json, not Starlette's text/plain.
    body = assert_problem(denied, 400)
    assert body["detail"] == "Cross-origin request refused: origin not allowed."
    assert body["instance"] == "/api/v1/tasks"
    simple = await client.get("/health", headers={"Origin": "http://localhost:5173"})
    assert "ETag" in simple.headers["access-control-expose-headers"]


async def test_without_configured_origins_no_cross_origin_request_is_allowed(
    make_settings: Callable[..., Settings],
) -> None:
    async with serving(make_settings(cors_origins=[])) as http:
        preflight = await http.options(
            "/api/v1/tasks",
            headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"},
        )
        simple = await http.get("/health", headers={"Origin": "http://localhost:5173"})
    assert "access-control-allow-origin" not in preflight.headers
    assert_problem(preflight, 405)
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers


async def test_unknown_paths_and_methods_are_problems(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/v1/nothing-here"), 404)
    assert_problem(await client.put("/api/v1/tasks"), 405)


async def test_openapi_documents_problem_responses(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    create = spec["paths"]["/api/v1/tasks"]["post"]
    assert "application/problem+json" in create["responses"]["422"]["content"]
    assert {"401", "409", "413", "422"} <= set(create["responses"])
    assert spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]["type"] == "oauth2"
    docs = await client.get("/docs")
    assert docs.status_code == 200


async def test_every_operation_that_validates_input_documents_its_422(
    client: httpx.AsyncClient,
) -> None:
    # An operation with parameters or a JSON body answers invalid input with 422 problem+json
    # (errors.py): its schema must say so, or a client generated from it (and the fuzz run,
    # schemathesis) meets an answer it was not told of. FastAPI's own 422 shape must not show.
    spec = (await client.get("/openapi.json")).json()
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if (
            operation.get("parameters")
            or "application/json" in operation.get("requestBody", {}).get("content", {})
        )
        and PROBLEM_JSON not in operation["responses"].get("422", {}).get("content", {})
    ]
    assert undocumented == []
    assert "HTTPValidationError" not in spec["components"]["schemas"]


async def test_the_built_web_app_is_served_with_spa_fallback(
    make_settings: Callable[..., Settings], tmp_web_dir: Path
) -> None:
    app = create_app(make_settings(web_dir=tmp_web_dir))
    async with client_for(app) as http:
        index = await http.get("/")
        deep_link = await http.get("/tasks/board?status=done")
        asset = await http.get("/assets/app-abc123.js")
        missing_asset = await http.get("/assets/missing.js")
        api_404 = await http.get("/api/v1/nothing")
        health = await http.get("/health")
    assert index.status_code == 200
    assert "<div id=root>" in index.text
    assert index.headers["cache-control"] == "no-cache"
    assert deep_link.status_code == 200
    assert deep_link.text == index.text
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert missing_asset.status_code == 200  # SPA fallback; the app shows its own 404
    assert_problem(api_404, 404)
    assert health.json() == {"status": "ok"}
    await app.state.services.engine.dispose()


async def test_without_a_built_web_app_the_root_is_a_404_problem(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/"), 404)
