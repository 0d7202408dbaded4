"""Activity history: every task write records a TaskEvent in the write's own transaction.

Writes through the ORM (PATCH on SQLite or when it must take the ORM path, create with an
Idempotency-Key or of a subtask, delete, move, bulk, a recurring task's roll, subtasks completed
with their parent) get their events from the before_flush listener below, from the attributes'
history: only fields whose value changed are listed. The one-statement create and PATCH on
PostgreSQL (tasks/service.py) bypass the ORM and add the same event as a CTE of their statement,
built from `created_changes` / `diff` here.

Reads are keyset-paginated like the task list (ADR 0001): newest first by (created_at, id), the
cursor signed, and bound to the task or project it pages through.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import event, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction

from taskapp.cursors import CursorKind, PageRequest, page_request
from taskapp.db import one_or_404, utcnow
from taskapp.deps import SessionDep
from taskapp.tasks import inbox
from taskapp.tasks.models import Task, TaskCompletion, TaskEvent, TaskStatus
from taskapp.tasks.schemas import TaskEventPublic, TaskHistoryPage

# What a history shows; derived columns (search_text, counters, updated_at, completed_at,
# version) follow from these, and position changes are one "moved" event without values.
TRACKED = (
    "title",
    "description",
    "status",
    "priority",
    "due_date",
    "due_on",
    "recurrence",
    "labels",
    "project_id",
    "parent_id",
    "assignee_id",
)
_ACTOR = "taskapp.history.actor"
PAGE_LIMIT = 200


def acting_as(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Who the writes in this session are made by (the request's user). Without it, a write is
    the task owner's own (`taskapp seed-demo`, tests)."""
    session.sync_session.info[_ACTOR] = user_id


def actor(session: AsyncSession, owner_id: uuid.UUID) -> uuid.UUID:
    """Who the session's writes are made by (acting_as), else the owner."""
    found: uuid.UUID = session.sync_session.info.get(_ACTOR, owner_id)
    return found


def plain(value: Any) -> Any:
    """A field's value as the API's JSON shows it."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):  # one form per instant, whatever offset it came with
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return list(value)
    return value


def _shown(owner_id: uuid.UUID, field: str, value: Any) -> Any:
    # The Inbox is stored as NULL and shown as the owner's Inbox id (tasks/inbox.py).
    if field == "project_id" and value is None:
        value = owner_id
    return plain(value)


def created_changes(owner_id: uuid.UUID, values: dict[str, Any]) -> dict[str, list[Any]]:
    """A new task's fields as [null, value], leaving out the empty ones."""
    changes: dict[str, list[Any]] = {}
    for field in TRACKED:
        value = _shown(owner_id, field, values.get(field))
        if value not in (None, "", []):
            changes[field] = [None, value]
    return changes


def diff(
    owner_id: uuid.UUID, before: dict[str, Any], after: dict[str, Any]
) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for field in TRACKED:
        old, new = (
            _shown(owner_id, field, before.get(field)),
            _shown(owner_id, field, after.get(field)),
        )
        if old != new:
            changes[field] = [old, new]
    return changes


def kind_of(changes: dict[str, list[Any]], *, rolled: bool = False, moved: bool = False) -> str:
    if rolled or changes.get("status", [None, None])[1] == TaskStatus.DONE.value:
        return "completed"
    return "moved" if moved else "updated"


def snapshot(task: Task) -> dict[str, Any]:
    return {field: getattr(task, field) for field in TRACKED}


def new_event(
    task: Task, actor_id: uuid.UUID | None, kind: str, changes: dict[str, Any], now: datetime
) -> TaskEvent:
    return TaskEvent(
        id=uuid.uuid4(),
        owner_id=task.owner_id,
        project_id=inbox.project_of(task),
        task_id=task.id,
        actor_id=actor_id,
        kind=kind,
        task_title=task.title,
        changes=changes,
        created_at=now,
    )


def _loaded(task: Task) -> dict[str, Any]:
    """The tracked values as loaded (before this flush's changes)."""
    state = inspect(task)
    values = {}
    for field in TRACKED:
        history = state.attrs[field].history
        values[field] = history.deleted[0] if history.deleted else getattr(task, field)
    return values


