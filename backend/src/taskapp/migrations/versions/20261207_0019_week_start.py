"""A user's first day of the week: users.week_start

The Calendar's weeks start on it ("monday", "saturday" or "sunday"); null, as for every user
the previous release created, leaves it to the browser's language, as before.

Online (expand only): one nullable column without a default (no rewrite), no backfill.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("week_start", sa.String(9)))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN on SQLite too (3.35+): a batch copy of users would
    # cascade to every row that references it.
    op.drop_column("users", "week_start")
