"""Task writes: ownership, optimistic concurrency (If-Match), idempotent creation.

Every function takes the request's AsyncSession and commits the write together with the owner's
data-version bump. Reads live in tasks/reads.py."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from opentelemetry.trace import Tracer
from sqlalchemy import (
    JSON,
    Date,
    Integer,
    SmallInteger,
    String,
    bindparam,
    cast,
    exists,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from taskapp import changefeed
from taskapp.auth.interface import User
from taskapp.db import one_or_404, utcnow
from taskapp.errors import ProblemError, invalid_field, not_found
from taskapp.perf.driver import declare, fetch_all
from taskapp.tasks import (
    assignees,
    encoding,
    history,
    inbox,
    list_query,
    ordering,
    recurrence,
    search,
    subtasks,
)
from taskapp.tasks.etags import EntityTags, if_match_allows, precondition_failed
from taskapp.tasks.models import (
    CountKey,
    DayKey,
    IdempotencyRecord,
    Priority,
    Task,
    TaskCompletion,
    TaskCount,
    TaskEvent,
    TaskOpenDay,
    TaskStatus,
    bump_owner,
    bump_with_count_changes,
    count_delta_rows,
    count_key,
    count_upsert_after_bump,
    count_upserts,
    day_delta_rows,
    day_key,
    day_upsert_after_bump,
    defer_count_changes,
    owner_bump,
    take_count_changes,
)
from taskapp.tasks.schemas import (
    TaskCompletionPublic,
    TaskCreate,
    TaskMove,
    TaskPublic,
    TaskSkip,
    TaskUpdate,
)


async def _bump_data_version(session: AsyncSession, owner_id: uuid.UUID) -> None:
    """Bump the owner's data version and write the flushed task_counts changes, in the write's
    own transaction: both are visible exactly when the write is (ADR 0004, ADR 0007).

    On PostgreSQL one statement does both (models.bump_with_count_changes): the owner's row
    stays locked until the commit, so a round trip saved there is saved for each of the owner's
    concurrent writers; and the owner's row is locked before any count row, as in every task
    write, so writers cannot deadlock."""
    changes = await session.run_sync(take_count_changes)
    # Published after the request, so after the commit (docs/adr/0019).
    changefeed.changed(owner_id)
    connection = await session.connection()
    if connection.dialect.name == "postgresql" and changes:
        await connection.execute(bump_with_count_changes(owner_id, utcnow(), changes))
        return
    # SQLite: one writer at a time, so no lock order to keep.
    for statement in count_upserts(connection.dialect.name, changes):
        await connection.execute(statement)
    await connection.execute(owner_bump(owner_id, utcnow()))


async def _committed(
    session: AsyncSession, owner_id: uuid.UUID, task_id: uuid.UUID, if_match: EntityTags | None
) -> bool:
    """Flush the task's write (its version is checked there), bump the owner's data version and
    commit. False when another writer changed the task first: the caller retries on the fresh
    row (last writer wins); with If-Match the lost race is a 412, as a stale ETag is."""
    try:
        await session.flush()
        await _bump_data_version(session, owner_id)
        await session.commit()
    except StaleDataError:
        await session.rollback()
        if if_match is not None:
            raise stale_task(await get_task(session, owner_id, task_id)) from None
        return False
    return True


def _too_many_writers() -> ProblemError:
    return ProblemError(
        409,
        "The task is being changed by many writers at once; try again.",
        problem_type="concurrent-update",
    )


def stale_task(current: Task) -> ProblemError:
    return precondition_failed("task", current.version)


async def get_task(
    session: AsyncSession, owner_id: uuid.UUID, task_id: uuid.UUID, *, for_update: bool = False
) -> Task:
    query = select(Task).where(Task.id == task_id, Task.owner_id == owner_id)
    return await one_or_404(session, query.with_for_update() if for_update else query, "task")


def _apply_status(task: Task, status: TaskStatus, now: datetime) -> None:
    if status == task.status:
        return
    task.status = status
    task.completed_at = now if status == TaskStatus.DONE else None


def _new_task(owner_id: uuid.UUID, data: TaskCreate, now: datetime, position: str) -> Task:
    return Task(
        id=uuid.uuid4(),
        owner_id=owner_id,
        title=data.title,
        description=data.description,
        status=data.status,
        priority=data.priority,
        due_date=data.due_date,
        due_on=data.due_on,
        recurrence=data.recurrence,
        labels=list(data.labels),
        project_id=inbox.stored_project(owner_id, data.project_id),
        created_at=now,
        updated_at=now,
        completed_at=now if data.status == TaskStatus.DONE else None,
        position=position,
        parent_id=data.parent_id,
        assignee_id=data.assignee_id,
    )


@dataclass(frozen=True, slots=True)
class Created:
    body: dict[str, Any]
    task_id: uuid.UUID
    version: int
    replayed: bool


def _request_hash(data: TaskCreate) -> str:
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@asynccontextmanager
async def _writing(
    session: AsyncSession,
    owner_id: uuid.UUID,
    actor_id: uuid.UUID | None,
    project_id: uuid.UUID | None,
) -> AsyncIterator[None]:
    """Around a write that may name a project: who makes it (the owner, or a member of the
    task's shared project), and an unknown project refused as 422 after the rollback."""
    history.acting_as(session, actor_id or owner_id)
    async with inbox.refusing_unknown_projects(session, project_id):
        yield


async def create_task(
    session: AsyncSession,
    owner_id: uuid.UUID,
    data: TaskCreate,
    *,
    idempotency_key: str | None,
    idempotency_ttl_seconds: float,
    tracer: Tracer,
    time_zone: str = "UTC",
    actor_id: uuid.UUID | None = None,
) -> Created:
    async with _writing(session, owner_id, actor_id, data.project_id):
        _check_recurrence(data.recurrence, data.due_on, data.due_date, ZoneInfo(time_zone))
        defer_count_changes(session.sync_session)
        now = utcnow()
        # New tasks go to the end of the manual order (tasks/ordering.py).
        position = await ordering.end_position(_engine(session), owner_id, tracer)
        if data.parent_id is not None:  # the parent's row is locked first (tasks/subtasks.py)
            parent = await subtasks.lock_parent(session, owner_id, data.parent_id)
            project_id = subtasks.in_parents_project(parent, data.project_id)
            data = data.model_copy(update={"project_id": project_id})
        postgres = session.get_bind().dialect.name == "postgresql"
        if idempotency_key is None and postgres and data.parent_id is None:
            return await _create_in_one_statement(session, owner_id, data, now, position, tracer)
        if idempotency_key is None:
            task = _new_task(owner_id, data, now, position)
            session.add(task)
            await session.flush()
            await _bump_data_version(session, owner_id)
            await session.commit()
            return Created(_public(task), task.id, task.version, replayed=False)

        request_hash = _request_hash(data)
        replay = await _replay(
            session, owner_id, idempotency_key, request_hash, now, idempotency_ttl_seconds
        )
        if replay is not None:
            return replay
        task = _new_task(owner_id, data, now, position)
        session.add(task)
        await session.flush()
        body = _public(task)
        session.add(
            IdempotencyRecord(
                owner_id=owner_id,
                key=idempotency_key,
                request_hash=request_hash,
                status_code=201,
                response_body=body,
                task_id=task.id,
                created_at=now,
            )
        )
        await _bump_data_version(session, owner_id)
        try:
            await session.commit()
        except IntegrityError:
            # A concurrent retry with the same key committed first: answer with its response.
            await session.rollback()
            replay = await _replay(
                session, owner_id, idempotency_key, request_hash, now, idempotency_ttl_seconds
            )
            if replay is None:  # the conflict was something else (e.g. the owner was deleted)
                raise
            return replay
        return Created(body, task.id, task.version, replayed=False)


def _one_statement_create() -> Any:
    """INSERT the task, count it and bump the owner's data version in one PostgreSQL statement
    (data-modifying CTEs), run outside any explicit transaction: one round trip instead of four
    (BEGIN, INSERT, bump, COMMIT), and the owner's row is locked only while the statement runs,
    not across a round trip to the client. All or nothing, as a statement is.

    What the ORM flush does for other writes (search_text, task_counts; tasks/models.py) is
    done here by hand, from the same functions. Built once; values are bind parameters."""
    tasks = Task.__table__
    # Prefixed names: a parameter named like a users column would also become one of the
    # bump's SET clauses.
    # Every column: one added to tasks must get its value in _create_in_one_statement, or the
    # statement fails for want of its parameter.
    values = {column.name: bindparam(f"new_{column.name}", type_=column.type) for column in tasks.c}
    inserted = insert(Task).values(values).returning(*list_query.UNTYPED_COLUMNS).cte("inserted")
    bumped = owner_bump(
        bindparam("owner_id", type_=User.id.type), bindparam("now", type_=User.updated_at.type)
    ).cte("bumped")
    counted = count_upsert_after_bump(
        bumped,
        select(
            bumped.c.id,
            bindparam("count_status", type_=TaskCount.status.type),
            bindparam("count_rank", type_=TaskCount.priority.type),
            bindparam("count_day", type_=TaskCount.due_day.type),
            literal(1),
        ),
    )
    # An open task due on a day is counted by its day too (NULL: nothing to count).
    open_day = bindparam("count_open_day", type_=TaskOpenDay.due_on.type)
    counted_day = day_upsert_after_bump(
        select(bumped.c.id, open_day, literal(1)).where(open_day.is_not(None))
    )
    return (
        select(inserted)
        .add_cte(bumped)
        .add_cte(counted.cte("counted"))
        .add_cte(counted_day.cte("counted_day"))
        .add_cte(insert(TaskEvent).values(_event_values()).cte("recorded"))
    )


def _event_values() -> dict[str, Any]:
    """The history event of a one-statement write (tasks/history.py), as bind parameters."""
    events = TaskEvent.__table__
    values: dict[str, Any] = {
        name: bindparam(f"ev_{name}", type_=events.c[name].type)
        for name in ("id", "owner_id", "project_id", "task_id", "actor_id", "kind", "task_title")
    }
    # JSON text cast on the server: the driver path runs no bind processing (perf/driver.py).
    values["changes"] = cast(bindparam("ev_changes", type_=String()), JSON)
    values["created_at"] = bindparam("ev_created_at", type_=events.c.created_at.type)
    return values


def _event_params(
    actor_id: uuid.UUID,
    task_id: uuid.UUID,
    owner_id: uuid.UUID,
    project_id: uuid.UUID | None,
    kind: str,
    title: str,
    changes: dict[str, list[Any]],
    now: datetime,
) -> dict[str, Any]:
    return {
        "ev_id": uuid.uuid4(),
        "ev_owner_id": owner_id,
        "ev_project_id": owner_id if project_id is None else project_id,
        "ev_task_id": task_id,
        "ev_actor_id": actor_id,
        "ev_kind": kind,
        "ev_task_title": title,
        "ev_changes": json.dumps(changes),
        "ev_created_at": now,
    }


_CREATE = declare(_one_statement_create())


def _engine(session: AsyncSession) -> AsyncEngine:
    engine = session.bind
    if not isinstance(engine, AsyncEngine):
        raise TypeError("the request's session must be bound to the application's engine")
    return engine


async def _create_in_one_statement(
    session: AsyncSession,
    owner_id: uuid.UUID,
    data: TaskCreate,
    now: datetime,
    position: str,
    tracer: Tracer,
) -> Created:
    labels = list(data.labels)
    task_id = uuid.uuid4()
    stored_project = inbox.stored_project(owner_id, data.project_id)
    key = count_key(owner_id, data.status, data.priority, data.due_date)
    open_day = day_key(owner_id, data.status, data.due_on)
    new = {
        "id": task_id,
        "owner_id": owner_id,
        "title": data.title,
        "description": data.description,
        "status": data.status,
        "priority": data.priority,
        "due_date": data.due_date,
        "due_on": data.due_on,
        "recurrence": data.recurrence,
        "labels": labels,
        "project_id": stored_project,
        "created_at": now,
        "updated_at": now,
        "completed_at": now if data.status == TaskStatus.DONE else None,
        "version": 1,
        "search_text": search.document(data.title, data.description, labels),
        "position": position,
        # This path creates top-level tasks only (a subtask takes the ORM path).
        "parent_id": None,
        "subtask_count": 0,
        "subtask_done_count": 0,
        "assignee_id": data.assignee_id,
    }
    params = {
        **{f"new_{name}": value for name, value in new.items()},
        "owner_id": owner_id,
        "count_status": key[1],
        "count_rank": key[2],
        "count_day": key[3],
        "count_open_day": None if open_day is None else open_day[1],
        "now": now,
    }
    # On the pool's driver, outside any transaction (perf.driver.fetch_all): the session never
    # checks out a connection, and SQLAlchemy's per-execution work (a sixth of a POST in a py-spy
    # profile) is skipped. Values therefore go in their storage form (status text, priority rank).
    params.update(new_status=data.status.value, new_priority=data.priority.rank)
    params.update(
        _event_params(
            history.actor(session, owner_id),
            task_id,
            owner_id,
            stored_project,
            "created",
            data.title,
            history.created_changes(owner_id, new),
            now,
        )
    )
    changefeed.changed(owner_id)  # published after the request (docs/adr/0019)
    rows = await fetch_all(_engine(session), _CREATE, params, tracer, "INSERT tasks")
    item = encoding.task_item(rows[0])
    return Created(item, uuid.UUID(item["id"]), item["version"], replayed=False)


async def _replay(
    session: AsyncSession,
    owner_id: uuid.UUID,
    key: str,
    request_hash: str,
    now: datetime,
    ttl_seconds: float,
) -> Created | None:
    record = await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.owner_id == owner_id, IdempotencyRecord.key == key
        )
    )
    if record is None:
        return None
    if (now - record.created_at).total_seconds() > ttl_seconds:
        await session.delete(record)  # expired: the key may be used afresh
        await session.flush()
        return None
    if record.request_hash != request_hash:
        raise ProblemError(
            409,
            "This Idempotency-Key was already used with a different request body.",
            problem_type="idempotency-key-reused",
        )
    return Created(
        record.response_body,
        uuid.UUID(str(record.response_body["id"])),
        int(record.response_body["version"]),
        replayed=True,
    )


