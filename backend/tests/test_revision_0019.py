"""Revision 0019 adds users.week_start (nullable). The downgrade drops only that column, in
place: every user and what references them is kept; upgrading again gives the column back,
empty (each user's calendar follows the browser's language again until they choose)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from taskapp.tasks.models import Task
from tests.revisions import (
    add_owner,
    column_names,
    connection_on,
    down_and_up_again,
    session_on,
    sorted_rows,
)


async def _write(url: str) -> None:
    """A user who chose Sunday, with a task."""
    async with session_on(url) as session:
        owner = await add_owner(session, week_start="sunday")
        session.add(Task(owner_id=owner, title="T"))
        await session.commit()


async def _snapshot(url: str) -> dict[str, Any]:
    async with connection_on(url) as connection:
        columns = await column_names(connection, "users")
        return {
            "week_start": await sorted_rows(connection, "SELECT week_start FROM users")
            if "week_start" in columns
            else None,
            "users": await sorted_rows(connection, "SELECT id, email, time_zone FROM users"),
            "tasks": await sorted_rows(
                connection,
                "SELECT t.title, u.email FROM tasks t JOIN users u ON u.id = t.owner_id",
            ),
        }


def test_revision_0019_downgrades_in_place_keeping_users_and_their_tasks(
    database_url: str, tmp_path: Path
) -> None:
    trip = down_and_up_again(database_url, tmp_path, "0019", _write, _snapshot)
    assert trip.at_head["week_start"] == [("sunday",)]
    assert len(trip.at_head["tasks"]) == 1
    assert trip.previous == {**trip.at_head, "week_start": None}
    assert trip.upgraded_again == {**trip.at_head, "week_start": [(None,)]}