@event.listens_for(Session, "before_flush")
def _record(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    """An event for each task this flush creates, changes or deletes, flushed with it."""
    now = utcnow()
    actor = session.info.get(_ACTOR)
    rolled = {item.task_id for item in session.new if isinstance(item, TaskCompletion)}
    events: list[TaskEvent] = []
    for task in session.new:
        if isinstance(task, Task):
            if task.id is None:
                task.id = uuid.uuid4()
            changes = created_changes(task.owner_id, snapshot(task))
            events.append(new_event(task, actor or task.owner_id, "created", changes, now))
    for task in session.dirty:
        if not isinstance(task, Task) or not session.is_modified(task):
            continue
        changes = diff(task.owner_id, _loaded(task), snapshot(task))
        moved = inspect(task).attrs["position"].history.has_changes()
        was_rolled = task.id in rolled
        if changes or moved or was_rolled:
            kind = kind_of(changes, rolled=was_rolled, moved=moved)
            events.append(new_event(task, actor or task.owner_id, kind, changes, now))
    for task in session.deleted:
        if isinstance(task, Task):
            loaded = _loaded(task)
            gone = new_event(task, actor or task.owner_id, "deleted", {}, now)
            gone.project_id = (
                task.owner_id if loaded["project_id"] is None else loaded["project_id"]
            )
            gone.task_title = loaded["title"]
            events.append(gone)
    session.add_all(events)


# Signed cursors of history pages: [scope, created_at, id] of the last event shown.
CURSORS = CursorKind("taskapp.tasks.history.cursor", "it belongs to a different history")


async def page(
    session: AsyncSession,
    asked: PageRequest,
    owner_id: uuid.UUID,
    *,
    task_id: uuid.UUID | None = None,
    project_id: uuid.UUID | None = None,
) -> TaskHistoryPage:
    """One page of a task's or a project's history, newest first. The caller has checked that
    the task or project is the owner's; the owner's key is in the query all the same."""
    if (task_id is None) == (project_id is None):
        raise ValueError("a history is of one task or of one project")
    scope = f"task:{task_id}" if task_id is not None else f"project:{project_id}"
    query = select(TaskEvent).where(TaskEvent.owner_id == owner_id)
    if task_id is not None:
        query = query.where(TaskEvent.task_id == task_id)
    else:
        query = query.where(TaskEvent.project_id == project_id)
    rows, next_cursor = await asked.rows(session, query, scope)
    return TaskHistoryPage(
        items=[TaskEventPublic.model_validate(row) for row in rows], next_cursor=next_cursor
    )


@dataclass(frozen=True, slots=True)
class HistoryRequest:
    """GET .../history (a task's or a project's): the session, the signed cursors and the page
    asked for, read for whichever the route names."""

    session: AsyncSession
    asked: PageRequest

    async def page(
        self,
        owner_id: uuid.UUID,
        *,
        task_id: uuid.UUID | None = None,
        project_id: uuid.UUID | None = None,
    ) -> TaskHistoryPage:
        return await page(
            self.session, self.asked, owner_id, task_id=task_id, project_id=project_id
        )


async def _history_request(
    session: SessionDep, asked: Annotated[PageRequest, Depends(page_request(CURSORS, PAGE_LIMIT))]
) -> HistoryRequest:
    return HistoryRequest(session, asked)


HistoryRequestDep = Annotated[HistoryRequest, Depends(_history_request)]


async def _owned_task(session: AsyncSession, owner_id: uuid.UUID, task_id: uuid.UUID) -> Task:
    query = select(Task).where(Task.id == task_id, Task.owner_id == owner_id)
    return await one_or_404(session, query, "task")


async def record_comment(
    session: AsyncSession, owner_id: uuid.UUID, task_id: uuid.UUID, actor_id: uuid.UUID
) -> None:
    """Add a "commented" event of the owner's task to the caller's transaction (404 if the
    task is not the owner's): the comment and its event commit together."""
    task = await _owned_task(session, owner_id, task_id)
    session.add(new_event(task, actor_id, "commented", {}, utcnow()))
