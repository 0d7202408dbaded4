"""Dates that mean what people mean: users.time_zone, tasks.due_on (an all-day due day),
tasks.recurrence (RFC 5545 RRULE) and task_completions (issue 18)

Online (expand only): a column with a server default and nullable columns, a new table, and
indexes built CONCURRENTLY on PostgreSQL, outside the migration's transaction, so writes to
`tasks` are not blocked while they build. The previous release ignores the new columns: NULL
due_on/recurrence and time_zone 'UTC' are exactly what it meant. Nothing needs a backfill, and
task_counts is unchanged: a due day is counted under the "no due time" key (tasks/models.py), the
key the previous release computes for such a task too.

Revision ID: 0007
Revises: 0006 (the lead re-chains it after 0006 at merge)
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from taskapp.migrations.indexes import OPEN, Columns, create_online, drop_online, owner_due_order
from taskapp.migrations.locks import lock_in_writers_order

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _indexes() -> dict[str, tuple[Columns, sa.TextClause | None]]:
    """name -> (columns, partial-index predicate or None)"""
    return {
        # Today/agenda/overdue over due days: an owner's open tasks by day, from the index alone
        # (status included so that SQLite, too, counts them without reading the rows).
        "ix_tasks_owner_open_due_on": (["owner_id", "due_on", "status"], OPEN),
        # sort=due_date keyset pagination over due times and due days together.
        "ix_tasks_owner_due_at": (owner_due_order(), None),
    }


def upgrade() -> None:
    lock_in_writers_order()  # it alters users, then tasks
    # Plain ADD COLUMN (no table rebuild on SQLite; no rewrite on PostgreSQL 11+, where a
    # constant default is stored in the catalogue).
    op.add_column(
        "users",
        sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="UTC"),
    )
    op.add_column("tasks", sa.Column("due_on", sa.Date(), nullable=True))
    op.add_column("tasks", sa.Column("recurrence", sa.String(length=500), nullable=True))
    op.create_table(
        "task_completions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_completions_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_completions")),
    )
    # A new, empty table: no concurrent build needed.
    op.create_index(
        "ix_task_completions_task_completed",
        "task_completions",
        ["task_id", "completed_at", "id"],
    )
    create_online(_indexes())


def downgrade() -> None:
    drop_online(list(_indexes()))
    lock_in_writers_order()
    op.drop_index("ix_task_completions_task_completed", table_name="task_completions")
    op.drop_table("task_completions")
    # A plain DROP COLUMN on both (SQLite 3.35+): a batch "move and copy" would drop the old
    # users table, and SQLite's ON DELETE CASCADE would take every user's tasks with it.
    for table, column in (("tasks", "recurrence"), ("tasks", "due_on"), ("users", "time_zone")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
