"""A reminder before the due fires once per due: reminders keep the due they fired for

reminders.fired_due_date and reminders.fired_due_on hold the task's due (its two columns, as
tasks holds them) when a reminder before the due last fired. When the task's due is another
(a repeating task rolled on, a skip, a postponement) the reminder is armed again (ADR 0018).

Online (expand only): two nullable columns without defaults (no rewrite), no backfill. Rows the
previous release fires leave them null, and a reminder whose new fire time is not after its
`fired_at` is spent rather than fired again, so nothing fires twice for one due either way.
The worker reads the fired ones a window at a time in id order (reminders/service.py), through
ix_reminders_fired_relative: a partial index of their ids, built CONCURRENTLY on PostgreSQL.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from taskapp.migrations.indexes import create_online, drop_online

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("fired_due_date", "fired_due_on")
INDEX = "ix_reminders_fired_relative"
# Literals as reminders.models writes them: the worker's WHERE must match the predicate.
FIRED_RELATIVE = sa.text("at IS NULL AND fired_at IS NOT NULL")


def upgrade() -> None:
    op.add_column("reminders", sa.Column("fired_due_date", sa.DateTime(timezone=True)))
    op.add_column("reminders", sa.Column("fired_due_on", sa.Date()))
    create_online({INDEX: (["id"], FIRED_RELATIVE)}, table="reminders")


def downgrade() -> None:
    drop_online([INDEX], table="reminders")
    # Plain ALTER TABLE ... DROP COLUMN on SQLite too (3.35+), not a batch copy of the table:
    # dropping the old table would null every notification's reminder_id (ON DELETE SET NULL).
    for name in COLUMNS:
        op.drop_column("reminders", name)
