"""Revision 0010 (activity history, comments) only adds tables: an upgrade leaves the previous
release's rows as they were, the downgrade keeps every task and user and drops only the history
and the comments, and upgrading again gives an empty history that the next write fills."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from taskapp import migrate
from taskapp.auth.interface import User
from taskapp.comments.models import Comment
from taskapp.db import create_engine, create_session_factory, utcnow
from taskapp.settings import Settings
from taskapp.tasks.models import Task, TaskStatus
from tests.conftest import scratch_database_url

OWNERS = 3
TASKS_EACH = 50


async def _write(url: str) -> None:
    engine = create_engine(Settings(database_url=url))
    async with create_session_factory(engine)() as session:
        for _ in range(OWNERS):
            owner = uuid.uuid4()
            session.add(User(id=owner, email=f"{owner.hex}@example.com", password_hash="x"))
            await session.flush()
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
    await engine.dispose()


async def _snapshot(url: str) -> dict[str, Any]:
    engine = create_engine(Settings(database_url=url))
    async with engine.connect() as connection:
        users = (await connection.execute(text("SELECT id, email FROM users"))).all()
        tasks = (
            await connection.execute(
                text("SELECT id, owner_id, title, status, position, version FROM tasks")
            )
        ).all()
        counts = (await connection.execute(text("SELECT * FROM task_counts"))).all()
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        events = comments = None
        if "task_events" in tables:
            events = await connection.scalar(text("SELECT count(*) FROM task_events"))
        if "comments" in tables:
            comments = await connection.scalar(text("SELECT count(*) FROM comments"))
    await engine.dispose()
    return {
        "users": sorted(map(tuple, users)),
        "tasks": sorted(map(tuple, tasks)),
        "counts": sorted(map(tuple, counts)),
        "events": events,
        "comments": comments,
    }


def test_revision_0010_upgrades_downgrades_and_upgrades_again_keeping_every_task(
    database_url: str, tmp_path: Path
) -> None:
    url = scratch_database_url(database_url, tmp_path, "revision_0010")
    migrate.upgrade(url)
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