def _public(task: Task) -> dict[str, Any]:
    return TaskPublic.model_validate(task).model_dump(mode="json")


UNCONDITIONAL_UPDATE_ATTEMPTS = 5


async def update_task(
    session: AsyncSession,
    owner_id: uuid.UUID,
    task_id: uuid.UUID,
    changes: TaskUpdate,
    *,
    if_match: EntityTags | None,
    tracer: Tracer,
    time_zone: str = "UTC",
    complete_subtasks: bool = False,
    actor_id: uuid.UUID | None = None,
) -> Task | TaskPublic:
    async with _writing(session, owner_id, actor_id, changes.project_id):
        # Without If-Match the client asked for no precondition: a lost race is retried on the
        # fresh row (last writer wins). With If-Match, a lost race is a 412 like a stale ETag.
        zone = ZoneInfo(time_zone)
        if session.get_bind().dialect.name == "postgresql":
            updated = await _update_in_one_statement(
                _engine(session),
                owner_id,
                history.actor(session, owner_id),
                task_id,
                changes,
                if_match,
                tracer,
                zone,
            )
            if updated is not None:
                return updated
            # Completing a recurring task also writes its completion, and a status, project or
            # parent change of a parent or a subtask moves counters or subtasks: the ORM path.
        defer_count_changes(session.sync_session)
        for _ in range(UNCONDITIONAL_UPDATE_ATTEMPTS):
            task = await get_task(session, owner_id, task_id)
            if not if_match_allows(if_match, task.version):
                raise stale_task(task)
            now = utcnow()
            for subtask in await subtasks.before_completing(
                session, task, changes.status, complete_subtasks=complete_subtasks
            ):
                apply_patch(session, subtask, {"status": TaskStatus.DONE}, now, zone)
            updates = changes.model_dump(exclude_unset=True)
            if not await patch_with_subtasks(session, task, updates, now, zone):
                return task
            if await _committed(session, owner_id, task_id, if_match):
                return task
        raise _too_many_writers()


