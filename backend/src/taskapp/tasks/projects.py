"""What the projects domain needs of tasks: counts per project, deleting a project's tasks with
the derived data (task_counts, task_open_days, the owner's data version) kept right, and a
project's activity history."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, delete, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from taskapp.db import utcnow
from taskapp.tasks import inbox
from taskapp.tasks.models import (
    CountChanges,
    CountKey,
    DayKey,
    DueAt,
    Priority,
    Task,
    TaskEvent,
    TaskStatus,
    bump_owner,
    count_key,
    count_upserts,
    day_key,
)


@dataclass(frozen=True, slots=True)
class ProjectCounts:
    open: int = 0
    done: int = 0


async def counts_by_project(
    connection: AsyncConnection, owner_id: uuid.UUID, only: uuid.UUID | None = None
) -> dict[uuid.UUID, ProjectCounts]:
    """Open and done tasks of each of the owner's projects (or `only` that one), in one grouped
    query; the Inbox also counts the rows without a project. A project without tasks is absent."""
    project = inbox.PROJECT_OF_ROW.label("project")
    done = (type_coerce(Task.status, String) == TaskStatus.DONE.value).label("done")
    query = select(project, done, func.count()).where(Task.owner_id == owner_id)
    if only is not None:
        stored = inbox.stored_project(owner_id, only)
        query = query.where(
            Task.project_id.is_(None) if stored is None else Task.project_id == stored
        )
    rows = await connection.execute(query.group_by(project, done))
    tallies: dict[uuid.UUID, dict[bool, int]] = {}
    for project_id, is_done, count in rows:
        tallies.setdefault(uuid.UUID(str(project_id)), {})[bool(is_done)] = count
    return {
        project_id: ProjectCounts(open=tally.get(False, 0), done=tally.get(True, 0))
        for project_id, tally in tallies.items()
    }


async def delete_project_tasks(
    session: AsyncSession, owner_id: uuid.UUID, project_id: uuid.UUID
) -> int:
    """Delete the tasks of one of the owner's projects (not the Inbox), adjust the counts and
    bump the owner's data version (so cached lists and stats miss), in the caller's transaction;
    the caller deletes the project row afterwards, in that transaction.

    Locks are taken in the order task writes take them, task rows, then the owner's row, then
    count rows, so that neither a task update nor a create deadlocks with this. The counts come
    from DELETE .. RETURNING, the rows as deleted. A task created in (or moved into) the project
    meanwhile holds the owner's row until it commits; once the bump has that row, a second
    DELETE takes those too, and any later one waits on the owner's row and then fails the
    foreign key (the project is gone): nothing is left for the foreign key's cascade to remove
    uncounted."""
    stored = inbox.stored_project(owner_id, project_id)
    if stored is None:
        raise ValueError("the Inbox's tasks are never deleted with it")
    statement = (
        delete(Task)
        .where(Task.owner_id == owner_id, Task.project_id == stored)
        .returning(Task.status, Task.priority, Task.due_date, Task.due_on)
    )
    options = {"synchronize_session": False}
    deltas: Counter[CountKey] = Counter()
    days: Counter[DayKey] = Counter()

    async def delete_and_count() -> None:
        deleted = await session.execute(statement, execution_options=options)
        for status, priority, due_date, due_on in deleted:
            deltas[count_key(owner_id, status, priority, due_date)] -= 1
            if (key := day_key(owner_id, status, due_on)) is not None:
                days[key] -= 1

    await delete_and_count()
    connection = await session.connection()
    await bump_owner(connection, owner_id, utcnow())
    await delete_and_count()
    changes = CountChanges.of(deltas, days)
    for upsert in count_upserts(connection.dialect.name, changes):
        await connection.execute(upsert)
    # The project's history goes with it (a deleted task's stays in its project's until then).
    await session.execute(
        delete(TaskEvent).where(TaskEvent.owner_id == owner_id, TaskEvent.project_id == project_id)
    )
    return sum(-n for _, n in changes.totals)


@dataclass(frozen=True, slots=True)
class OpenTask:
    """What a published page shows of a task: no ids, no owner, no dates of the account."""

    title: str
    description: str | None
    status: str
    priority: str
    due_date: datetime | None  # the due time, or
    due_on: date | None  # the due day (at most one of the two is set)
    labels: list[str]


async def open_tasks(
    connection: AsyncConnection, owner_id: uuid.UUID, project_id: uuid.UUID, limit: int
) -> list[OpenTask]:
    """The project's tasks that are not done, soonest due first (due times and due days by
    sort=due_date's key, models.DueAt), then the oldest, at most `limit`."""
    stored = inbox.stored_project(owner_id, project_id)
    due_at = DueAt()
    rows = await connection.execute(
        select(
            Task.title,
            Task.description,
            Task.status,
            Task.priority,
            Task.due_date,
            Task.due_on,
            Task.labels,
        )
        .where(
            Task.owner_id == owner_id,
            Task.project_id.is_(None) if stored is None else Task.project_id == stored,
            type_coerce(Task.status, String) != TaskStatus.DONE.value,
        )
        .order_by(due_at.is_(None), due_at, Task.created_at, Task.id)
        .limit(limit)
    )
    return [
        OpenTask(
            title=title,
            description=description,
            status=TaskStatus(status).value,
            priority=Priority(priority).value,
            due_date=due_date,
            due_on=due_on,
            labels=list(labels or []),
        )
        for title, description, status, priority, due_date, due_on, labels in rows
    ]
