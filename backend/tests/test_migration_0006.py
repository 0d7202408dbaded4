"""Revision 0006 (projects) on a database holding the previous release's data: upgrade, downgrade
and upgrade again lose no task, give every account one Inbox, and leave the counts alone."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text, update

from taskapp import migrate
from taskapp.projects.models import Project
from taskapp.tasks.models import (
    Task,
    TaskStatus,
)
from tests.revisions import (
    add_counts,
    connection_on,
    migrated_scratch,
    previous_columns,
    sorted_rows,
    table_names,
    task_row_0005,
)

# More than one batch of the revision's Inbox backfill (1,000 users at a time).
USERS = 1_001
TASKS_EACH = 3
# The columns the previous release has, in a fixed order.
SELECT_OLD_TASKS = text(
    "SELECT id, owner_id, title, description, status, priority, due_date, labels, created_at, "
    "updated_at, completed_at, version, search_text FROM tasks ORDER BY id"
)


# The previous release's columns only: the models' insert would also fill columns that later
# revisions add (users.time_zone, ...), which a 0005 schema does not have.
_USERS_0005 = previous_columns(
    "users",
    "id",
    "email",
    "password_hash",
    "is_active",
    "tasks_version",
    "created_at",
    "updated_at",
)
_TASKS_0005 = previous_columns(
    "tasks",
    "id",
    "owner_id",
    "title",
    "description",
    "status",
    "priority",
    "due_date",
    "labels",
    "created_at",
    "updated_at",
    "completed_at",
    "version",
    "search_text",
)


async def _write_previous_release_data(url: str) -> None:
    """Users and tasks as the previous release wrote them (no projects, no project_id)."""
    now = datetime.now(UTC)
    owners = [uuid.uuid4() for _ in range(USERS)]
    tasks = [
        task_row_0005(
            owner, f"{owner.hex[:6]}-{n}", now=now, status=list(TaskStatus)[n % 3], labels=[]
        )
        for owner in owners[:5]
        for n in range(TASKS_EACH)
    ]
    async with connection_on(url, begin=True) as connection:
        await connection.execute(
            insert(_USERS_0005),
            [
                {
                    "id": owner,
                    "email": f"{owner.hex}@example.com",
                    "password_hash": "x",
                    "is_active": True,
                    "tasks_version": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for owner in owners
            ],
        )
        await connection.execute(insert(_TASKS_0005), tasks)
        await add_counts(connection, tasks)


async def _snapshot(url: str) -> dict[str, Any]:
    async with connection_on(url) as connection:
        tables = await table_names(connection)
        tasks = (await connection.execute(SELECT_OLD_TASKS)).all()
        counts = await sorted_rows(connection, "SELECT * FROM task_counts")
        users = (await connection.execute(text("SELECT id FROM users"))).scalars().all()
        inboxes: list[tuple[Any, ...]] = []
        if "projects" in tables:
            inboxes = [
                tuple(row)
                for row in await connection.execute(
                    text("SELECT id, owner_id, name FROM projects WHERE is_inbox")
                )
            ]
    return {
        "tables": tables,
        "tasks": [tuple(row) for row in tasks],
        "counts": counts,
        "users": {str(u).replace("-", "") for u in users},
        "inboxes": inboxes,
    }


async def _move_first_task_to_a_new_project(url: str) -> None:
    async with connection_on(url, begin=True) as connection:
        task_id, owner = (
            await connection.execute(text("SELECT id, owner_id FROM tasks ORDER BY id LIMIT 1"))
        ).one()
        project = uuid.uuid4()
        now = datetime.now(UTC)
        await connection.execute(
            insert(Project),
            [
                {
                    "id": project,
                    "owner_id": uuid.UUID(str(owner)),
                    "name": "Garden",
                    "colour": "green",
                    "description": "",
                    "archived": False,
                    "is_inbox": False,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            ],
        )
        await connection.execute(
            update(Task).where(Task.id == uuid.UUID(str(task_id))).values(project_id=project)
        )


def _inbox_owners(snapshot: dict[str, Any]) -> list[str]:
    return sorted(str(owner).replace("-", "") for _, owner, _ in snapshot["inboxes"])


def test_revision_0006_upgrades_downgrades_and_upgrades_a_database_with_data(
    database_url: str, tmp_path: Path
) -> None:
    url = migrated_scratch(database_url, tmp_path, "revision_0006", "0005")
    asyncio.run(_write_previous_release_data(url))
    before = asyncio.run(_snapshot(url))
    assert len(before["tasks"]) == 5 * TASKS_EACH
    assert "projects" not in before["tables"]

    migrate.upgrade(url)
    upgraded = asyncio.run(_snapshot(url))
    assert {"projects", "saved_views"} <= upgraded["tables"]
    assert (upgraded["tasks"], upgraded["counts"]) == (before["tasks"], before["counts"])
    # One Inbox per account, its id the account's.
    assert _inbox_owners(upgraded) == sorted(before["users"])
    assert all(pid == owner and name == "Inbox" for pid, owner, name in upgraded["inboxes"])

    # A task in a project of its own: the downgrade keeps it (the previous release shows it).
    asyncio.run(_move_first_task_to_a_new_project(url))

    migrate.downgrade(url, "0005")
    downgraded = asyncio.run(_snapshot(url))
    assert not {"projects", "saved_views"} & downgraded["tables"]
    assert (downgraded["tasks"], downgraded["counts"]) == (before["tasks"], before["counts"])

    migrate.upgrade(url)
    again = asyncio.run(_snapshot(url))
    assert (again["tasks"], again["counts"]) == (before["tasks"], before["counts"])
    assert _inbox_owners(again) == sorted(before["users"])
