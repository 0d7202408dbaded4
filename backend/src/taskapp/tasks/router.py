"""HTTP in, HTTP out: /tasks endpoints. Rules live in tasks/service.py."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry.trace import Tracer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from taskapp.auth.interface import AccessContext, CurrentPrincipal
from taskapp.cursors import PageRequest, page_request
from taskapp.deps import SessionDep, SettingsDep
from taskapp.errors import ProblemError, invalid_field
from taskapp.http.routes import route_path
from taskapp.openapi import API_PREFIX, problem_responses, query_parameters
from taskapp.perf.direct_route import DirectRoute
from taskapp.tasks import (
    agenda,
    assignees,
    bulk,
    encoding,
    history,
    inbox,
    query_string,
    reads,
    service,
)
from taskapp.tasks.etags import EntityTags, etag_for
from taskapp.tasks.schemas import (
    Agenda,
    IsoDay,
    LabelList,
    TaskBulk,
    TaskBulkResult,
    TaskCompletionList,
    TaskCreate,
    TaskHistoryPage,
    TaskMove,
    TaskPage,
    TaskPublic,
    TaskQuery,
    TaskSkip,
    TaskStats,
    TaskUpdate,
    TodayView,
)
from taskapp.tasks.sharing import (
    RANK,
    Access,
    Role,
    project_access_on,
    refused,
    require_task_on,
    task_access_on,
)

# DirectRoute: the busiest reads (the list, stats, Today) take only the principal, which is then
# resolved without FastAPI's per-request dependency solving (perf/direct_route.py).
router = APIRouter(
    prefix=f"{API_PREFIX}/tasks",
    tags=["tasks"],
    responses=problem_responses(401),
    route_class=DirectRoute,
)

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
CompleteSubtasks = Annotated[
    bool,
    Query(
        description="Setting status done on a task with open subtasks completes them too, in"
        " the same transaction; without it that is 409 `open-subtasks`"
    ),
]
STATS_ALLOW = {"Allow": "GET"}
ETAG_HEADER = {"ETag": {"schema": {"type": "string"}, "description": "The task's version"}}


def _access_session(request: Request) -> AsyncSession:
    """A session of its own for a membership check, closed before the write: the write's
    session may never check out a connection (its one-statement path runs on the driver, on
    another one), and holding one across it would let concurrent writes exhaust the pool."""
    factory: async_sessionmaker[AsyncSession] = request.app.state.services.session_factory
    return factory()


def _read_side(request: Request) -> tuple[AsyncEngine, Tracer]:
    """The autocommit read engine and tracer the access checks run on (sharing's *_on), before
    any session of the request's is opened."""
    services = request.app.state.services
    return services.read_engine, services.tracer


async def _partition_of(
    request: Request, user: AccessContext, project: uuid.UUID | None
) -> tuple[uuid.UUID, int]:
    """Whose tasks a read of `project` reads, and that owner's data version. Another project
    than the Inbox: a shared one is read from its owner's tasks, after a membership check that
    is never cached (ADR 0017). Not a member: the user's own tasks (so an empty answer)."""
    if project is None or project == user.user_id:
        return user.user_id, user.tasks_version
    access = await project_access_on(*_read_side(request), user.user_id, project)
    if access is None:
        return user.user_id, user.tasks_version
    return access.owner_id, access.owner_version


async def _task_access(
    request: Request, user_id: uuid.UUID, task_id: uuid.UUID, need: Role
) -> Access:
    return await require_task_on(*_read_side(request), user_id, task_id, need)


async def _viewed_task(task_id: uuid.UUID, request: Request, user: CurrentPrincipal) -> Access:
    return await _task_access(request, user.user_id, task_id, Role.VIEWER)


async def _edited_task(task_id: uuid.UUID, request: Request, user: CurrentPrincipal) -> Access:
    return await _task_access(request, user.user_id, task_id, Role.EDITOR)


# The path's task as the user may see it (404 when they cannot) or change it (403 for a viewer).
ViewedTask = Annotated[Access, Depends(_viewed_task)]
EditedTask = Annotated[Access, Depends(_edited_task)]


async def _target(
    request: Request,
    user_id: uuid.UUID,
    project_id: uuid.UUID | None,
    within: Access | None = None,
) -> Access | None:
    """The access by which the user writes into `project_id` (None: their own partition).

    A member writes into a shared project as its owner (ADR 0017); a task being moved (`within`,
    its access) stays in its owner's partition. A project the user cannot reach is refused as
    an unknown one is (422 naming the field), so is a member's move into their own Inbox; a
    viewer's write is 403."""
    if project_id is None or project_id == user_id:  # the user's Inbox
        if within is not None and within.shared:
            _unknown(project_id)
        return None
    access = await project_access_on(*_read_side(request), user_id, project_id)
    if access is None or (within is not None and access.owner_id != within.owner_id):
        _unknown(project_id)
    if RANK[access.role] < RANK[Role.EDITOR]:
        raise refused(access.role, Role.EDITOR)
    return access


async def _check_members_parent(
    request: Request, user_id: uuid.UUID, parent_id: uuid.UUID, project_id: uuid.UUID
) -> None:
    """A member's subtask needs a parent they may see, in the shared project it is written in
    (the owner's other tasks read as no task)."""
    parent = await task_access_on(*_read_side(request), user_id, parent_id)
    if parent is None or parent.project_id != project_id:
        raise RequestValidationError(
            [
                {
                    "type": "unknown_parent",
                    "loc": ("body", "parent_id"),
                    "msg": "is not a task of this project",
                    "input": str(parent_id),
                }
            ]
        )


def _unknown(project_id: uuid.UUID | None) -> NoReturn:
    raise inbox.unknown_project_error(project_id)


def task_location(request: Request, task_id: uuid.UUID) -> str:
    return route_path(request, "read_task", task_id=task_id)


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
) -> Response:
    into = await _target(request, user.user_id, body.project_id)
    if into is not None and into.shared and body.parent_id is not None:
        await _check_members_parent(request, user.user_id, body.parent_id, into.project_id)
    owner_id = user.user_id if into is None else into.owner_id
    if body.assignee_id is not None:
        async with _access_session(request) as access_session:
            await assignees.check(
                access_session,
                owner_id,
                owner_id if into is None else into.project_id,
                body.assignee_id,
            )
    created = await service.create_task(
        session,
        owner_id,
        body,
        actor_id=user.user_id,
        idempotency_key=idempotency_key,
        idempotency_ttl_seconds=settings.idempotency_ttl.total_seconds(),
        tracer=request.app.state.services.tracer,
        time_zone=user.time_zone,
    )
    headers = {
        "Location": task_location(request, created.task_id),
        "ETag": etag_for(created.version),
    }
    if created.replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(
        encoding.item_json(created.body),
        status_code=201,
        headers=headers,
        media_type="application/json",
    )


