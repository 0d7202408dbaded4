"""Assignees (issue 19): tasks.assignee_id, a nullable key to users (SET NULL when the account
goes), and the index of "assigned to me": a user's open assigned tasks, newest first

Online (expand only): a nullable column without a default (no rewrite), which the previous release
neither reads nor writes (its tasks stay unassigned); the foreign key added NOT VALID under the
writers' lock order and validated apart on PostgreSQL (a scan under a lock that lets reads and
writes go on); the index built CONCURRENTLY on PostgreSQL. GET /tasks/assigned reads it by
(assignee_id, created_at, id) over open tasks only, so the list is one ordered index scan that
stops at the page's limit (docs/adr/0017).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from taskapp.migrations.locks import lock_in_writers_order
from taskapp.migrations.sqlite import restore_indexes, task_indexes

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_tasks_assignee_id_users"
INDEX = "ix_tasks_assignee_open_created"
# Literals as tasks.models writes them: the list's WHERE must match the index's predicate.
OPEN_ASSIGNED = sa.text("assignee_id IS NOT NULL AND status <> 'done'")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        saved = task_indexes()
        with op.batch_alter_table("tasks") as batch:
            batch.add_column(sa.Column("assignee_id", sa.Uuid(), nullable=True))
            batch.create_foreign_key(FK, "users", ["assignee_id"], ["id"], ondelete="SET NULL")
        restore_indexes(saved)
        op.create_index(
            INDEX, "tasks", ["assignee_id", "created_at", "id"], sqlite_where=OPEN_ASSIGNED
        )
        return
    lock_in_writers_order()  # a key from tasks to users: both tables, in the writers' order
    op.add_column("tasks", sa.Column("assignee_id", sa.Uuid(), nullable=True))
    op.execute(
        f"ALTER TABLE tasks ADD CONSTRAINT {FK} FOREIGN KEY (assignee_id)"
        " REFERENCES users (id) ON DELETE SET NULL NOT VALID"
    )
    with op.get_context().autocommit_block():
        op.execute(f"ALTER TABLE tasks VALIDATE CONSTRAINT {FK}")
        # A failed CONCURRENTLY build leaves an INVALID index: a rerun drops it first.
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        op.create_index(
            INDEX,
            "tasks",
            ["assignee_id", "created_at", "id"],
            postgresql_where=OPEN_ASSIGNED,
            postgresql_concurrently=True,
        )


def downgrade() -> None:
    # New data only: the assignments go, every task stays.
    if op.get_bind().dialect.name != "postgresql":
        op.drop_index(INDEX, table_name="tasks")
        saved = task_indexes()
        with op.batch_alter_table("tasks") as batch:
            batch.drop_constraint(FK, type_="foreignkey")
            batch.drop_column("assignee_id")
        restore_indexes(saved)
        return
    with op.get_context().autocommit_block():
        op.drop_index(INDEX, table_name="tasks", postgresql_concurrently=True)
    lock_in_writers_order()
    op.drop_constraint(FK, "tasks", type_="foreignkey")
    op.drop_column("tasks", "assignee_id")
