"""tasks.search_text (folded, trigram-indexed on PostgreSQL) and task_counts for flat stats

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from taskapp.migrations.backfill import TASKS_SEARCH, batches_by_key, search_document_v1

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1_000


def _backfill_search_text() -> None:
    bind = op.get_bind()
    update = (
        sa.update(TASKS_SEARCH)
        .where(TASKS_SEARCH.c.id == sa.bindparam("task_id"))
        .values(search_text=sa.bindparam("text"))
    )
    tasks = TASKS_SEARCH.c
    query = sa.select(tasks.id, tasks.title, tasks.description, tasks.labels)
    for rows in batches_by_key(bind, query, tasks.id, BATCH):
        bind.execute(
            update,
            [
                {
                    "task_id": row.id,
                    "text": search_document_v1(row.title, row.description, row.labels or []),
                }
                for row in rows
            ],
        )


def upgrade() -> None:
    bind = op.get_bind()
    is_postgres = bind.dialect.name == "postgresql"
    # Added with a default so that existing rows are valid at once; filled right after.
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    _backfill_search_text()
    if is_postgres:
        # The application always writes it; only SQLite keeps the (harmless) default, since
        # dropping one there rebuilds the table.
        op.alter_column("tasks", "search_text", server_default=None)
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_tasks_search",
        "tasks",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )
    op.create_index(
        "ix_tasks_owner_open_due",
        "tasks",
        ["owner_id", "due_date", "status"],
        postgresql_where=sa.text("status <> 'done'"),
        sqlite_where=sa.text("status <> 'done'"),
    )
    op.create_table(
        "task_counts",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("due_day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_task_counts_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "owner_id", "status", "priority", "due_day", name=op.f("pk_task_counts")
        ),
    )
    # One pass over tasks. "No due date" is the day the write path stores for date.max: asyncpg
    # sends date.max as 'infinity' to PostgreSQL, aiosqlite as 9999-12-31 to SQLite. Another
    # value would be a second key that later writes never decrement.
    op.execute(_COUNT_BACKFILL_POSTGRES if is_postgres else _COUNT_BACKFILL_SQLITE)


_COUNT_BACKFILL_POSTGRES = """
INSERT INTO task_counts (owner_id, status, priority, due_day, count)
SELECT owner_id, status, priority,
       COALESCE((due_date AT TIME ZONE 'UTC')::date, DATE 'infinity') AS due_day, count(*)
FROM tasks GROUP BY owner_id, status, priority, due_day
"""
_COUNT_BACKFILL_SQLITE = """
INSERT INTO task_counts (owner_id, status, priority, due_day, count)
SELECT owner_id, status, priority, COALESCE(date(due_date), '9999-12-31') AS due_day, count(*)
FROM tasks GROUP BY owner_id, status, priority, due_day
"""


def downgrade() -> None:
    op.drop_table("task_counts")
    op.drop_index("ix_tasks_owner_open_due", table_name="tasks")
    op.drop_index("ix_tasks_search", table_name="tasks")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("search_text")