def _json(body: bytes, headers: dict[str, str] | None = None) -> Response:
    return Response(body, media_type="application/json", headers=headers)


def task_query(request: Request) -> TaskQuery:
    """GET /tasks's parameters, validated as FastAPI does for `Annotated[TaskQuery, Query()]`:
    repeatable names as lists, other names once (the last wins), errors located under "query".

    Kept because FastAPI's own query-model extraction measurably costs more on the busiest
    endpoint, and called from the endpoint rather than declared as a dependency, which FastAPI
    would also spend time solving (the measurements: docs/adr/0006).
    """
    try:
        return TaskQuery.model_validate(query_string.values_of(request.query_params.multi_items()))
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
    owner_id, version = await _partition_of(request, user, query.project)
    # App state rather than ServicesDep: one dependency fewer for FastAPI to solve on the
    # busiest endpoint (as in get_principal).
    return _json(
        await reads.page(request.app.state.tasks, owner_id, version, query, user.time_zone)
    )


@router.get("/stats", response_model=TaskStats)
async def task_stats(request: Request, user: CurrentPrincipal) -> Response:
    return _json(
        await reads.task_stats(
            request.app.state.tasks, user.user_id, user.tasks_version, user.time_zone
        )
    )


@router.get(
    "/labels",
    response_model=LabelList,
    responses=problem_responses(422),
    summary="Every label on the caller's tasks (or a project's), with how many tasks carry each",
)
async def task_labels(
    request: Request,
    user: CurrentPrincipal,
    project: Annotated[
        uuid.UUID | None,
        Query(
            description="Only the tasks of this project: one of the caller's (their Inbox's id"
            " for the Inbox) or a shared one they are a member of. A project they cannot reach"
            " answers an empty list, as `GET /tasks?project=` does"
        ),
    ] = None,
) -> Response:
    owner_id, version = await _partition_of(request, user, project)
    return _json(await reads.labels(request.app.state.tasks, owner_id, version, project))


@router.get(
    "/today",
    response_model=TodayView,
    summary="Open tasks overdue and due today, in the user's time zone",
)
async def today(request: Request, user: CurrentPrincipal) -> Response:
    return _json(
        await agenda.today(
            request.app.state.tasks, user.user_id, user.tasks_version, user.time_zone
        )
    )


def _agenda_range_problem(message: str) -> ProblemError:
    return invalid_field("query.to", message, "agenda_range")