_READ_ONE = declare(
    select(*list_query.UNTYPED_COLUMNS).where(
        Task.id == bindparam("task_id", type_=Task.id.type),
        Task.owner_id == bindparam("owner_id", type_=Task.owner_id.type),
    )
)
# What a PATCH may set, and what follows from it.
_MUTABLE = (*TaskUpdate.model_fields, "completed_at", "updated_at", "search_text")


def _one_statement_update(with_counts: bool) -> Any:
    """PATCH on PostgreSQL in one statement, like POST (_one_statement_create): the version-
    checked UPDATE, then the owner's bump (only if a row was updated), then the count changes,
    locking task, owner and count rows in that order, as every write does.

    With counts, two task_counts deltas (k0, k1) and two task_open_days deltas (d0, d1) are
    bound; a delta of 0 stands for "no change" and writes nothing."""
    tasks = Task.__table__
    updated = (
        update(Task)
        .where(
            Task.id == bindparam("task_id", type_=Task.id.type),
            Task.owner_id == bindparam("owner_id", type_=Task.owner_id.type),
            Task.version == bindparam("read_version", type_=Task.version.type),
        )
        .values(
            {
                **{name: bindparam(f"new_{name}", type_=tasks.c[name].type) for name in _MUTABLE},
                "version": Task.version + 1,
            }
        )
        .returning(*list_query.UNTYPED_COLUMNS)
        .cte("updated")
    )
    bumped = (
        owner_bump(
            bindparam("owner_id", type_=User.id.type), bindparam("now", type_=User.updated_at.type)
        )
        .where(exists(select(updated.c.id)))
        .cte("bumped")
    )
    recorded = insert(TaskEvent).from_select(
        list(_event_values()), select(*_event_values().values()).where(exists(select(updated.c.id)))
    )
    statement = select(updated).add_cte(bumped).add_cte(recorded.cte("recorded"))
    if not with_counts:
        return statement
    rows = count_delta_rows(
        bumped,
        [
            (
                bindparam(f"k{n}_status", type_=String()),
                bindparam(f"k{n}_rank", type_=SmallInteger()),
                bindparam(f"k{n}_day", type_=Date()),
                bindparam(f"k{n}_count", type_=Integer()),
            )
            for n in (0, 1)
        ],
    )
    day_rows = day_delta_rows(
        bumped,
        [
            (bindparam(f"d{n}_day", type_=Date()), bindparam(f"d{n}_count", type_=Integer()))
            for n in (0, 1)
        ],
    )
    return statement.add_cte(count_upsert_after_bump(bumped, rows).cte("counted")).add_cte(
        day_upsert_after_bump(day_rows).cte("counted_days")
    )


