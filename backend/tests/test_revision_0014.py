"""Revision 0014 (assignees) adds tasks.assignee_id (a key to users, SET NULL with the account)
and the partial index of "assigned to me". On data written with the previous schema the upgrade
keeps every task (unassigned); the downgrade drops only the assignments, the key and the index,
keeping every task and every other index as it was; upgrading again restores them."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from taskapp import migrate
from taskapp.tasks.models import Task
from tests.revisions import add_owner, connection_on, migrated_scratch, session_on

INDEX = "ix_tasks_assignee_open_created"


async def _write_previous(url: str) -> tuple[str, str]:
    """An owner and a task as the previous release writes them (it knows no assignee: Core,
    naming only columns that schema has)."""
    task = uuid.uuid4()
    async with session_on(url) as session:
        owner = await add_owner(session)
        await session.execute(
            insert(Task.metadata.tables["tasks"]).values(
                id=task, owner_id=owner, title="Old", search_text="old"
            )
        )
        await session.commit()
    return str(owner), str(task)


async def _state(url: str) -> dict[str, Any]:
    async with connection_on(url) as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            columns = await connection.scalars(
                text("SELECT column_name FROM information_schema.columns WHERE table_name='tasks'")
            )
            indexes: dict[Any, Any] = dict(
                (
                    await connection.execute(
                        text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename='tasks'")
                    )
                ).all()
            )
            keys = set(
                await connection.scalars(
                    text(
                        "SELECT conname FROM pg_constraint"
                        " WHERE conrelid = 'tasks'::regclass AND contype = 'f'"
                    )
                )
            )
        else:
            columns = await connection.scalars(text("SELECT name FROM pragma_table_info('tasks')"))
            indexes = dict(
                (
                    await connection.execute(
                        text(
                            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                            " AND tbl_name = 'tasks' AND sql IS NOT NULL"
                        )
                    )
                ).all()
            )
            keys = {
                str(row[2])
                for row in (await connection.execute(text("PRAGMA foreign_key_list(tasks)"))).all()
            }
        tasks = (await connection.execute(text("SELECT id, title FROM tasks"))).all()
    return {
        "columns": set(columns),
        "indexes": indexes,
        "keys": keys,
        "tasks": sorted((str(uuid.UUID(str(i))), t) for i, t in tasks),
    }


def test_revision_0014_adds_assignees_on_old_data_and_downgrades_and_upgrades_again(
    database_url: str, tmp_path: Path
) -> None:
    url = migrated_scratch(database_url, tmp_path, "revision_0014", "0013")
    before = asyncio.run(_state(url))
    _, task = asyncio.run(_write_previous(url))
    with_old_task = asyncio.run(_state(url))

    migrate.upgrade(url, "0014")
    upgraded = asyncio.run(_state(url))
    assert "assignee_id" in upgraded["columns"]
    assert upgraded["tasks"] == with_old_task["tasks"] == [(task, "Old")]
    assert "assignee_id IS NOT NULL" in upgraded["indexes"][INDEX]
    assert "'done'" in upgraded["indexes"][INDEX]
    # Every index the table had is still there, unchanged (SQLite rebuilds the table).
    assert {n: d for n, d in upgraded["indexes"].items() if n != INDEX} == before["indexes"]
    if url.startswith("postgresql"):
        assert "fk_tasks_assignee_id_users" in upgraded["keys"]
    else:
        assert "users" in upgraded["keys"]

    migrate.downgrade(url, "0013")
    downgraded = asyncio.run(_state(url))
    assert downgraded == {**with_old_task, "keys": downgraded["keys"]}
    assert downgraded["keys"] == before["keys"]

    migrate.upgrade(url, "0014")
    assert asyncio.run(_state(url)) == upgraded
