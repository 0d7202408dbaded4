"""An owner's tasks for the data export, a batch at a time: memory stays bounded by one batch
however many tasks there are (100k tasks: 200 batches of 500)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskapp.tasks.models import Task, TaskCompletion
from taskapp.tasks.schemas import TaskPublic

EXPORT_BATCH = 500


def owned_task_ids(owner_id: uuid.UUID) -> Select[uuid.UUID]:
    """The ids of the owner's tasks, as a subquery for other domains' rows of those tasks."""
    return select(Task.id).where(Task.owner_id == owner_id)


async def export_tasks(
    session: AsyncSession, owner_id: uuid.UUID, batch: int = EXPORT_BATCH
) -> AsyncIterator[list[dict[str, Any]]]:
    """The owner's tasks in id order (keyset-paged), each as the API shows it plus its
    completions (recurring tasks' done occurrences), as JSON-ready dicts."""
    after: uuid.UUID | None = None
    while True:
        query = select(Task).where(Task.owner_id == owner_id).order_by(Task.id).limit(batch)
        if after is not None:
            query = query.where(Task.id > after)
        tasks = list(await session.scalars(query))
        if not tasks:
            return
        completions: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
        rows = await session.execute(
            select(
                TaskCompletion.task_id,
                TaskCompletion.completed_at,
                TaskCompletion.due_date,
                TaskCompletion.due_on,
            )
            .where(TaskCompletion.task_id.in_([task.id for task in tasks]))
            .order_by(TaskCompletion.task_id, TaskCompletion.completed_at, TaskCompletion.id)
        )
        for task_id, completed_at, due_date, due_on in rows:
            completions[task_id].append(
                {
                    "completed_at": completed_at.isoformat(),
                    "due_date": due_date.isoformat() if due_date else None,
                    "due_on": due_on.isoformat() if due_on else None,
                }
            )
        yield [
            TaskPublic.model_validate(task).model_dump(mode="json")
            | {"completions": completions[task.id]}
            for task in tasks
        ]
        after = tasks[-1].id
        session.expunge_all()  # the identity map would otherwise keep every task read so far
