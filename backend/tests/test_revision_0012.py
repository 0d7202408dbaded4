"""Revision 0012 (reminders, notifications, notification settings, mail outbox) only adds tables:
the downgrade keeps every user and task and drops only those, and upgrading again gives empty
tables that the next reminder fills."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from taskapp import migrate
from taskapp.auth.interface import User
from taskapp.db import create_engine, create_session_factory, utcnow
from taskapp.mail.outbox import enqueue
from taskapp.reminders.models import Notification, NotificationSettings, Reminder
from taskapp.settings import Settings
from taskapp.tasks.models import Task
from tests.conftest import scratch_database_url

NEW_TABLES = ("reminders", "notifications", "notification_settings", "mail_outbox")


async def _write(url: str) -> None:
    engine = create_engine(Settings(database_url=url))
    async with create_session_factory(engine)() as session:
        owner = uuid.uuid4()
        session.add(User(id=owner, email=f"{owner.hex}@example.com", password_hash="x"))
        await session.flush()
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
    await engine.dispose()


async def _snapshot(url: str) -> dict[str, Any]:
    engine = create_engine(Settings(database_url=url))
    async with engine.connect() as connection:
        users = (await connection.execute(text("SELECT id, email FROM users"))).all()
        tasks = (await connection.execute(text("SELECT id, owner_id, title FROM tasks"))).all()
        tables = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
        counts = {
            table: await connection.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
            if table in tables
            else None
            for table in NEW_TABLES
        }
    await engine.dispose()
    return {"users": sorted(map(tuple, users)), "tasks": sorted(map(tuple, tasks)), **counts}


def test_revision_0012_upgrades_downgrades_and_upgrades_again_keeping_every_task(
    database_url: str, tmp_path: Path
) -> None:
    url = scratch_database_url(database_url, tmp_path, "revision_0012")
    migrate.upgrade(url)
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