# Declared at module level (a comprehension would declare them inside a function frame).
_UPDATE = {
    False: declare(_one_statement_update(with_counts=False)),
    True: declare(_one_statement_update(with_counts=True)),
}


def _transient(row: Any, owner_id: uuid.UUID) -> Task:
    item = encoding.task_item(row)
    return Task(
        **{
            **item,
            "owner_id": owner_id,
            "id": uuid.UUID(item["id"]),
            "project_id": uuid.UUID(item["project_id"]),
            "status": TaskStatus(item["status"]),
            "priority": Priority(item["priority"]),
            "assignee_id": assignees.as_uuid(item["assignee_id"]),
        }
    )


async def _update_in_one_statement(
    engine: AsyncEngine,
    owner_id: uuid.UUID,
    actor_id: uuid.UUID,
    task_id: uuid.UUID,
    changes: TaskUpdate,
    if_match: EntityTags | None,
    tracer: Tracer,
    zone: ZoneInfo,
) -> Task | TaskPublic | None:
    """The PATCH in one statement; None when it must take the ORM path instead: completing a
    recurring task (which also inserts its completion), a new parent or project (the task goes
    to the end of its new list's manual order; tasks/subtasks.py keeps subtasks in their
    parent's project), or a status change of a parent or a subtask (the counters follow in the
    flush)."""
    ids = {"task_id": task_id, "owner_id": owner_id}
    for _ in range(UNCONDITIONAL_UPDATE_ATTEMPTS):
        rows = await fetch_all(engine, _READ_ONE, ids, tracer, "SELECT tasks")
        if not rows:
            raise not_found("task")
        # Never added to a session: only the rules run on it.
        task = _transient(rows[0], owner_id)
        if not if_match_allows(if_match, task.version):
            raise stale_task(task)
        if "parent_id" in changes.model_fields_set:
            return None
        if changes.project_id not in (None, inbox.project_of(task)):
            return None
        if changes.status is not None and (task.parent_id is not None or task.subtask_count):
            return None
        before = count_key(owner_id, task.status, task.priority, task.due_date)
        day_before = day_key(owner_id, task.status, task.due_on)
        read_version = task.version
        now = utcnow()
        was_done = task.status == TaskStatus.DONE
        loaded = history.snapshot(task)
        if not _apply_changes(task, changes.model_dump(exclude_unset=True), now, zone):
            return task
        if not was_done and task.status == TaskStatus.DONE and task.recurrence is not None:
            return None
        after = count_key(owner_id, task.status, task.priority, task.due_date)
        day_after = day_key(owner_id, task.status, task.due_on)
        params: dict[str, Any] = {**ids, "read_version": read_version, "now": now}
        params.update({f"new_{name}": getattr(task, name, None) for name in _MUTABLE})
        params.update(
            new_status=task.status.value,
            new_priority=task.priority.rank,
            new_search_text=search.document(task.title, task.description, task.labels),
        )
        changed = history.diff(owner_id, loaded, history.snapshot(task))
        params.update(
            _event_params(
                actor_id,
                task_id,
                owner_id,
                task.project_id,
                history.kind_of(changed),
                task.title,
                changed,
                now,
            )
        )
        with_counts = before != after or day_before != day_after
        if with_counts:
            params.update(_count_params(before, after, day_before, day_after))
        changefeed.changed(owner_id)  # published after the request (docs/adr/0019)
        rows = await fetch_all(engine, _UPDATE[with_counts], params, tracer, "UPDATE tasks")
        if rows:
            return TaskPublic.model_validate(encoding.task_item(rows[0]))
        if if_match is not None:  # lost the race after the check: as stale as a stale ETag
            current = await fetch_all(engine, _READ_ONE, ids, tracer, "SELECT tasks")
            if not current:
                raise not_found("task")
            raise stale_task(_transient(current[0], owner_id))
    raise _too_many_writers()


