"""Revision 0010 (activity history, comments) only adds tables: an upgrade leaves the previous
release's rows as they were, the downgrade keeps every task and user and drops only the history
and the comments, and upgrading again gives an empty history that the next write fills."""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path

from taskapp.comments.models import Comment
from taskapp.db import utcnow
from taskapp.tasks.models import Task, TaskStatus
from tests.revisions import TASK_COUNTS, add_owners, down_and_up_again, session_on, snapshot_of

OWNERS = 3
TASKS_EACH = 50


async def _write(url: str) -> None:
    async with session_on(url) as session:
        for owner in await add_owners(session, OWNERS):
            tasks = [
                Task(owner_id=owner, title=f"T{n}", status=list(TaskStatus)[n % 3])
                for n in range(TASKS_EACH)
            ]
            session.add_all(tasks)
            await session.flush()
            session.add(
                Comment(task_id=tasks[0].id, author_id=owner, body="hi", created_at=utcnow())
            )
        await session.commit()


_snapshot = partial(
    snapshot_of,
    counts_of=("task_events", "comments"),
    tasks="SELECT id, owner_id, title, status, position, version FROM tasks",
    counts=TASK_COUNTS,
)


def test_revision_0010_upgrades_downgrades_and_upgrades_again_keeping_every_task(
    database_url: str, tmp_path: Path
) -> None:
    trip = down_and_up_again(database_url, tmp_path, "0010", _write, _snapshot)
    at_head = trip.at_head
    assert len(at_head["tasks"]) == OWNERS * TASKS_EACH
    assert at_head["task_events"] == OWNERS * TASKS_EACH  # one "created" each
    assert at_head["comments"] == OWNERS
    assert trip.previous == {**at_head, "task_events": None, "comments": None}
    assert trip.upgraded_again == {**at_head, "task_events": 0, "comments": 0}

    asyncio.run(_write(trip.url))
    again = asyncio.run(_snapshot(trip.url))
    assert (again["task_events"], again["comments"]) == (OWNERS * TASKS_EACH, OWNERS)
