"""Alembic environment: runs migrations over the async engine of TASKAPP_DATABASE_URL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import taskapp.attachments.models
import taskapp.auth.models
import taskapp.comments.models
import taskapp.mail.outbox
import taskapp.projects.models
import taskapp.reminders.models
import taskapp.saved_views.models
import taskapp.tasks.models
import taskapp.tasks.sharing  # noqa: F401  (register every table on Base.metadata)
from taskapp.db import Base, create_engine
from taskapp.settings import Settings

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
        # One transaction per revision: a revision's locks end with it (migrations/locks.py).
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    url = config.attributes.get("database_url") or Settings().database_url
    engine = create_engine(Settings(database_url=url))
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_async())
