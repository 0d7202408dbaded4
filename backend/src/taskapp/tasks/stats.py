"""GET /tasks/stats from the owner's count rows, not from the owner's tasks (ADR 0007).

task_counts holds how many tasks have each (status, priority, UTC due day) and task_open_days
how many open tasks are due on each due day; both are kept in the same transaction as every
write (tasks/models.py). Overdue means not done and due before now: for a due time, whole UTC
days before today come from task_counts, and today's part from the partial index
ix_tasks_owner_open_due (the open tasks due today, read from the index alone); for a due day
(counted in task_counts under the "no due time" key), the task_open_days rows before the
owner's local today.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, bindparam, case, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from taskapp.auth.interface import User
from taskapp.tasks import list_query
from taskapp.tasks.models import (
    Priority,
    Task,
    TaskCount,
    TaskOpenDay,
    TaskStatus,
    priority_name,
)
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
_OVERDUE_DAYS = select(func.coalesce(func.sum(TaskOpenDay.count), 0)).where(
    TaskOpenDay.owner_id == bindparam("owner_id", type_=TaskOpenDay.owner_id.type),
    TaskOpenDay.due_on < bindparam("local_today", type_=TaskOpenDay.due_on.type),
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


async def recount_open_days(engine: AsyncEngine, *, batch_size: int = 1_000) -> int:
    """Rebuild every owner's task_open_days rows from their tasks, one owner per transaction;
    answers how many owners. For rows a writer that does not keep them left wrong: a release
    before revision 0016 still serving during the rollout (ADR 0015), or a write around the ORM.

    Safe while the service writes: the owner's row is locked first, and every task write locks
    it before any count row, so a write in flight either committed before the rebuild reads the
    tasks (and is counted from them) or applies its change after the rebuild commits (to the
    rebuilt rows, from the task as the rebuild read it)."""
    rebuilt = 0
    last: uuid.UUID | None = None
    while True:  # owners in id order, a batch at a time (a list of every id could be large)
        batch = select(User.id).order_by(User.id).limit(batch_size)
        async with engine.connect() as connection:
            owners = list(
                await connection.scalars(batch if last is None else batch.where(User.id > last))
            )
        for owner_id in owners:
            await _recount_owner(engine, owner_id)
        rebuilt += len(owners)
        if len(owners) < batch_size:
            return rebuilt
        last = owners[-1]


async def _recount_owner(engine: AsyncEngine, owner_id: uuid.UUID) -> None:
    async with engine.begin() as connection:
        locked = select(User.id).where(User.id == owner_id).with_for_update()
        if await connection.scalar(locked) is None:
            return  # deleted meanwhile: its rows went with it
        await connection.execute(delete(TaskOpenDay).where(TaskOpenDay.owner_id == owner_id))
        await connection.execute(
            insert(TaskOpenDay).from_select(
                ["owner_id", "due_on", "count"],
                select(Task.owner_id, Task.due_on, func.count())
                .where(Task.owner_id == owner_id, Task.due_on.is_not(None), list_query.NOT_DONE)
                .group_by(Task.owner_id, Task.due_on),
            )
        )
