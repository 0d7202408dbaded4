"""Revision 0015 (attachments) only adds a table: the downgrade keeps every user and task and
drops only it, and upgrading again gives an empty table that the next file fills. Its foreign
keys set task_id to NULL when the task goes (the row becomes its object's deletion job)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import delete

from taskapp.attachments.models import Attachment
from taskapp.db import utcnow
from taskapp.tasks.models import Task
from tests.revisions import (
    add_owner,
    connection_on,
    down_and_up_again,
    session_on,
    snapshot_of,
    sorted_rows,
    table_names,
)


async def _write(url: str) -> uuid.UUID:
    async with session_on(url) as session:
        owner = await add_owner(session)
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
    return task_id


async def _snapshot(url: str) -> dict[str, Any]:
    """Users and tasks, and each file with its task's title (None once the task is gone)."""
    seen = await snapshot_of(url, tasks="SELECT id, owner_id, title FROM tasks")
    async with connection_on(url) as connection:
        seen["attachments"] = (
            await sorted_rows(
                connection,
                "SELECT t.title, a.filename FROM attachments a"
                " LEFT JOIN tasks t ON t.id = a.task_id",
            )
            if "attachments" in await table_names(connection)
            else None
        )
    return seen


async def _delete_task(url: str, task_id: uuid.UUID) -> None:
    async with session_on(url) as session:
        await session.execute(delete(Task).where(Task.id == task_id))
        await session.commit()


def test_revision_0015_upgrades_downgrades_and_upgrades_again_keeping_every_task(
    database_url: str, tmp_path: Path
) -> None:
    trip = down_and_up_again(database_url, tmp_path, "0015", _write, _snapshot)
    assert trip.at_head["attachments"] == [("T", "a.pdf")]
    assert trip.previous == {**trip.at_head, "attachments": None}
    assert trip.upgraded_again == {**trip.at_head, "attachments": []}

    second = asyncio.run(_write(trip.url))
    asyncio.run(_delete_task(trip.url, second))
    # The task's deletion leaves the row, without its task, for the worker's purge.
    assert asyncio.run(_snapshot(trip.url))["attachments"] == [(None, "a.pdf")]
