"""Revision 0007 (dates and recurrence) is online and reversible: it expands a database holding the
previous release's data without changing a row of it, builds its indexes valid (CONCURRENTLY on
PostgreSQL), and its downgrade keeps every task."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import text

from taskapp import migrate
from taskapp.tasks.models import Task, TaskCompletion, TaskStatus
from tests.revisions import (
    TASK_COUNTS,
    add_owners,
    connection_on,
    migrated_scratch,
    previous_release_data,
    session_on,
    snapshot_of,
)

OWNERS = 3
TASKS_EACH = 400
NEW_INDEXES = {"ix_tasks_owner_open_due_on", "ix_tasks_owner_due_at"}


async def _write(url: str, *, with_new_fields: bool = False) -> None:
    """Users and tasks; with_new_fields also sets what only this revision's schema holds."""
    async with session_on(url) as session:
        for owner in await add_owners(session, OWNERS):
            tasks = [
                Task(
                    owner_id=owner,
                    title=f"T{n}",
                    status=list(TaskStatus)[n % 3],
                    due_date=datetime(2027, 1, 1 + n % 28, 9, tzinfo=UTC) if n % 2 else None,
                    due_on=date(2027, 2, 1 + n % 28) if with_new_fields and n % 4 == 0 else None,
                    recurrence="FREQ=DAILY" if with_new_fields and n % 8 == 0 else None,
                )
                for n in range(TASKS_EACH)
            ]
            session.add_all(tasks)
            await session.flush()
            if with_new_fields:
                session.add(TaskCompletion(task_id=tasks[0].id, completed_at=datetime.now(UTC)))
        await session.commit()


# The previous release's view of the data: its columns of users and tasks, and counts.
_snapshot = partial(
    snapshot_of,
    tasks="SELECT id, owner_id, title, status, due_date, version FROM tasks",
    counts=TASK_COUNTS,
)


async def _new_schema(url: str) -> dict[str, Any]:
    async with connection_on(url) as connection:
        zones = (await connection.execute(text("SELECT DISTINCT time_zone FROM users"))).all()
        set_on = await connection.scalar(
            text("SELECT count(*) FROM tasks WHERE due_on IS NOT NULL OR recurrence IS NOT NULL")
        )
        if connection.dialect.name == "postgresql":
            rows = await connection.execute(
                text(
                    "SELECT c.relname, i.indisvalid FROM pg_index i"
                    " JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ANY(:names)"
                ),
                {"names": sorted(NEW_INDEXES)},
            )
        else:
            rows = await connection.execute(
                text("SELECT name, 1 FROM sqlite_master WHERE type = 'index' AND name IN (:a, :b)"),
                dict(zip("ab", sorted(NEW_INDEXES), strict=True)),
            )
        indexes = {name: bool(valid) for name, valid in rows}
    return {"zones": [zone for (zone,) in zones], "set": set_on, "indexes": indexes}


# The new columns at their defaults, the new indexes built valid.
UNSET_NEW_SCHEMA = {
    "zones": ["UTC"],  # the server default: what the previous release meant
    "set": 0,
    "indexes": dict.fromkeys(sorted(NEW_INDEXES), True),
}


def test_revision_0007_expands_the_previous_releases_data_without_changing_it(
    database_url: str, tmp_path: Path
) -> None:
    url, before = previous_release_data(database_url, tmp_path, "0007", "0005", _write, _snapshot)
    assert len(before["tasks"]) == OWNERS * TASKS_EACH

    migrate.upgrade(url)
    assert asyncio.run(_snapshot(url)) == before
    assert asyncio.run(_new_schema(url)) == UNSET_NEW_SCHEMA


def test_revision_0007_downgrades_keeping_every_task(database_url: str, tmp_path: Path) -> None:
    url = migrated_scratch(database_url, tmp_path, "revision_0007")
    asyncio.run(_write(url, with_new_fields=True))
    at_head = asyncio.run(_snapshot(url))
    assert asyncio.run(_new_schema(url))["set"] > 0

    migrate.downgrade(url, "0005")
    # Due days and rules are gone with their columns; every task and user, and the counts
    # (in which a due day never had a key of its own), are still there.
    assert asyncio.run(_snapshot(url)) == at_head
    migrate.upgrade(url)
    assert asyncio.run(_new_schema(url)) == UNSET_NEW_SCHEMA
