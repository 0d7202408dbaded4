"""Account care (issue 19): users.email_verified_at and the account_tokens table (single-use,
hashed link tokens for password resets and email verification)

Online (expand only): a nullable column the previous release ignores (its new accounts stay
unverified, which they are) and a new table it never reads. Nothing is backfilled: accounts made
before this release are unverified until their owner asks for a link.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from taskapp.migrations.locks import lock_in_writers_order

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    lock_in_writers_order()
    # A plain ADD COLUMN on both databases (no batch rebuild of users on SQLite: a rebuild would
    # drop and recreate the table every other one points at). Nullable, no default: PostgreSQL
    # changes only the catalogue.
    op.add_column("users", sa.Column("email_verified_at", sa.DateTime(timezone=True)))
    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_account_tokens_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_account_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_account_tokens_token_hash"),
    )
    op.create_index("ix_account_tokens_user_id", "account_tokens", ["user_id"])


def downgrade() -> None:
    lock_in_writers_order()
    op.drop_index("ix_account_tokens_user_id", table_name="account_tokens")
    op.drop_table("account_tokens")
    # SQLite >= 3.35 drops a column in place, as PostgreSQL does (no table rebuild).
    op.execute("ALTER TABLE users DROP COLUMN email_verified_at")