def _count_params(
    before: CountKey, after: CountKey, day_before: DayKey | None, day_after: DayKey | None
) -> dict[str, Any]:
    """_UPDATE[True]'s count deltas: -1 for the keys before, +1 after, in key order (the order
    every writer locks count rows in); 0 where nothing changes."""
    params: dict[str, Any] = {}
    totals = sorted([(before, -1), (after, 1)]) if before != after else [(before, 0)] * 2
    for n, (key, count) in enumerate(totals):
        params.update(
            {f"k{n}_status": key[1], f"k{n}_rank": key[2], f"k{n}_day": key[3]},
            **{f"k{n}_count": count},
        )
    days: list[tuple[date | None, int]] = [(None, 0), (None, 0)]
    if day_before != day_after:
        moved = [(key[1], n) for key, n in ((day_before, -1), (day_after, 1)) if key is not None]
        days = sorted(moved) + days[len(moved) :]
    for n, (day, count) in enumerate(days):
        params.update({f"d{n}_day": day, f"d{n}_count": count})
    return params


# Setting one kind of due clears the other (a task is due on a day or at a time).
_OTHER_DUE = {"due_date": "due_on", "due_on": "due_date"}


def _apply_changes(task: Task, updates: dict[str, Any], now: datetime, zone: ZoneInfo) -> bool:
    changed = False
    for field, value in updates.items():
        if field == "status":
            if value != task.status:
                _apply_status(task, TaskStatus(value), now)
                changed = True
            continue
        if field == "project_id":
            if value != inbox.project_of(task):
                task.project_id = inbox.stored_project(task.owner_id, value)
                changed = True
                if "assignee_id" not in updates:
                    assignees.on_project_change(task)
            continue
        if field in _OTHER_DUE and value is not None:
            other = _OTHER_DUE[field]
            if other not in updates and getattr(task, other) is not None:
                setattr(task, other, None)
                changed = True
        if getattr(task, field) != value:
            setattr(task, field, list(value) if field == "labels" else value)
            changed = True
    if changed:
        task.updated_at = now
        if updates.keys() & {"recurrence", "due_date", "due_on"}:
            _check_recurrence(task.recurrence, task.due_on, task.due_date, zone)
    return changed


