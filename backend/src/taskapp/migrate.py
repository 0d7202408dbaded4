"""Programmatic Alembic: `taskapp migrate` and the tests use this, no alembic.ini needed."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from taskapp.db import create_engine
from taskapp.settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


async def not_ready(settings: Settings) -> str | None:
    """Why this release's commands cannot run on the database yet (no schema, or a revision
    before this release's head), or None. A revision this release does not know is a newer
    release's: that database is ahead, not behind, and is left to the caller."""
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(_current_revision)
    finally:
        await engine.dispose()
    script = ScriptDirectory.from_config(alembic_config(settings.database_url))
    head = script.get_current_head()
    if current is None:
        return "the database has no schema yet"
    known = {revision.revision for revision in script.walk_revisions()}
    if current != head and current in known:
        return f"the database is at revision {current}, behind this release's {head}"
    return None


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
