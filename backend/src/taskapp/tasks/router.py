"""HTTP in, HTTP out: /tasks endpoints. Rules live in tasks/service.py."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, get_origin

from fastapi import APIRouter, Header, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from taskapp.auth.interface import AccessContext, CurrentPrincipal
from taskapp.deps import Services, ServicesDep, SessionDep, SettingsDep
from taskapp.errors import ProblemError
from taskapp.openapi import API_PREFIX, problem_responses, query_parameters
from taskapp.settings import Settings
from taskapp.tasks import service
from taskapp.tasks.pagination import CursorCodec
from taskapp.tasks.schemas import TaskCreate, TaskPage, TaskPublic, TaskQuery, TaskStats, TaskUpdate


@dataclass(frozen=True, slots=True)
class TaskServices:
    """What the tasks domain keeps per app: built by main.py onto app.state.tasks."""

    cursors: CursorCodec


def build_task_services(settings: Settings) -> TaskServices:
    return TaskServices(cursors=CursorCodec(settings.secret_key))


router = APIRouter(prefix=f"{API_PREFIX}/tasks", tags=["tasks"], responses=problem_responses(401))

IfMatch = Annotated[
    str | None,
    Header(
        max_length=1024,
        description='ETag from a previous read, e.g. "3"; a stale one gets 412 and changes nothing',
    ),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Retrying a POST with the same key and body returns the first response",
    ),
]
STATS_ALLOW = {"Allow": "GET"}
ETAG_HEADER = {"ETag": {"schema": {"type": "string"}, "description": "The task's version"}}


def task_location(request: Request, task_id: uuid.UUID) -> str:
    return str(request.url_for("read_task", task_id=task_id).path)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TaskPublic,
    responses={
        201: {
            "headers": {
                **ETAG_HEADER,
                "Location": {"schema": {"type": "string"}, "description": "The new task's URL"},
            }
        },
        **problem_responses(409, 413, 422),
    },
)
async def create_task(
    body: TaskCreate,
    request: Request,
    user: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    created = await service.create_task(
        session,
        user.user_id,
        body,
        idempotency_key=idempotency_key,
        idempotency_ttl_seconds=settings.idempotency_ttl.total_seconds(),
    )
    headers = {
        "Location": task_location(request, created.task_id),
        "ETag": service.etag_for(created.version),
    }
    if created.replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(created.body, status_code=201, headers=headers)


def _cache_key(user: AccessContext, kind: str, detail: str = "") -> str:
    # The owner's data version makes every earlier entry unreachable after a write.
    digest = hashlib.blake2b(detail.encode(), digest_size=16).hexdigest() if detail else "-"
    return f"taskapp:v1:{user.user_id}:{user.tasks_version}:{kind}:{digest}"


def _json(body: bytes, headers: dict[str, str] | None = None) -> Response:
    return Response(body, media_type="application/json", headers=headers)


_REPEATABLE = frozenset(
    name for name, field in TaskQuery.model_fields.items() if get_origin(field.annotation) is list
)


def task_query(request: Request) -> TaskQuery:
    """GET /tasks's parameters, validated as FastAPI does for `Annotated[TaskQuery, Query()]`:
    repeatable names as lists, other names once (the last wins), errors located under "query".

    FastAPI's own query-model extraction cost far more than TaskQuery.model_validate on the same
    values, and solving a dependency costs too, so this is called from the endpoint (the
    measurements are in docs/adr/0006).
    """
    params = request.query_params
    values = {
        name: params.getlist(name) if name in _REPEATABLE else params[name] for name in params
    }
    try:
        return TaskQuery.model_validate(values)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("query", *error["loc"])} for error in exc.errors(include_url=False)]
        ) from None


@router.get(
    "",
    response_model=TaskPage,
    responses=problem_responses(422),
    openapi_extra={"parameters": query_parameters(TaskQuery)},
)
async def list_tasks(request: Request, user: CurrentPrincipal) -> Response:
    query = task_query(request)
    # App state rather than ServicesDep: one dependency fewer for FastAPI to solve on the
    # busiest endpoint (as in get_principal).
    services: Services = request.app.state.services
    key = _cache_key(user, "list", query.model_dump_json())
    if (cached := await services.cache.get(key)) is not None:
        return _json(cached)
    body = await service.list_tasks(
        services.read_engine, user.user_id, query, request.app.state.tasks.cursors, services.tracer
    )
    await services.cache.set(key, body)
    return _json(body)


@router.get("/stats", response_model=TaskStats)
async def task_stats(user: CurrentPrincipal, services: ServicesDep) -> Response:
    key = _cache_key(user, "stats")
    if (cached := await services.cache.get(key)) is not None:
        return _json(cached)
    async with services.read_engine.connect() as connection:
        body = (await service.stats(connection, user.user_id)).model_dump_json().encode()
    await services.cache.set(key, body)
    return _json(body)


@router.api_route(
    "/stats", methods=["POST", "PUT", "PATCH", "DELETE", "OPTIONS"], include_in_schema=False
)
async def task_stats_other_methods() -> None:
    # Without this, PATCH/DELETE /tasks/stats would reach /tasks/{task_id} and answer 422
    # ("stats" is not a UUID) instead of 405 for a read-only resource.
    raise ProblemError(405, "This method is not allowed on this path.", headers=STATS_ALLOW)


def _task_response(task: Any, status_code: int = 200) -> JSONResponse:
    public = TaskPublic.model_validate(task)
    return JSONResponse(
        public.model_dump(mode="json"),
        status_code=status_code,
        headers={"ETag": service.etag_for(public.version)},
    )


def _etag_matches(header: str | None, etag: str) -> bool:
    return header is not None and etag in {
        tag.strip().removeprefix("W/") for tag in header.split(",")
    }


@router.get(
    "/{task_id}",
    response_model=TaskPublic,
    responses={
        200: {"headers": ETAG_HEADER},
        304: {"description": "Not modified (If-None-Match matched the current ETag)"},
        **problem_responses(404, 422),
    },
)
async def read_task(
    task_id: uuid.UUID,
    user: CurrentPrincipal,
    services: ServicesDep,
    if_none_match: Annotated[str | None, Header(max_length=1024)] = None,
) -> Response:
    key = _cache_key(user, "task", str(task_id))
    cached = await services.cache.get(key)
    if cached is not None:
        etag, _, body = cached.partition(b"\n")
    else:
        async with services.read_engine.connect() as connection:
            public = await service.read_task(connection, user.user_id, task_id)
        etag = service.etag_for(public.version).encode()
        body = public.model_dump_json().encode()
        await services.cache.set(key, etag + b"\n" + body)
    if _etag_matches(if_none_match, etag.decode()):
        return Response(status_code=304, headers={"ETag": etag.decode()})
    return _json(body, {"ETag": etag.decode()})


@router.patch(
    "/{task_id}",
    response_model=TaskPublic,
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(404, 412, 413, 422)},
)
async def update_task(
    task_id: uuid.UUID,
    body: TaskUpdate,
    user: CurrentPrincipal,
    session: SessionDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    task = await service.update_task(session, user.user_id, task_id, body, if_match=if_match)
    return _task_response(task)


@router.delete(
    "/{task_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404, 412, 422),
)
async def delete_task(
    task_id: uuid.UUID,
    user: CurrentPrincipal,
    session: SessionDep,
    if_match: IfMatch = None,
) -> None:
    await service.delete_task(session, user.user_id, task_id, if_match=if_match)
