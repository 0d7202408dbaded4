"""Projects (every user's Inbox among them), saved views, tasks.project_id: an online expand

The previous release keeps serving while this runs and after: it does not know tasks.project_id
and writes NULL there, which this release reads as the owner's Inbox (tasks/inbox.py; the Inbox's
id is its owner's id). So no task row is rewritten here. What PostgreSQL does, in order:
1. one short transaction: the two new tables, the nullable column, and its foreign key
   (owner_id, project_id) -> projects (owner_id, id) added NOT VALID (no scan, brief lock);
2. outside any transaction: an Inbox for every user, in batches of BATCH users, each its own
   transaction; VALIDATE CONSTRAINT (scans tasks without blocking writes); the index the project
   list pages over, built CONCURRENTLY.
SQLite (embedded, one process) rebuilds tasks in its batch mode and does the rest in line.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from taskapp.migrations.backfill import batches_by_key
from taskapp.migrations.locks import lock_in_writers_order

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1_000
FOREIGN_KEY = "fk_tasks_project_id_projects"
INDEX = "ix_tasks_owner_project_created"
users = sa.table("users", sa.column("id", sa.Uuid()))
projects = sa.table(
    "projects",
    sa.column("id", sa.Uuid()),
    sa.column("owner_id", sa.Uuid()),
    sa.column("name", sa.String()),
    sa.column("colour", sa.String()),
    sa.column("description", sa.Text()),
    sa.column("archived", sa.Boolean()),
    sa.column("is_inbox", sa.Boolean()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("version", sa.Integer()),
)


def _create_tables() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("colour", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("is_inbox", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("publish_token", sa.String(length=64), nullable=True),
        sa.Column("publish_token_hash", sa.String(length=64), nullable=True),
        sa.CheckConstraint("NOT is_inbox OR id = owner_id", name=op.f("ck_projects_inbox_id")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_projects_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("owner_id", "id", name="uq_projects_owner_id_id"),
    )
    op.create_index(
        "ix_projects_owner_created", "projects", ["owner_id", "created_at", "id"], unique=False
    )
    op.create_index(
        "ix_projects_publish_token_hash", "projects", ["publish_token_hash"], unique=True
    )
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("query", sa.String(length=2000), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_saved_views_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_views")),
    )
    op.create_index("ix_saved_views_owner_position", "saved_views", ["owner_id", "position", "id"])


def _add_inboxes() -> None:
    """An Inbox (id = the user's id) for every user, BATCH users per statement by primary key;
    users that have one (registered by this release meanwhile) are passed over."""
    bind = op.get_bind()
    for page in batches_by_key(bind, sa.select(users.c.id), users.c.id, BATCH):
        ids = [row.id for row in page]
        have = set(bind.execute(sa.select(projects.c.id).where(projects.c.id.in_(ids))).scalars())
        # SQLite keeps datetimes zone-less (taskapp.db.UTCDateTime); PostgreSQL a timestamptz.
        now = datetime.now(UTC)
        if bind.dialect.name == "sqlite":
            now = now.replace(tzinfo=None)
        rows = [
            {
                "id": user_id,
                "owner_id": user_id,
                "name": "Inbox",
                "colour": "grey",
                "description": "",
                "archived": False,
                "is_inbox": True,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for user_id in ids
            if user_id not in have
        ]
        if rows:
            bind.execute(sa.insert(projects), rows)


def upgrade() -> None:
    lock_in_writers_order()  # projects' key to users, then the ALTERs of tasks
    _create_tables()
    if op.get_bind().dialect.name != "postgresql":
        with op.batch_alter_table("tasks") as batch:
            batch.add_column(sa.Column("project_id", sa.Uuid(), nullable=True))
            batch.create_foreign_key(
                FOREIGN_KEY,
                "projects",
                ["owner_id", "project_id"],
                ["owner_id", "id"],
                ondelete="CASCADE",
            )
            batch.create_index(INDEX, ["owner_id", "project_id", "created_at", "id"])
        _add_inboxes()
        return
    op.add_column("tasks", sa.Column("project_id", sa.Uuid(), nullable=True))
    op.execute(
        f"ALTER TABLE tasks ADD CONSTRAINT {FOREIGN_KEY} FOREIGN KEY (owner_id, project_id) "
        "REFERENCES projects (owner_id, id) ON DELETE CASCADE NOT VALID"
    )
    with op.get_context().autocommit_block():
        _add_inboxes()  # each batch commits on its own
        op.execute(f"ALTER TABLE tasks VALIDATE CONSTRAINT {FOREIGN_KEY}")
        # A build an earlier attempt left INVALID is dropped first; IF NOT EXISTS would keep it.
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        op.execute(
            f"CREATE INDEX CONCURRENTLY {INDEX} ON tasks (owner_id, project_id, created_at, id)"
        )


def downgrade() -> None:
    # The previous release never reads these: dropping them loses only what it cannot show.
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        lock_in_writers_order()
        op.drop_constraint(FOREIGN_KEY, "tasks", type_="foreignkey")
        op.drop_column("tasks", "project_id")
    else:
        with op.batch_alter_table("tasks") as batch:
            batch.drop_index(INDEX)
            batch.drop_constraint(FOREIGN_KEY, type_="foreignkey")
            batch.drop_column("project_id")
    op.drop_index("ix_saved_views_owner_position", table_name="saved_views")
    op.drop_table("saved_views")
    op.drop_index("ix_projects_publish_token_hash", table_name="projects")
    op.drop_index("ix_projects_owner_created", table_name="projects")
    op.drop_table("projects")
