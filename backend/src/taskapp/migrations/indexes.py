"""Indexes built online (on `tasks`, unless a revision names another table): CONCURRENTLY on
PostgreSQL, outside the revision's transaction, so the running release's writes to the table are
not blocked while one builds.

Frozen like backfill.py: a shipped revision must keep building what it built.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# sort=due_date's key as tasks.models.DueAt compiles it (revision 0007 on).
DUE_AT = {
    "postgresql": "COALESCE(due_date, timezone('UTC', CAST(due_on AS TIMESTAMP)))",
    "sqlite": "COALESCE(due_date, due_on || ' 00:00:00.000000')",
}
OPEN = sa.text("status <> 'done'")

Columns = Sequence[str | sa.TextClause]


def owner_due_order() -> list[str | sa.TextClause]:
    """An owner's tasks in sort=due_date's order: (owner_id, DUE_AT, id)."""
    return ["owner_id", sa.text(DUE_AT[op.get_bind().dialect.name]), "id"]


def create_online(
    indexes: dict[str, tuple[Columns, sa.TextClause | None]], table: str = "tasks"
) -> None:
    """Builds each index name -> (columns, partial-index predicate or None) on `table`."""
    if op.get_bind().dialect.name != "postgresql":
        for name, (columns, where) in indexes.items():
            op.create_index(name, table, list(columns), sqlite_where=where)
        return
    with op.get_context().autocommit_block():  # CONCURRENTLY cannot run in a transaction
        for name, (columns, where) in indexes.items():
            # A concurrent build that failed leaves an INVALID index behind: a rerun drops it
            # and builds it again instead of keeping the invalid one.
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
            op.create_index(
                name, table, list(columns), postgresql_where=where, postgresql_concurrently=True
            )


def drop_online(names: Sequence[str], table: str = "tasks") -> None:
    if op.get_bind().dialect.name != "postgresql":
        for name in names:
            op.drop_index(name, table_name=table)
        return
    with op.get_context().autocommit_block():
        for name in names:
            op.drop_index(name, table_name=table, postgresql_concurrently=True)
