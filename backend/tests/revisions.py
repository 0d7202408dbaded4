"""Support for the revision tests (test_revision_*.py, test_migration_0006.py): each migrates a
scratch database of the suite's kind up and down, writes rows through a session of its own, and
compares what a plain connection reads before and after."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from taskapp.auth.interface import User
from taskapp.db import create_engine, create_session_factory
from taskapp.settings import Settings


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
    """A user with a fresh id (and an address made from it), flushed so rows can point at it."""
    owner = uuid.uuid4()
    session.add(User(id=owner, email=f"{owner.hex}@example.com", password_hash="x", **fields))
    await session.flush()
    return owner


async def sorted_rows(connection: AsyncConnection, query: str) -> list[tuple[Any, ...]]:
    """Every row `query` reads, as tuples, in sorted order (rows come back in no fixed order)."""
    return sorted(map(tuple, await connection.execute(text(query))))


async def table_names(connection: AsyncConnection) -> set[str]:
    return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def count_if_present(connection: AsyncConnection, table: str) -> int | None:
    """How many rows `table` holds, or None where the schema has no such table."""
    if table not in await table_names(connection):
        return None
    count: int = await connection.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
    return count
