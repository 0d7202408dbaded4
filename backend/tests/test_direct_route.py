"""DirectRoute (taskapp.perf.direct_route): plain endpoints skip FastAPI's dependency solving and
answer as FastAPI would; every other endpoint is left to FastAPI's own handler."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

import fastapi.routing
import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordBearer
from starlette.requests import HTTPConnection

from taskapp.perf.direct_route import DirectRoute
from tests.conftest import Account, assert_problem

scheme = OAuth2PasswordBearer(tokenUrl="/token", auto_error=False)
calls: list[str] = []


async def counted(request: Request) -> str:
    calls.append("counted")
    return request.headers.get("x-name", "nobody")


async def who(
    name: Annotated[str, Depends(counted)], token: Annotated[str | None, Depends(scheme)]
) -> str:
    if token is None:
        raise HTTPException(401, "no token")
    return f"{name}:{token}"


async def also(name: Annotated[str, Depends(counted)], connection: HTTPConnection) -> str:
    return f"{name}@{connection.url.path}"


async def uncached(name: Annotated[str, Depends(counted, use_cache=False)]) -> str:
    return name


async def yielded() -> AsyncIterator[str]:
    yield "yielded"


def sync_dependency() -> str:
    return "sync"


async def extra(request: Request) -> None:
    calls.append("extra")


async def plain(
    request: Request, user: Annotated[str, Depends(who)], more: Annotated[str, Depends(also)]
) -> Response:
    return JSONResponse({"user": user, "more": more, "path": request.url.path})


async def twice(
    first: Annotated[str, Depends(uncached)], name: Annotated[str, Depends(counted)]
) -> Response:
    return JSONResponse({"first": first, "name": name})


async def with_query(limit: int, user: Annotated[str, Depends(who)]) -> Response:
    return JSONResponse({"limit": limit, "user": user})


async def with_yield(value: Annotated[str, Depends(yielded)]) -> Response:
    return JSONResponse({"value": value})


async def with_sync(value: Annotated[str, Depends(sync_dependency)]) -> Response:
    return JSONResponse({"value": value})


async def returns_a_model(user: Annotated[str, Depends(who)]) -> dict[str, Any]:
    return {"user": user, "dropped": None}


ENDPOINTS: dict[str, Callable[..., Any]] = {
    "/plain": plain,
    "/uncached": twice,
    "/query": with_query,
    "/yield": with_yield,
    "/sync": with_sync,
    "/model": returns_a_model,
}
PLAIN = {"/plain", "/uncached"}


def routes(route_class: type[APIRoute]) -> APIRouter:
    built = APIRouter(route_class=route_class)
    for path, endpoint in ENDPOINTS.items():
        built.add_api_route(path, endpoint, methods=["GET"])
    return built


direct_router, fastapi_router = routes(DirectRoute), routes(APIRoute)


def route_at(router: APIRouter, path: str) -> DirectRoute:
    found = next(r for r in router.routes if getattr(r, "path", None) == path)
    assert isinstance(found, DirectRoute)
    return found


def joined(router: APIRouter) -> FastAPI:
    """An app with the router's routes joined into its own, as taskapp's main.py does."""
    application = FastAPI()
    application.router.routes.extend(router.routes)
    return application


@pytest.fixture
def solver_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts FastAPI's solve_dependencies, the per-request work DirectRoute avoids."""
    seen: list[str] = []
    solve = fastapi.routing.solve_dependencies  # type: ignore[attr-defined]

    async def counting(*args: Any, **kwargs: Any) -> Any:
        seen.append("solve")
        return await solve(*args, **kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counting)
    return seen


async def get(app: FastAPI, path: str, headers: dict[str, str]) -> tuple[int, Any, list[str]]:
    """Status, body and the dependencies called (in order) for one request."""
    calls.clear()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        answer = await client.get(path, headers=headers)
    return answer.status_code, answer.json(), list(calls)


def test_only_plain_endpoints_are_served_directly() -> None:
    for path in ENDPOINTS:
        assert route_at(direct_router, path).plain is (path in PLAIN), path
    limited = APIRouter(route_class=DirectRoute)
    limited.add_api_route("/plain", plain, methods=["GET"], max_body_size=10)
    assert not route_at(limited, "/plain").plain  # FastAPI applies its own body limit


REQUESTS = [
    ("/plain", {"authorization": "Bearer abc", "x-name": "ada"}),
    ("/plain", {}),  # the dependency raises: 401
    ("/plain", {"authorization": "Basic abc"}),
    ("/uncached", {"x-name": "bo"}),
    ("/query?limit=5", {"authorization": "Bearer t"}),
    ("/query?limit=many", {"authorization": "Bearer t"}),  # 422 from FastAPI's validation
    ("/yield", {}),
    ("/sync", {}),
    ("/model", {"authorization": "Bearer t"}),
]


@pytest.mark.parametrize(("path", "headers"), REQUESTS)
async def test_every_endpoint_answers_as_fastapi_would(
    solver_calls: list[str], path: str, headers: dict[str, str]
) -> None:
    expected = await get(joined(fastapi_router), path, headers)
    solver_calls.clear()
    assert await get(joined(direct_router), path, headers) == expected
    # Plain endpoints skip FastAPI's solver; the others are FastAPI's to solve.
    assert bool(solver_calls) is (path not in PLAIN)


async def test_dependency_overrides_are_honoured(solver_calls: list[str]) -> None:
    async def stand_in() -> str:
        return "stand-in"

    app = FastAPI()
    app.router.add_api_route("/plain", plain, methods=["GET"], route_class_override=DirectRoute)
    assert route_at(app.router, "/plain").plain
    app.dependency_overrides[who] = stand_in
    status, body, _ = await get(app, "/plain", {"x-name": "ada"})
    assert (status, body["user"]) == (200, "stand-in")
    assert solver_calls  # overrides are FastAPI's to apply


async def test_a_router_included_with_dependencies_of_its_own_keeps_them() -> None:
    app = FastAPI()
    app.include_router(direct_router, dependencies=[Depends(extra)])
    status, _, called = await get(app, "/plain", {"authorization": "Bearer abc"})
    assert status == 200
    assert "extra" in called


async def test_the_busiest_task_reads_skip_fastapis_solver(
    client: httpx.AsyncClient, account: Account, solver_calls: list[str]
) -> None:
    for path in ("/api/v1/tasks", "/api/v1/tasks/stats", "/api/v1/tasks/today"):
        answer = await client.get(path, headers=account.headers)
        assert answer.status_code == 200, (path, answer.text)
    assert solver_calls == []
    unauthenticated = await client.get("/api/v1/tasks")
    assert_problem(unauthenticated, 401)
    assert solver_calls == []
