"""What reminders need of tasks: a task's current due (read when a reminder fires, so a
reminder relative to the due follows every move of it), whether it differs from the due a
reminder fired for, and the open tasks due on a day (digest)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, SQLColumnExpression, String, and_, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.tasks.models import Task, TaskStatus


@dataclass(frozen=True, slots=True)
class TaskDue:
    task_id: uuid.UUID
    owner_id: uuid.UUID
    title: str
    due_date: datetime | None  # a due time (an instant)
    due_on: date | None  # an all-day due day
    done: bool


async def task_dues(
    session: AsyncSession, task_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, TaskDue]:
    if not task_ids:
        return {}
    rows = await session.execute(
        select(Task.id, Task.owner_id, Task.title, Task.due_date, Task.due_on, Task.status).where(
            Task.id.in_(list(task_ids))
        )
    )
    return {
        task_id: TaskDue(task_id, owner_id, title, due_date, due_on, status == TaskStatus.DONE)
        for task_id, owner_id, title, due_date, due_on, status in rows
    }


def due_other_than(
    task_id: SQLColumnExpression[uuid.UUID],
    due_date: SQLColumnExpression[datetime | None],
    due_on: SQLColumnExpression[date | None],
) -> ColumnElement[bool]:
    """The task has a due, and it is not (`due_date`, `due_on`): a reminder before the due that
    last fired for that due (both null: fired by a release that did not note it) has a new one."""
    return (
        select(Task.id)
        .where(
            Task.id == task_id,
            or_(Task.due_date.is_not(None), Task.due_on.is_not(None)),
            or_(Task.due_date.is_distinct_from(due_date), Task.due_on.is_distinct_from(due_on)),
        )
        .exists()
    )


async def open_titles_due(
    session: AsyncSession, owner_id: uuid.UUID, day: date, start: datetime, end: datetime
) -> list[str]:
    """Titles of the owner's open tasks due on `day` (all-day) or within [start, end)."""
    rows = await session.scalars(
        select(Task.title)
        .where(
            Task.owner_id == owner_id,
            type_coerce(Task.status, String) != TaskStatus.DONE.value,
            or_(Task.due_on == day, and_(Task.due_date >= start, Task.due_date < end)),
        )
        .order_by(Task.due_date.is_(None), Task.due_date, Task.created_at, Task.id)
        .limit(200)
    )
    return list(rows)
