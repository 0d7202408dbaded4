"""Revision 0010 (activity history, comments) only adds tables: an upgrade leaves the previous
release's rows as they were, the downgrade keeps every task and user and drops only the history
and the comments, and upgrading again gives an empty history that the next write fills."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from taskapp import migrate
from taskapp.comments.models import Comment
from taskapp.db import utcnow
from taskapp.tasks.models import Task, TaskStatus
from tests.revisions import (
    add_owner,
    connection_on,
    count_if_present,
    migrated_scratch,
    session_on,
    sorted_rows,
)

OWNERS = 3
TASKS_EACH = 50


async def _write(url: str) -> None:
    async with session_on(url) as session:
        for _ in range(OWNERS):
            owner = await add_owner(session)
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


async def _snapshot(url: str) -> dict[str, Any]:
    async with connection_on(url) as connection:
        return {
            "users": await sorted_rows(connection, "SELECT id, email FROM users"),
            "tasks": await sorted_rows(
                connection, "SELECT id, owner_id, title, status, position, version FROM tasks"
            ),
            "counts": await sorted_rows(connection, "SELECT * FROM task_counts"),
            "events": await count_if_present(connection, "task_events"),
            "comments": await count_if_present(connection, "comments"),
        }


def test_revision_0010_upgrades_downgrades_and_upgrades_again_keeping_every_task(
    database_url: str, tmp_path: Path
) -> None:
    url = migrated_scratch(database_url, tmp_path, "revision_0010")
    asyncio.run(_write(url))
    at_head = asyncio.run(_snapshot(url))
    assert len(at_head["tasks"]) == OWNERS * TASKS_EACH
    assert at_head["events"] == OWNERS * TASKS_EACH  # one "created" each
    assert at_head["comments"] == OWNERS

    migrate.downgrade(url, "0010-1")  # the revision before 0010, whichever it is after a merge
    previous = asyncio.run(_snapshot(url))
    assert previous == {**at_head, "events": None, "comments": None}

    migrate.upgrade(url)
    assert asyncio.run(_snapshot(url)) == {**at_head, "events": 0, "comments": 0}
    asyncio.run(_write(url))
    again = asyncio.run(_snapshot(url))
    assert (again["events"], again["comments"]) == (OWNERS * TASKS_EACH, OWNERS)
