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

from taskapp.migrations.indexes import OPEN, create_online, drop_online, owner_due_order

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_tasks_owner_open_due_at"


def upgrade() -> None:
    create_online({NAME: (owner_due_order(), OPEN)})


def downgrade() -> None:
    drop_online([NAME])
