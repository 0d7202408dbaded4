"""Shared projects (issue 19): project_members (role owner | editor | viewer) and
project_invitations (single-use, hashed, expiring tokens)

Online (expand only): two new tables the previous release never reads. Every existing project
but the Inboxes (never shared) gets its creator as owner; a project the previous release creates
during the rollout has no owner row, which is why ownership is read from projects.owner_id
(tasks/sharing.py) and the row is only what the members list shows.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from taskapp.migrations.locks import lock_in_writers_order

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    lock_in_writers_order()  # keys to users
    op.create_table(
        "project_members",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('owner', 'editor', 'viewer')", name="ck_project_members_role"),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="fk_project_members_project_id_projects",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_project_members_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("project_id", "user_id", name="pk_project_members"),
    )
    op.create_index("ix_project_members_user", "project_members", ["user_id"])
    op.execute(
        "INSERT INTO project_members (project_id, user_id, role, added_at) "
        "SELECT id, owner_id, 'owner', created_at FROM projects WHERE NOT is_inbox"
    )
    op.create_table(
        "project_invitations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('editor', 'viewer')", name="ck_project_invitations_role"),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="fk_project_invitations_project_id_projects",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"],
            ["users.id"],
            name="fk_project_invitations_invited_by_users",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_project_invitations"),
        sa.UniqueConstraint("token_hash", name="uq_project_invitations_token_hash"),
    )
    op.create_index(
        "ix_project_invitations_project", "project_invitations", ["project_id", "created_at"]
    )
    op.create_index("ix_project_invitations_invited_by", "project_invitations", ["invited_by"])


def downgrade() -> None:
    lock_in_writers_order()
    # New data only: every project and task stays with its owner; the sharing goes.
    op.drop_table("project_invitations")
    op.drop_table("project_members")
