"""Support for the revision tests (test_revision_*.py, test_migration_0006.py): each migrates a
scratch database of the suite's kind up and down, writes rows through a session of its own, and
compares what a plain connection reads before and after."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import TableClause, column, insert, inspect, table, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from taskapp import migrate
from taskapp.auth.interface import User
from taskapp.db import create_engine, create_session_factory, utcnow
from taskapp.projects.models import inbox_for
from taskapp.reminders.models import Notification, Reminder
from taskapp.settings import Settings
from taskapp.tasks import search
from taskapp.tasks.models import CountChanges, Priority, Task, TaskStatus, count_key, count_upserts
from tests.conftest import scratch_database_url


@asynccontextmanager
async def session_on(url: str) -> AsyncIterator[AsyncSession]:
    """A session on the database at `url`, its engine disposed of afterwards."""
    engine = create_engine(Settings(database_url=url))
    try:
        async with create_session_factory(engine)() as session:
            yield session
    finally:
        await engine.dispose()


@asynccontextmanager
async def connection_on(url: str, *, begin: bool = False) -> AsyncIterator[AsyncConnection]:
    """A connection to the database at `url` (in a transaction committed at the end when
    `begin`), its engine disposed of afterwards."""
    engine = create_engine(Settings(database_url=url))
    try:
        async with engine.begin() if begin else engine.connect() as connection:
            yield connection
    finally:
        await engine.dispose()


async def add_owner(session: AsyncSession, **fields: Any) -> uuid.UUID:
    """A user with a fresh id (and an address made from it) and their Inbox, as the app makes
    one, flushed so rows can point at it. The user row has only the columns users had from the
    first revision on, and `fields`: a test at an older revision must not name a column a later
    one adds."""
    owner = uuid.uuid4()
    now = utcnow()
    values = {
        "id": owner,
        "email": f"{owner.hex}@example.com",
        "password_hash": "x",
        "is_active": True,
        "created_at": now,
        "updated_at": now,
        **fields,
    }
    await session.execute(insert(previous_columns(User.__tablename__, *values)).values(values))
    session.add(inbox_for(owner))
    await session.flush()
    return owner


async def add_notified_reminder(session: AsyncSession, reminder: Reminder, at: datetime) -> None:
    """`reminder` and the notification it fired at `at`, titled as its task "T" is."""
    session.add(reminder)
    await session.flush()
    session.add(
        Notification(
            user_id=reminder.user_id,
            task_id=reminder.task_id,
            reminder_id=reminder.id,
            kind="reminder",
            title="T",
            created_at=at,
        )
    )


async def add_owners(session: AsyncSession, count: int) -> list[uuid.UUID]:
    """`count` users made by add_owner, for a write that gives each the same rows."""
    return [await add_owner(session) for _ in range(count)]


async def sorted_rows(connection: AsyncConnection, query: str) -> list[tuple[Any, ...]]:
    """Every row `query` reads, as tuples, in sorted order (rows come back in no fixed order)."""
    return sorted(map(tuple, await connection.execute(text(query))))


async def table_names(connection: AsyncConnection) -> set[str]:
    return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def column_names(connection: AsyncConnection, table_name: str) -> set[str]:
    return set(
        await connection.run_sync(
            lambda sync: [column["name"] for column in inspect(sync).get_columns(table_name)]
        )
    )


async def count_if_present(connection: AsyncConnection, table: str) -> int | None:
    """How many rows `table` holds, or None where the schema has no such table."""
    if table not in await table_names(connection):
        return None
    count: int = await connection.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
    return count


def migrated_scratch(database_url: str, tmp_path: Path, name: str, revision: str = "head") -> str:
    """A scratch database of the suite's kind (see scratch_database_url), migrated to
    `revision`: where every revision test starts."""
    url = scratch_database_url(database_url, tmp_path, name)
    migrate.upgrade(url, revision)
    return url


# A write (of rows for the test's snapshot) and a snapshot (of what a plain connection reads).
Write = Callable[[str], Coroutine[Any, Any, object]]
Snapshot = Callable[[str], Coroutine[Any, Any, dict[str, Any]]]

USERS = "SELECT id, email FROM users"
TASK_COUNTS = "SELECT * FROM task_counts"


async def snapshot_of(
    url: str, *, users: str = USERS, counts_of: Iterable[str] = (), **queries: str
) -> dict[str, Any]:
    """What a plain connection to `url` reads: every row of `users` and of each named query
    (sorted_rows), and how many rows each table of `counts_of` holds (count_if_present: None
    where it is absent)."""
    queries = {"users": users, **queries}
    async with connection_on(url) as connection:
        rows = {name: await sorted_rows(connection, query) for name, query in queries.items()}
        counts = {name: await count_if_present(connection, name) for name in counts_of}
    return {**rows, **counts}


def previous_release_data(
    database_url: str,
    tmp_path: Path,
    revision: str,
    previous: str,
    write: Write,
    snapshot: Snapshot,
) -> tuple[str, dict[str, Any]]:
    """A scratch database for `revision` holding the previous release's data, and its snapshot:
    written with today's models, then taken back to `previous`, so that the rows are exactly what
    that schema holds."""
    url = migrated_scratch(database_url, tmp_path, f"revision_{revision}")
    asyncio.run(write(url))
    migrate.downgrade(url, previous)
    return url, asyncio.run(snapshot(url))


@dataclass(frozen=True)
class RoundTrip:
    """The snapshots of a database written at head, taken down one revision and up again."""

    url: str
    at_head: dict[str, Any]
    previous: dict[str, Any]  # after the downgrade to the revision before
    upgraded_again: dict[str, Any]  # back at head, before anything new is written


def down_and_up_again(
    database_url: str, tmp_path: Path, revision: str, write: Write, snapshot: Snapshot
) -> RoundTrip:
    """Write at head, downgrade to the revision before `revision` (whichever it is after a merge)
    and upgrade again, with a snapshot after each step: the round trip of a revision that only
    adds tables, whose downgrade must keep every other row."""
    url = migrated_scratch(database_url, tmp_path, f"revision_{revision}")
    asyncio.run(write(url))
    at_head = asyncio.run(snapshot(url))
    migrate.downgrade(url, f"{revision}-1")
    previous = asyncio.run(snapshot(url))
    migrate.upgrade(url)
    return RoundTrip(url, at_head, previous, asyncio.run(snapshot(url)))


def task_row_0005(
    owner: uuid.UUID,
    title: str,
    *,
    now: datetime,
    status: TaskStatus,
    labels: list[str],
    due_date: datetime | None = None,
) -> dict[str, Any]:
    """A task as the 0005-era write path stored it, for a Core insert: every column that schema
    has (later revisions add more), with search_text derived as that release derived it."""
    return {
        "id": uuid.uuid4(),
        "owner_id": owner,
        "title": title,
        "description": None,
        "status": status,
        "priority": Priority.MEDIUM,
        "due_date": due_date,
        "labels": labels,
        "created_at": now,
        "updated_at": now,
        "completed_at": None,
        "version": 1,
        "search_text": search.document(title, None, labels),
    }


async def add_counts(connection: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """The task_counts the write path keeps for these task rows, in the same transaction."""
    counts = Counter(
        count_key(row["owner_id"], row["status"], row["priority"], row["due_date"]) for row in rows
    )
    for upsert in count_upserts(connection.dialect.name, CountChanges(sorted(counts.items()))):
        await connection.execute(upsert)


def previous_columns(table_name: str, *names: str) -> TableClause:
    """Only these columns of a model's table, for a Core insert as a previous release wrote it:
    the model's own insert would also name columns that later revisions add."""
    model_table = Task.metadata.tables[table_name]
    return table(table_name, *(column(n, model_table.c[n].type) for n in names))
