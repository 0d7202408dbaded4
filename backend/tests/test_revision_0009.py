"""Revision 0009 (account tokens, email verification) is online and reversible: it expands a
database holding the previous release's data without changing a row, and its downgrade keeps
every account, session and task (only verification times and link tokens go with their schema)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import text

from taskapp import migrate
from taskapp.auth.models import AccountToken, AuthSession
from taskapp.db import utcnow
from taskapp.tasks.models import Task
from tests.revisions import (
    add_owner,
    column_names,
    connection_on,
    migrated_scratch,
    previous_release_data,
    session_on,
    snapshot_of,
    table_names,
)

OWNERS = 4
TASKS_EACH = 50


async def _write(url: str, *, with_new_fields: bool = False) -> None:
    """Users and tasks; with_new_fields also sets what only this revision's schema holds."""
    now = utcnow()
    async with session_on(url) as session:
        for n in range(OWNERS):
            owner = await add_owner(
                session, email_verified_at=now if with_new_fields and n % 2 else None
            )
            session.add(AuthSession(user_id=owner, expires_at=now + timedelta(days=1)))
            session.add_all(Task(owner_id=owner, title=f"T{i}") for i in range(TASKS_EACH))
            if with_new_fields:
                session.add(
                    AccountToken(
                        user_id=owner,
                        purpose="password_reset",
                        token_hash=uuid.uuid4().hex * 2,
                        expires_at=now + timedelta(minutes=30),
                    )
                )
        await session.commit()


# The previous release's view: its columns of users, sessions and tasks.
_snapshot = partial(
    snapshot_of,
    users="SELECT id, email, password_hash, time_zone, tasks_version FROM users",
    sessions="SELECT id, user_id FROM auth_sessions",
    tasks="SELECT id, owner_id, title, version FROM tasks",
)


async def _new_schema(url: str) -> dict[str, Any]:
    async with connection_on(url) as connection:
        tables = await table_names(connection)
        columns = await column_names(connection, "users")
        state: dict[str, Any] = {
            "table": "account_tokens" in tables,
            "column": "email_verified_at" in columns,
        }
        if state["column"]:
            state["verified"] = await connection.scalar(
                text("SELECT count(*) FROM users WHERE email_verified_at IS NOT NULL")
            )
        if state["table"]:
            state["tokens"] = await connection.scalar(text("SELECT count(*) FROM account_tokens"))
    return state


EMPTY_NEW_SCHEMA = {"table": True, "column": True, "verified": 0, "tokens": 0}


def test_revision_0009_expands_the_previous_releases_data_without_changing_it(
    database_url: str, tmp_path: Path
) -> None:
    url, before = previous_release_data(database_url, tmp_path, "0009", "0008", _write, _snapshot)
    assert len(before["tasks"]) == OWNERS * TASKS_EACH
    assert asyncio.run(_new_schema(url)) == {"table": False, "column": False}

    migrate.upgrade(url)
    assert asyncio.run(_snapshot(url)) == before
    assert asyncio.run(_new_schema(url)) == EMPTY_NEW_SCHEMA


def test_revision_0009_downgrades_and_upgrades_again_keeping_every_row(
    database_url: str, tmp_path: Path
) -> None:
    url = migrated_scratch(database_url, tmp_path, "revision_0009")
    asyncio.run(_write(url, with_new_fields=True))
    at_head = asyncio.run(_snapshot(url))
    assert asyncio.run(_new_schema(url)) == {**EMPTY_NEW_SCHEMA, "verified": 2, "tokens": 4}

    migrate.downgrade(url, "0008")
    # On SQLite a table rebuild of users would have cascaded to every session and task.
    assert asyncio.run(_snapshot(url)) == at_head
    migrate.upgrade(url)
    assert asyncio.run(_snapshot(url)) == at_head
    assert asyncio.run(_new_schema(url)) == EMPTY_NEW_SCHEMA
