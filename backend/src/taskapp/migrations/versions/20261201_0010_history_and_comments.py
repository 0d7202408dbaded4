"""Activity history and comments (issue 19): task_events, one row per task write, and comments

Online (expand only): new tables the previous release never reads or writes, created empty, so
their indexes are built with them (no CONCURRENTLY needed: nothing else holds or waits on it). The
previous release's writes meanwhile record no events; their history starts with this release.
Their foreign keys to users and tasks take only a short SHARE ROW EXCLUSIVE lock on those.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from taskapp.migrations.locks import lock_in_writers_order

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    lock_in_writers_order()  # keys to tasks and users
    op.create_table(
        "task_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("task_title", sa.String(length=255), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name="fk_task_events_owner_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name="fk_task_events_actor_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_task_events"),
    )
    op.create_index("ix_task_events_task_created", "task_events", ["task_id", "created_at", "id"])
    op.create_index(
        "ix_task_events_project_created", "task_events", ["project_id", "created_at", "id"]
    )
    op.create_index("ix_task_events_owner", "task_events", ["owner_id"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name="fk_comments_task_id_tasks", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name="fk_comments_author_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
    )
    op.create_index("ix_comments_task_created", "comments", ["task_id", "created_at", "id"])
    op.create_index("ix_comments_author", "comments", ["author_id"])


def downgrade() -> None:
    lock_in_writers_order()
    # New data only: the previous release's tables and rows are untouched.
    op.drop_table("comments")
    op.drop_table("task_events")
