"""Revision 0015 (attachments) only adds a table: the downgrade keeps every user and task and
drops only it, and upgrading again gives an empty table that the next file fills. Its foreign
keys set task_id to NULL when the task goes (the row becomes its object's deletion job)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import delete, inspect, text

from taskapp import migrate
from taskapp.attachments.models import Attachment
from taskapp.auth.interface import User
from taskapp.db import create_engine, create_session_factory, utcnow
from taskapp.settings import Settings
from taskapp.tasks.models import Task
from tests.conftest import scratch_database_url


async def _write(url: str) -> uuid.UUID:
    engine = create_engine(Settings(database_url=url))
    async with create_session_factory(engine)() as session:
        owner = uuid.uuid4()
        session.add(User(id=owner, email=f"{owner.hex}@example.com", password_hash="x"))
        await session.flush()
        task = Task(owner_id=owner, title="T")
        session.add(task)
        await session.flush()
        session.add(
            Attachment(
                task_id=task.id,
                owner_id=owner,
                uploader_id=owner,
                filename="a.pdf",
                content_type="application/pdf",
                size=3,
                status="ready",
                created_at=utcnow(),
                purge_attempts=0,
            )
        )
        await session.commit()
        task_id: uuid.UUID = task.id
    await engine.dispose()
    return task_id


async def _snapshot(url: str) -> dict[str, Any]:
    engine = create_engine(Settings(database_url=url))
    async with engine.connect() as connection:
        users = (await connection.execute(text("SELECT id, email FROM users"))).all()
        tasks = (await connection.execute(text("SELECT id, owner_id, title FROM tasks"))).all()
        tables = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
        files = (
            (
                await connection.execute(
                    text(
                        "SELECT t.title, a.filename FROM attachments a"
                        " LEFT JOIN tasks t ON t.id = a.task_id"
                    )
                )
            ).all()
            if "attachments" in tables
            else None
        )
    await engine.dispose()
    return {
        "users": sorted(map(tuple, users)),
        "tasks": sorted(map(tuple, tasks)),
        "attachments": None if files is None else sorted(map(tuple, files)),
    }


async def _delete_task(url: str, task_id: uuid.UUID) -> None:
    engine = create_engine(Settings(database_url=url))
    async with create_session_factory(engine)() as session:
        await session.execute(delete(Task).where(Task.id == task_id))
        await session.commit()
    await engine.dispose()


def test_revision_0015_upgrades_downgrades_and_upgrades_again_keeping_every_task(
    database_url: str, tmp_path: Path
) -> None:
    url = scratch_database_url(database_url, tmp_path, "revision_0015")
    migrate.upgrade(url)
    asyncio.run(_write(url))
    at_head = asyncio.run(_snapshot(url))
    assert at_head["attachments"] == [("T", "a.pdf")]

    migrate.downgrade(url, "0015-1")  # the revision before 0015, whichever it is after a merge
    assert asyncio.run(_snapshot(url)) == {**at_head, "attachments": None}

    migrate.upgrade(url)
    assert asyncio.run(_snapshot(url)) == {**at_head, "attachments": []}
    second = asyncio.run(_write(url))
    asyncio.run(_delete_task(url, second))
    # The task's deletion leaves the row, without its task, for the worker's purge.
    assert asyncio.run(_snapshot(url))["attachments"] == [(None, "a.pdf")]