@router.get(
    "/agenda",
    response_model=Agenda,
    responses=problem_responses(422),
    summary="Open tasks by day from..to (at most 62 days) in the user's time zone",
)
async def agenda_days(
    request: Request,
    user: CurrentPrincipal,
    first: Annotated[IsoDay, Query(alias="from", description="First day (YYYY-MM-DD)")],
    to: Annotated[IsoDay, Query(description="Last day, inclusive (YYYY-MM-DD)")],
) -> Response:
    if to < first:
        raise _agenda_range_problem("to must not be before from")
    if (to - first).days + 1 > agenda.MAX_AGENDA_DAYS:
        raise _agenda_range_problem(f"the range spans at most {agenda.MAX_AGENDA_DAYS} days")
    return _json(
        await agenda.agenda(
            request.app.state.tasks, user.user_id, user.tasks_version, user.time_zone, first, to
        )
    )


# Without these, PATCH/DELETE /tasks/stats (or /today, /agenda, /bulk) would reach
# /tasks/{task_id} and answer 422 ("stats" is not a UUID) instead of 405.
@router.api_route(
    "/stats", methods=["POST", "PUT", "PATCH", "DELETE", "OPTIONS"], include_in_schema=False
)
@router.api_route(
    "/today", methods=["POST", "PUT", "PATCH", "DELETE", "OPTIONS"], include_in_schema=False
)
@router.api_route(
    "/labels", methods=["POST", "PUT", "PATCH", "DELETE", "OPTIONS"], include_in_schema=False
)
@router.api_route(
    "/agenda", methods=["POST", "PUT", "PATCH", "DELETE", "OPTIONS"], include_in_schema=False
)
async def task_stats_other_methods() -> None:
    raise ProblemError(405, "This method is not allowed on this path.", headers=STATS_ALLOW)


@router.api_route(
    "/bulk", methods=["GET", "PUT", "PATCH", "DELETE", "OPTIONS"], include_in_schema=False
)
async def task_bulk_other_methods() -> None:
    raise ProblemError(405, "This method is not allowed on this path.", headers={"Allow": "POST"})


def _task_response(task: Any, status_code: int = 200) -> JSONResponse:
    public = TaskPublic.model_validate(task)
    return JSONResponse(
        public.model_dump(mode="json"),
        status_code=status_code,
        headers={"ETag": etag_for(public.version)},
    )


@router.post(
    "/bulk",
    response_model=TaskBulkResult,
    responses=problem_responses(404, 409, 412, 413, 422),
)
async def bulk_change(body: TaskBulk, user: CurrentPrincipal, session: SessionDep) -> JSONResponse:
    """Patch and delete up to 200 tasks in one transaction: every `version` must be current and
    every id the caller's, or nothing is applied (412 lists `stale_ids`, 404 `missing_ids`).
    The answer holds what an undo needs: the patched tasks with their new versions, and the
    deleted ids (undo is another bulk request with the previous values)."""
    result = await bulk.apply(session, user.user_id, body, user.time_zone)
    return JSONResponse(
        TaskBulkResult(
            tasks=[TaskPublic.model_validate(task) for task in result.tasks],
            deleted=result.deleted,
        ).model_dump(mode="json")
    )


@router.get(
    "/assigned",
    response_model=TaskPage,
    responses=problem_responses(422),
    summary="Open tasks assigned to me, newest first, in my projects and those shared with me",
)
async def assigned_to_me(
    user: CurrentPrincipal,
    session: SessionDep,
    asked: Annotated[PageRequest, Depends(page_request(assignees.CURSORS, assignees.PAGE_LIMIT))],
) -> TaskPage:
    """Across owners' partitions, so never from the per-owner response cache: an indexed query
    joined to the caller's current memberships (ADR 0017)."""
    return await assignees.assigned_to(session, asked, user.user_id)


@router.api_route(
    "/assigned", methods=["POST", "PUT", "PATCH", "DELETE", "OPTIONS"], include_in_schema=False
)
async def assigned_other_methods() -> None:
    raise ProblemError(405, "This method is not allowed on this path.", headers={"Allow": "GET"})


