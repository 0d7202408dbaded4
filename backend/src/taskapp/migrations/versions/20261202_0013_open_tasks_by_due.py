"""An index of each owner's open tasks in due order: Today's overdue list reads what it shows

Today's overdue tasks are an owner's open tasks before today, in due order (tasks/agenda.py),
200 at most. ix_tasks_owner_due_at has that order but holds done tasks too, and the two partial
indexes of open tasks (by due time, by due day) have no common order: with a busy table the
planner read all of an owner's overdue tasks (1,000 in the test) through a bitmap of the two and
sorted them. This index is the order over open tasks only, so the list is one ordered index
scan that stops at the limit.

Online (expand only): built CONCURRENTLY on PostgreSQL, outside the migration's transaction, so
writes to `tasks` are not blocked while it builds. The previous release does not know it and
loses nothing.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_tasks_owner_open_due_at"
OPEN = sa.text("status <> 'done'")
# sort=due_date's key, as tasks.models.DueAt compiles it (copied: a migration must not change
# when the application does).
DUE_AT = {
    "postgresql": "COALESCE(due_date, timezone('UTC', CAST(due_on AS TIMESTAMP)))",
    "sqlite": "COALESCE(due_date, due_on || ' 00:00:00.000000')",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    columns: list[str | sa.TextClause] = ["owner_id", sa.text(DUE_AT[dialect]), "id"]
    if dialect != "postgresql":
        op.create_index(NAME, "tasks", columns, sqlite_where=OPEN)
        return
    # CONCURRENTLY cannot run inside a transaction block; a failed build leaves an INVALID
    # index behind, so a rerun drops it first and builds it again.
    with op.get_context().autocommit_block():
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
        op.create_index(NAME, "tasks", columns, postgresql_where=OPEN, postgresql_concurrently=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.drop_index(NAME, table_name="tasks", postgresql_concurrently=True)
    else:
        op.drop_index(NAME, table_name="tasks")
