"""Revision 0012 (reminders, notifications, notification settings, mail outbox) only adds tables:
the downgrade keeps every user and task and drops only those, and upgrading again gives empty
tables that the next reminder fills."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial
from pathlib import Path

from taskapp.db import utcnow
from taskapp.mail.outbox import enqueue
from taskapp.reminders.models import NotificationSettings, Reminder
from taskapp.tasks.models import Task
from tests.revisions import (
    add_notified_reminder,
    add_owner,
    down_and_up_again,
    session_on,
    snapshot_of,
)

NEW_TABLES = ("reminders", "notifications", "notification_settings", "mail_outbox")


async def _write(url: str) -> None:
    async with session_on(url) as session:
        owner = await add_owner(session)
        task = Task(owner_id=owner, title="T")
        session.add(task)
        await session.flush()
        now = utcnow()
        reminder = Reminder(
            user_id=owner, task_id=task.id, at=now - timedelta(minutes=1), created_at=now
        )
        await add_notified_reminder(session, reminder, now)
        session.add(NotificationSettings(user_id=owner, digest_hour=8))
        enqueue(session, owner, "reminder", f"{owner.hex}@example.com", {"title": "T"}, now)
        await session.commit()


_snapshot = partial(
    snapshot_of, counts_of=NEW_TABLES, tasks="SELECT id, owner_id, title FROM tasks"
)


def test_revision_0012_upgrades_downgrades_and_upgrades_again_keeping_every_task(
    database_url: str, tmp_path: Path
) -> None:
    trip = down_and_up_again(database_url, tmp_path, "0012", _write, _snapshot)
    assert [trip.at_head[table] for table in NEW_TABLES] == [1, 1, 1, 1]
    assert trip.previous == {**trip.at_head, **dict.fromkeys(NEW_TABLES)}
    assert trip.upgraded_again == {**trip.at_head, **dict.fromkeys(NEW_TABLES, 0)}

    asyncio.run(_write(trip.url))
    again = asyncio.run(_snapshot(trip.url))
    assert [again[table] for table in NEW_TABLES] == [1, 1, 1, 1]
    assert len(again["tasks"]) == 2