def _recurrence_problem(message: str, kind: str) -> ProblemError:
    return invalid_field("body.recurrence", message, kind, detail=f"recurrence: {message}")


def _check_recurrence(
    rule: str | None, due_on: date | None, due_date: datetime | None, zone: ZoneInfo
) -> None:
    """A recurring task needs a due, and its rule an occurrence after that due."""
    if rule is None:
        return
    if due_on is None and due_date is None:
        raise _recurrence_problem(
            "a recurring task needs a due: set due_on or due_date (or clear recurrence too)",
            "recurrence_without_due",
        )
    following = (
        recurrence.next_due_day(rule, due_on)
        if due_on is not None
        else recurrence.next_due_time(rule, due_date, zone)  # type: ignore[arg-type]
    )
    if following is None:
        raise _recurrence_problem(
            "the rule has no occurrence after the task's due", "recurrence_ends"
        )


def _following_due(task: Task, zone: ZoneInfo) -> dict[str, date | datetime] | None:
    """A recurring task's next occurrence as the due field to set ({"due_on": …} or
    {"due_date": …}); None when the task does not repeat or its rule has ended."""
    rule = task.recurrence
    if rule is None:
        return None
    if task.due_on is not None:
        next_day = recurrence.next_due_day(rule, task.due_on)
        return None if next_day is None else {"due_on": next_day}
    if task.due_date is not None:
        next_time = recurrence.next_due_time(rule, task.due_date, zone)
        return None if next_time is None else {"due_date": next_time}
    return None


