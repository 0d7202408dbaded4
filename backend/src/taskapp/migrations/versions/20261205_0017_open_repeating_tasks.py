"""An index of each owner's open repeating tasks in due order, for the agenda's projections

GET /tasks/agenda shows a repeating task on its later occurrences in the range (tasks/agenda.py):
it reads the owner's open tasks with a rule due up to the range's end, the latest 100. Through
ix_tasks_owner_open_due_at that would walk every open task due before the range's end, most of
them without a rule; this partial index holds only the ones with a rule, in the same order.

Online (expand only): built CONCURRENTLY on PostgreSQL (migrations/indexes.py). The previous
release does not know it and loses nothing.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa

from taskapp.migrations.indexes import create_online, drop_online, owner_due_order

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_tasks_owner_open_repeating"
OPEN_REPEATING = sa.text("status <> 'done' AND recurrence IS NOT NULL")


def upgrade() -> None:
    create_online({NAME: (owner_due_order(), OPEN_REPEATING)})


def downgrade() -> None:
    drop_online([NAME])
