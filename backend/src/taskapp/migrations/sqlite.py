"""SQLite's table rebuilds in migrations.

SQLite cannot ALTER most things, so Alembic's batch mode copies the table and recreates only the
indexes it can reflect: an expression index (0007's ix_tasks_owner_due_at) would be lost, a
partial one could come back without its WHERE. A migration that rebuilds `tasks` saves every
index as it was before the batch and puts each back exactly after it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def task_indexes() -> dict[str, str]:
    """SQLite: every index on tasks by name, as its CREATE INDEX statement."""
    rows = op.get_bind().execute(
        sa.text(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'index' AND tbl_name = 'tasks' AND sql IS NOT NULL"
        )
    )
    return {str(name): str(sql) for name, sql in rows}


def restore_indexes(saved: dict[str, str]) -> None:
    """Put back each index `task_indexes` saved, exactly as it was."""
    for name, sql in saved.items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(sql)
