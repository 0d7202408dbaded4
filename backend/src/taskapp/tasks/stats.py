"""GET /tasks/stats from the owner's task_counts rows, not from the owner's tasks (ADR 0007).

task_counts holds how many tasks have each (status, priority, due day); it is kept in the same
transaction as every write (tasks/models.py). Overdue means not done and due before now: for a
due time, whole UTC days before today come from the counts, and today's part from the partial
index ix_tasks_owner_open_due (the open tasks due today, read from the index alone); for a due
day (counted under the "no due time" key), the open tasks due before the owner's local today,
from the partial index ix_tasks_owner_open_due_on.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, bindparam, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from taskapp.tasks import list_query
from taskapp.tasks.models import Priority, Task, TaskCount, TaskStatus, priority_name
from taskapp.tasks.schemas import TaskStats

# Built once; run with new parameters per request.
_COUNTS = (
    select(
        TaskCount.status,
        TaskCount.priority,
        func.sum(TaskCount.count),
        func.sum(
            case(
                (
                    and_(
                        TaskCount.status != TaskStatus.DONE.value,
                        TaskCount.due_day < bindparam("today", type_=Date),
                    ),
                    TaskCount.count,
                ),
                else_=0,
            )
        ),
    )
    .where(TaskCount.owner_id == bindparam("owner_id", type_=TaskCount.owner_id.type))
    .group_by(TaskCount.status, TaskCount.priority)
)
_OVERDUE_TODAY = (
    select(func.count())
    .select_from(Task)
    .where(
        Task.owner_id == bindparam("owner_id", type_=Task.owner_id.type),
        Task.due_date >= bindparam("today_start", type_=Task.due_date.type),
        list_query.overdue_time_condition(bindparam("now", type_=Task.due_date.type)),
    )
)
_OVERDUE_DAYS = (
    select(func.count())
    .select_from(Task)
    .where(
        Task.owner_id == bindparam("owner_id", type_=Task.owner_id.type),
        Task.due_on < bindparam("local_today", type_=Task.due_on.type),
        list_query.NOT_DONE,
    )
)


async def of_owner(
    connection: AsyncConnection, owner_id: uuid.UUID, now: datetime, zone: ZoneInfo
) -> TaskStats:
    today = now.astimezone(UTC).date()
    by_status = dict.fromkeys((s.value for s in TaskStatus), 0)
    by_priority = dict.fromkeys((p.value for p in Priority), 0)
    overdue = 0
    rows = await connection.execute(_COUNTS, {"owner_id": owner_id, "today": today})
    for status, rank, count, overdue_before_today in rows:
        by_status[status] += int(count)
        by_priority[priority_name(rank)] += int(count)
        overdue += int(overdue_before_today)
    overdue += int(
        await connection.scalar(
            _OVERDUE_TODAY,
            {
                "owner_id": owner_id,
                "today_start": datetime.combine(today, time.min, tzinfo=UTC),
                "now": now,
            },
        )
        or 0
    )
    overdue += int(
        await connection.scalar(
            _OVERDUE_DAYS,
            {"owner_id": owner_id, "local_today": now.astimezone(zone).date()},
        )
        or 0
    )
    return TaskStats.model_validate(
        {
            "total": sum(by_status.values()),
            "by_status": by_status,
            "by_priority": by_priority,
            "overdue": overdue,
        }
    )