def _set_due(task: Task, due: dict[str, date | datetime]) -> None:
    for field, value in due.items():
        setattr(task, field, value)


def _roll(task: Task, now: datetime, zone: ZoneInfo) -> TaskCompletion:
    """Complete one occurrence of a recurring task: its completion, for the history, and the
    task moved to the next occurrence (open again). When the rule has ended, the task stays
    done (tasks/recurrence.py)."""
    completion = TaskCompletion(
        id=uuid.uuid4(),
        task_id=task.id,
        completed_at=now,
        due_date=task.due_date,
        due_on=task.due_on,
    )
    following = _following_due(task, zone)
    if following is not None:
        _set_due(task, following)
        _apply_status(task, TaskStatus.PENDING, now)
    return completion


async def skip_occurrence(
    session: AsyncSession,
    owner_id: uuid.UUID,
    task_id: uuid.UUID,
    skip: TaskSkip,
    *,
    time_zone: str = "UTC",
    actor_id: uuid.UUID | None = None,
) -> Task:
    """POST /tasks/{id}/skip: a repeating task's due moves to its next occurrence, as completing
    it would, but nothing is completed: no completion is recorded, its status and subtasks stay.
    409 when it does not repeat, or when this is its series' last occurrence."""
    async with _writing(session, owner_id, actor_id, None):
        defer_count_changes(session.sync_session)
        # Lock order as in every write: the task's row, then the owner's, then count rows.
        task = await get_task(session, owner_id, task_id, for_update=True)
        if task.version != skip.version:
            raise stale_task(task)
        zone = ZoneInfo(time_zone)
        following = _following_due(task, zone)
        if following is None:
            raise _cannot_skip(task)
        # Set as a completion's roll sets it: PATCH's rule that a rule must recur after the due
        # would refuse a skip onto the series' last occurrence.
        _set_due(task, following)
        task.updated_at = utcnow()
        await session.flush()  # version + 1, and the open-day count changes the due makes
        await _bump_data_version(session, owner_id)  # writes them; live clients hear of it
        await session.commit()
        return task


def _cannot_skip(task: Task) -> ProblemError:
    if task.recurrence is None:
        return ProblemError(
            409,
            "The task does not repeat: there is no next occurrence to skip to.",
            problem_type="not-recurring",
        )
    return ProblemError(
        409,
        "This is the last occurrence of the task's series: complete it, or change its rule.",
        problem_type="series-ends",
    )


COMPLETIONS_LIMIT = 200


async def list_completions(
    session: AsyncSession, owner_id: uuid.UUID, task_id: uuid.UUID, limit: int
) -> list[TaskCompletionPublic]:
    """A task's completed occurrences, newest first; another user's task is "not found"."""
    await get_task(session, owner_id, task_id)
    rows = await session.scalars(
        select(TaskCompletion)
        .where(TaskCompletion.task_id == task_id)
        .order_by(TaskCompletion.completed_at.desc(), TaskCompletion.id.desc())
        .limit(limit)
    )
    return [TaskCompletionPublic.model_validate(row) for row in rows]


