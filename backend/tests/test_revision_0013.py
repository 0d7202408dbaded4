"""Revision 0013 adds one index, ix_tasks_owner_open_due_at (an owner's open tasks in due order),
partial on open tasks; the downgrade drops only it, and upgrading again builds it again."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from taskapp import migrate
from tests.revisions import connection_on, migrated_scratch

NAME = "ix_tasks_owner_open_due_at"


async def _definition(url: str) -> str | None:
    """The index's definition as the database holds it, or None."""
    async with connection_on(url) as connection:
        if connection.dialect.name == "postgresql":
            found = await connection.scalar(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": NAME}
            )
        else:
            found = await connection.scalar(
                text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :n"),
                {"n": NAME},
            )
    return None if found is None else str(found)


def test_revision_0013_indexes_open_tasks_in_due_order_and_downgrades_cleanly(
    database_url: str, tmp_path: Path
) -> None:
    url = migrated_scratch(database_url, tmp_path, "revision_0013")
    built = asyncio.run(_definition(url))
    assert built is not None
    assert "COALESCE(due_date" in built
    assert "'done'" in built  # partial: open tasks only

    migrate.downgrade(url, "0013-1")
    assert asyncio.run(_definition(url)) is None

    migrate.upgrade(url)
    assert asyncio.run(_definition(url)) == built
