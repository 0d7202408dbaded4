"""Revision 0018 adds two nullable columns to reminders (the due a reminder before the due last
fired for). The downgrade drops only them, in place: every reminder and every notification's
link to its reminder is kept (a copy of the table would null the links, ON DELETE SET NULL);
upgrading again gives the columns back, empty."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from taskapp.db import utcnow
from taskapp.reminders.models import Reminder
from taskapp.tasks.models import Task
from tests.revisions import (
    add_notified_reminder,
    add_owner,
    column_names,
    connection_on,
    down_and_up_again,
    session_on,
    sorted_rows,
)

FIRED_AT = datetime(2031, 5, 6, 11, 1, tzinfo=UTC)


async def _write(url: str) -> None:
    """A reminder an hour before an all-day due that fired for it, with its notification."""
    async with session_on(url) as session:
        owner = await add_owner(session)
        task = Task(owner_id=owner, title="T", due_on=date(2031, 5, 6))
        session.add(task)
        await session.flush()
        reminder = Reminder(
            user_id=owner,
            task_id=task.id,
            before_minutes=60,
            fired_at=FIRED_AT,
            fired_due_on=date(2031, 5, 6),
            created_at=utcnow(),
        )
        await add_notified_reminder(session, reminder, FIRED_AT)
        await session.commit()


async def _snapshot(url: str) -> dict[str, Any]:
    async with connection_on(url) as connection:
        columns = await column_names(connection, "reminders")
        return {
            "fired_for": await sorted_rows(
                connection, "SELECT fired_due_date, fired_due_on FROM reminders"
            )
            if "fired_due_on" in columns
            else None,
            "reminders": await sorted_rows(
                connection, "SELECT id, task_id, before_minutes FROM reminders"
            ),
            "linked": await sorted_rows(
                connection,
                "SELECT n.title, r.before_minutes FROM notifications n"
                " JOIN reminders r ON r.id = n.reminder_id",
            ),
        }


def test_revision_0018_downgrades_in_place_keeping_reminders_and_their_notifications(
    database_url: str, tmp_path: Path
) -> None:
    trip = down_and_up_again(database_url, tmp_path, "0018", _write, _snapshot)
    assert trip.at_head["linked"] == [("T", 60)]
    assert len(trip.at_head["fired_for"]) == 1
    assert trip.previous == {**trip.at_head, "fired_for": None}
    assert trip.upgraded_again == {**trip.at_head, "fired_for": [(None, None)]}