async def delete_task(
    session: AsyncSession,
    owner_id: uuid.UUID,
    task_id: uuid.UUID,
    *,
    if_match: EntityTags | None,
    actor_id: uuid.UUID | None = None,
) -> None:
    history.acting_as(session, actor_id or owner_id)
    # As for updates: the delete checks the version it read (an ORM delete, so the task's
    # derived counts follow in the same flush); a lost race without If-Match is retried.
    defer_count_changes(session.sync_session)
    for _ in range(UNCONDITIONAL_UPDATE_ATTEMPTS):
        task = await get_task(session, owner_id, task_id)
        if not if_match_allows(if_match, task.version):
            raise stale_task(task)
        if task.subtask_count:
            await subtasks.delete_subtasks(session, [task.id])
        await session.delete(task)
        if await _committed(session, owner_id, task_id, if_match):
            return
    raise _too_many_writers()


async def move_task(
    session: AsyncSession,
    owner_id: uuid.UUID,
    task_id: uuid.UUID,
    move: TaskMove,
    *,
    complete_subtasks: bool = False,
    time_zone: str = "UTC",
    actor_id: uuid.UUID | None = None,
) -> Task:
    """POST /tasks/{id}/move: a new position (and optionally status and project) in one
    transaction, the key computed by tasks/ordering.py while the owner's row is locked. A
    project that is not the owner's is refused by the foreign key: 422 naming the field."""
    async with _writing(session, owner_id, actor_id, move.project_id):
        for field in ("after_id", "before_id"):
            if getattr(move, field) == task_id:
                raise invalid_field(
                    f"body.{field}",
                    "is the moved task",
                    "value_error",
                    detail=f"{field}: a task cannot be placed next to itself.",
                )
        # Lock order as in every write: the task's row, then the owner's, then count rows.
        task = await get_task(session, owner_id, task_id, for_update=True)
        if task.version != move.version:
            raise stale_task(task)
        now = utcnow()
        zone = ZoneInfo(time_zone)
        await bump_owner(session, owner_id, now)  # the owner's moves wait here until commit
        task.position = await ordering.new_position(session, owner_id, task_id, move)
        if move.status is not None:
            for subtask in await subtasks.before_completing(
                session, task, move.status, complete_subtasks=complete_subtasks
            ):
                apply_patch(session, subtask, {"status": TaskStatus.DONE}, now, zone)
            # As PATCH: a recurring task dragged to done rolls to its next occurrence.
            apply_patch(session, task, {"status": move.status}, now, zone)
        if move.project_id is not None:
            await patch_with_subtasks(
                session, task, {"project_id": move.project_id}, now, zone, placed=True
            )
        task.updated_at = now
        await session.flush()  # version + 1; task_counts follow a status change (models.py)
        await session.commit()
        return task


def apply_patch(
    session: AsyncSession, task: Task, updates: dict[str, Any], now: datetime, zone: ZoneInfo
) -> bool:
    """PATCH's field rules on a loaded task, and completing a recurring one rolls it (its
    completion added to the session). False when nothing changed."""
    was_done = task.status == TaskStatus.DONE
    if not _apply_changes(task, updates, now, zone):
        return False
    if not was_done and task.status == TaskStatus.DONE and task.recurrence is not None:
        session.add(_roll(task, now, zone))
    return True


async def patch_with_subtasks(
    session: AsyncSession,
    task: Task,
    updates: dict[str, Any],
    now: datetime,
    zone: ZoneInfo,
    *,
    placed: bool = False,
) -> bool:
    """apply_patch, keeping subtasks in their parent's project: a new parent checked (and its
    project taken), a subtask moved alone set free, a parent's subtasks moved along. A task
    given a parent or another project goes to the end of its new list's manual order, as in
    Todoist, unless the caller has `placed` it (the move endpoint)."""
    followers = await subtasks.before_moving(session, task, updates)
    new_parent = updates.get("parent_id") not in (None, task.parent_id)
    new_project = updates.get("project_id") not in (None, inbox.project_of(task))
    position = None
    if not placed and (new_parent or new_project):
        # Read before any change is made: an autoflush here would skip the version check's
        # retry (_committed).
        position = await ordering.last_position(session, task.owner_id, task.id)
    for subtask in followers:
        apply_patch(session, subtask, {"project_id": updates["project_id"]}, now, zone)
    if not apply_patch(session, task, updates, now, zone):
        return False
    if position is not None:
        task.position = position
    return True


# The write rules other task modules share (tasks/bulk.py): apply_patch above, and the
# data-version bump with the deferred count changes.
bump_data_version = _bump_data_version
