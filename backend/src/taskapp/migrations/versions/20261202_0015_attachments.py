"""Attachments: files on tasks, stored in S3 or on local disk (issue 19, files part; ADR 0020)

A row is also its deletion job: its task's deletion sets task_id to NULL (ON DELETE SET NULL),
and the worker deletes the object, then the row. Online (expand only): a new table the previous
release never reads or writes, created empty, so its indexes are built with it; its foreign keys
to tasks and users take only a short SHARE ROW EXCLUSIVE lock on those.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from taskapp.migrations.locks import lock_in_writers_order

# The one place this revision's place in the chain is written (renumbered at merges).
revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    lock_in_writers_order()  # keys to tasks and users
    op.create_table(
        "attachments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=True),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("uploader_id", sa.Uuid(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purge_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purge_attempts", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'ready')", name="ck_attachments_status"),
        sa.CheckConstraint("size > 0", name="ck_attachments_size"),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name="fk_attachments_task_id_tasks", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name="fk_attachments_owner_id_users", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["uploader_id"],
            ["users.id"],
            name="fk_attachments_uploader_id_users",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
    )
    op.create_index("ix_attachments_task_created", "attachments", ["task_id", "created_at"])
    op.create_index("ix_attachments_owner", "attachments", ["owner_id"])
    op.create_index("ix_attachments_status_created", "attachments", ["status", "created_at"])


def downgrade() -> None:
    # The files' objects stay in the store; rows are the only index to them (ADR 0020).
    op.drop_table("attachments")
