"""GET /tasks/stats: one owner's counts by status and priority, and how many are overdue."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from taskapp.tasks import list_query
from taskapp.tasks.models import Priority, Task, TaskStatus
from taskapp.tasks.schemas import TaskStats


async def of_owner(connection: AsyncConnection, owner_id: uuid.UUID, now: datetime) -> TaskStats:
    def count_where(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    columns = [func.count(Task.id)]
    columns += [count_where(Task.status == status) for status in TaskStatus]
    columns += [count_where(Task.priority == priority) for priority in Priority]
    at = bindparam("now", now, type_=Task.due_date.type)
    columns.append(count_where(list_query.overdue_condition(at)))
    row = (await connection.execute(select(*columns).where(Task.owner_id == owner_id))).one()
    total, pending, in_progress, done, low, medium, high, urgent, overdue = (int(v) for v in row)
    return TaskStats.model_validate(
        {
            "total": total,
            "by_status": {"pending": pending, "in_progress": in_progress, "done": done},
            "by_priority": {"low": low, "medium": medium, "high": high, "urgent": urgent},
            "overdue": overdue,
        }
    )
