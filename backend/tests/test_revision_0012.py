"""Revision 0012 (reminders, notifications, notification settings, mail outbox) only adds tables:
the downgrade keeps every user and task and drops only those, and upgrading again gives empty
tables that the next reminder fills."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from taskapp import migrate
from taskapp.db import utcnow
from taskapp.mail.outbox import enqueue
from taskapp.reminders.models import Notification, NotificationSettings, Reminder
from taskapp.tasks.models import Task
from tests.revisions import (
    add_owner,
    connection_on,
    count_if_present,
    migrated_scratch,
    session_on,
    sorted_rows,
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
        session.add(reminder)
        await session.flush()
        session.add(
            Notification(
                user_id=owner,
                task_id=task.id,
                reminder_id=reminder.id,
                kind="reminder",
                title="T",
                created_at=now,
            )
        )
        session.add(NotificationSettings(user_id=owner, digest_hour=8))
        enqueue(session, owner, "reminder", f"{owner.hex}@example.com", {"title": "T"}, now)
        await session.commit()


async def _snapshot(url: str) -> dict[str, Any]:
    async with connection_on(url) as connection:
        return {
            "users": await sorted_rows(connection, "SELECT id, email FROM users"),
            "tasks": await sorted_rows(connection, "SELECT id, owner_id, title FROM tasks"),
            **{table: await count_if_present(connection, table) for table in NEW_TABLES},
        }


def test_revision_0012_upgrades_downgrades_and_upgrades_again_keeping_every_task(
    database_url: str, tmp_path: Path
) -> None:
    url = migrated_scratch(database_url, tmp_path, "revision_0012")
    asyncio.run(_write(url))
    at_head = asyncio.run(_snapshot(url))
    assert [at_head[table] for table in NEW_TABLES] == [1, 1, 1, 1]

    migrate.downgrade(url, "0012-1")  # the revision before 0012, whichever it is after a merge
    previous = asyncio.run(_snapshot(url))
    assert previous == {**at_head, **dict.fromkeys(NEW_TABLES)}

    migrate.upgrade(url)
    assert asyncio.run(_snapshot(url)) == {**at_head, **dict.fromkeys(NEW_TABLES, 0)}
    asyncio.run(_write(url))
    again = asyncio.run(_snapshot(url))
    assert [again[table] for table in NEW_TABLES] == [1, 1, 1, 1]
    assert len(again["tasks"]) == 2
