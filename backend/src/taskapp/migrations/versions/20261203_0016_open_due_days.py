"""task_open_days: each owner's open tasks counted by due day, so stats stay flat (ADR 0015)

GET /tasks/stats counted the open tasks due on a day before the owner's local today from
ix_tasks_owner_open_due_on: one index entry per task, 43,000 of them for a user with a million
tasks in the benchmark. These rows, kept with task_counts in every write's statement, hold that
count per day.

Online (expand only): a new table the previous release never reads, filled in the revision's
transaction while it holds tasks and users (locks.py), so the fill agrees with the tasks at the
commit; it reads the partial index of open due days, not the table. The previous release does
not keep the rows: a due-day task it writes after this commit (during the rollout) leaves them
off until `taskapp recount` rebuilds them (docs/operations.md).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from taskapp.migrations.locks import lock_in_writers_order

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same on both databases: due_on is a DATE on PostgreSQL and ISO text on SQLite.
_BACKFILL = """
INSERT INTO task_open_days (owner_id, due_on, count)
SELECT owner_id, due_on, count(*) FROM tasks
WHERE due_on IS NOT NULL AND status <> 'done'
GROUP BY owner_id, due_on
"""


def upgrade() -> None:
    lock_in_writers_order()  # a key to users; and no task write between the fill and the commit
    op.create_table(
        "task_open_days",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_task_open_days_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("owner_id", "due_on", name=op.f("pk_task_open_days")),
    )
    op.execute(_BACKFILL)


def downgrade() -> None:
    op.drop_table("task_open_days")
