"""Online migrations take their table locks without deadlocking the running release's writers
(migrations/locks.py), on a real PostgreSQL: the lock order cannot be right for every writer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from taskapp.migrations.locks import take_writers_locks

pytestmark = pytest.mark.postgres_only


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    yield engine
    await engine.dispose()


async def test_a_writer_holding_users_then_wanting_tasks_is_not_deadlocked(
    engine: AsyncEngine,
) -> None:
    """A one-statement write of an earlier release locks `users` before `tasks`: with the
    migration holding `tasks` and waiting for `users`, PostgreSQL killed one of the two."""
    async with engine.connect() as writer, engine.connect() as migration:
        await writer.execute(text("UPDATE users SET updated_at = updated_at WHERE false"))
        await migration.begin()
        migrating = asyncio.create_task(migration.run_sync(take_writers_locks))
        await asyncio.sleep(0.5)  # the migration has tried: it wants `users`, the writer's
        assert not migrating.done()
        # The writer's next statement needs `tasks`, which a waiting migration would hold.
        await writer.execute(text("SELECT count(*) FROM tasks"))
        await writer.commit()
        tries = await asyncio.wait_for(migrating, 10)
        assert tries >= 2
        held = await migration.scalar(
            text(
                "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
                " AND mode = 'AccessExclusiveLock' AND relation IN ('tasks'::regclass,"
                " 'users'::regclass)"
            )
        )
        assert held == 2
        await migration.rollback()


async def test_tables_busy_for_the_whole_budget_fail_the_migration_clearly(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as writer, engine.connect() as migration:
        await writer.execute(text("SELECT count(*) FROM users"))  # holds it until rollback
        await migration.begin()
        with pytest.raises(RuntimeError, match="stayed locked by others for 1 s"):
            await migration.run_sync(lambda c: take_writers_locks(c, budget_seconds=1))
        await migration.rollback()
        await writer.rollback()