@router.api_route(
    "/bulk", methods=["GET", "PUT", "PATCH", "DELETE", "OPTIONS"], include_in_schema=False
)
async def bulk_other_methods() -> None:
    # As for /stats: without this, GET or PATCH /tasks/bulk would reach /tasks/{task_id}.
    raise ProblemError(405, "This method is not allowed on this path.", headers={"Allow": "POST"})


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
    request: Request,
    user: CurrentPrincipal,
    if_none_match: Annotated[str | None, Header(max_length=1024)] = None,
) -> Response:
    # App state rather than ServicesDep, as in list_tasks: one dependency fewer to solve.
    state = request.app.state
    try:
        read = await reads.task(state.tasks, user.user_id, user.tasks_version, task_id)
    except ProblemError as exc:
        if exc.status != 404:
            raise
        # Not the user's own: a member reads a shared project's task as its owner, after a
        # membership check that is never cached, so a removed member is refused at once.
        access = await _task_access(request, user.user_id, task_id, Role.VIEWER)
        read = await reads.task(state.tasks, access.owner_id, access.owner_version, task_id)
    condition = EntityTags.parse(if_none_match)
    if condition is not None and condition.match_weak(read.etag):
        return Response(status_code=304, headers={"ETag": read.etag})
    return _json(read.body, {"ETag": read.etag})


@router.patch(
    "/{task_id}",
    response_model=TaskPublic,
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(404, 409, 412, 413, 422)},
)
async def update_task(
    task_id: uuid.UUID,
    body: TaskUpdate,
    request: Request,
    user: CurrentPrincipal,
    access: EditedTask,
    session: SessionDep,
    if_match: IfMatch = None,
    complete_subtasks: CompleteSubtasks = False,
) -> JSONResponse:
    if body.project_id is not None:
        await _target(request, user.user_id, body.project_id, access)
    if body.parent_id is not None and access.shared:
        project_id = body.project_id or access.project_id
        await _check_members_parent(request, user.user_id, body.parent_id, project_id)
    if body.assignee_id is not None:  # checked against the project the task will be in
        async with _access_session(request) as session_of_check:
            await assignees.check(
                session_of_check,
                access.owner_id,
                body.project_id or access.project_id,
                body.assignee_id,
            )
    task = await service.update_task(
        session,
        access.owner_id,
        task_id,
        body,
        actor_id=user.user_id,
        if_match=EntityTags.parse(if_match),
        tracer=request.app.state.services.tracer,
        time_zone=user.time_zone,
        complete_subtasks=complete_subtasks,
    )
    return _task_response(task)


@router.post(
    "/{task_id}/skip",
    response_model=TaskPublic,
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(404, 409, 412, 422)},
    summary="Move a repeating task to its next occurrence without completing this one",
)
async def skip_occurrence(
    task_id: uuid.UUID,
    body: TaskSkip,
    user: CurrentPrincipal,
    access: EditedTask,
    session: SessionDep,
) -> JSONResponse:
    skipped = await service.skip_occurrence(
        session,
        access.owner_id,
        task_id,
        body,
        actor_id=user.user_id,
        time_zone=user.time_zone,
    )
    return _task_response(skipped)


@router.get(
    "/{task_id}/completions",
    response_model=TaskCompletionList,
    responses=problem_responses(404, 422),
    summary="A recurring task's completed occurrences, newest first",
)
async def task_completions(
    task_id: uuid.UUID,
    access: ViewedTask,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=service.COMPLETIONS_LIMIT)] = 50,
) -> TaskCompletionList:
    items = await service.list_completions(session, access.owner_id, task_id, limit)
    return TaskCompletionList(items=items)


@router.get(
    "/{task_id}/history",
    response_model=TaskHistoryPage,
    responses=problem_responses(404, 422),
    summary="Who changed what in the task, and when: newest first",
)
async def task_history(
    task_id: uuid.UUID, access: ViewedTask, asked: history.HistoryRequestDep
) -> TaskHistoryPage:
    return await asked.page(access.owner_id, task_id=task_id)


@router.delete(
    "/{task_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404, 412, 422),
)
async def delete_task(
    task_id: uuid.UUID,
    user: CurrentPrincipal,
    access: EditedTask,
    session: SessionDep,
    if_match: IfMatch = None,
) -> None:
    await service.delete_task(
        session,
        access.owner_id,
        task_id,
        if_match=EntityTags.parse(if_match),
        actor_id=user.user_id,
    )


@router.post(
    "/{task_id}/move",
    response_model=TaskPublic,
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(404, 409, 412, 413, 422)},
)
async def move_task(
    task_id: uuid.UUID,
    request: Request,
    body: TaskMove,
    user: CurrentPrincipal,
    access: EditedTask,
    session: SessionDep,
    complete_subtasks: CompleteSubtasks = False,
) -> JSONResponse:
    """Place the task right after `after_id` (or before `before_id`, or at the end), with a
    new `position` between its neighbours as they are at the time of the move."""
    if body.project_id is not None:
        await _target(request, user.user_id, body.project_id, access)
    moved = await service.move_task(
        session,
        access.owner_id,
        task_id,
        body,
        actor_id=user.user_id,
        complete_subtasks=complete_subtasks,
        time_zone=user.time_zone,
    )
    return _task_response(moved)
