"""Subtasks and manual order (issue 18): tasks.parent_id + the parent's subtask counters, and
tasks.position (a fractional-index key) backfilled in creation order

Online (expand only): nullable columns or columns with a server default, which the previous
release ignores (its rows get no parent and counters of 0, which is what they are); the foreign
key added NOT VALID and validated apart on PostgreSQL (no long exclusive lock); a batched
backfill in short transactions of its own; indexes built CONCURRENTLY on PostgreSQL. Rows the
previous release writes meanwhile keep a NULL position; the new release sorts them last, oldest
first, and places them on the owner's next move (tasks/ordering.py).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from alembic import op
from fractional_indexing import generate_n_keys_between
from sqlalchemy.dialects import postgresql

from taskapp.migrations.sqlite import restore_indexes, task_indexes

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1_000
# Byte order on PostgreSQL, as in taskapp.tasks.models.PositionType (a self-contained copy).
Position = sa.Text().with_variant(postgresql.TEXT(collation="C"), "postgresql")
tasks = sa.table(
    "tasks",
    sa.column("id", sa.Uuid()),
    sa.column("owner_id", sa.Uuid()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("position", Position),
)
POSITION_INDEX = "ix_tasks_owner_position"
PARENT_INDEX = "ix_tasks_parent"
PARENT_FK = "fk_tasks_parent_id_tasks"


def _last_key(bind: sa.Connection, owner_id: Any) -> str | None:
    key: str | None = bind.scalar(
        sa.select(tasks.c.position)
        .where(tasks.c.owner_id == owner_id, tasks.c.position.is_not(None))
        .order_by(tasks.c.position.desc())
        .limit(1)
    )
    return key


def _backfill_positions(bind: sa.Connection) -> None:
    """Each owner's unplaced tasks get keys in (created_at, id) order, after any key the owner
    has: BATCH rows per statement, each its own transaction (the caller's autocommit block)."""
    order = (tasks.c.owner_id, tasks.c.created_at, tasks.c.id)
    cursor: tuple[Any, ...] | None = None
    owner: Any = None
    last_key: str | None = None
    while True:
        query = sa.select(*order).where(tasks.c.position.is_(None))
        if cursor is not None:
            query = query.where(sa.tuple_(*order) > sa.tuple_(*cursor))
        rows = bind.execute(query.order_by(*order).limit(BATCH)).all()
        if not rows:
            return
        keys: dict[Any, str] = {}
        for owner_id, group in groupby(rows, key=lambda row: row.owner_id):
            if owner_id != owner:  # an owner's rows can span two batches: carry its last key
                owner, last_key = owner_id, _last_key(bind, owner_id)
            ids = [row.id for row in group]
            new = [str(key) for key in generate_n_keys_between(last_key, None, len(ids))]
            keys.update(zip(ids, new, strict=True))
            last_key = new[-1]
        # One statement per batch: atomic alone, so the batch is its own short transaction.
        bind.execute(
            sa.update(tasks)
            .where(tasks.c.id.in_(list(keys)), tasks.c.position.is_(None))
            .values(position=sa.case(keys, value=tasks.c.id))
        )
        cursor = tuple(rows[-1])


def upgrade() -> None:
    is_postgres = op.get_bind().dialect.name == "postgresql"
    saved = {} if is_postgres else task_indexes()
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("position", Position, nullable=True))
        batch.add_column(sa.Column("parent_id", sa.Uuid(), nullable=True))
        for name in ("subtask_count", "subtask_done_count"):
            # A constant default: PostgreSQL 11+ adds it without rewriting the table.
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        if not is_postgres:  # SQLite: part of the table's rebuild
            batch.create_foreign_key(PARENT_FK, "tasks", ["parent_id"], ["id"], ondelete="CASCADE")
    restore_indexes(saved)
    if is_postgres:
        op.execute(
            f"ALTER TABLE tasks ADD CONSTRAINT {PARENT_FK} FOREIGN KEY (parent_id)"
            " REFERENCES tasks (id) ON DELETE CASCADE NOT VALID"
        )
    with op.get_context().autocommit_block():
        if is_postgres:  # scans the rows under a lock that lets reads and writes go on
            op.execute(f"ALTER TABLE tasks VALIDATE CONSTRAINT {PARENT_FK}")
        _backfill_positions(op.get_bind())
        op.create_index(
            POSITION_INDEX,
            "tasks",
            ["owner_id", "position", "created_at", "id"],
            postgresql_concurrently=is_postgres,
        )
        op.create_index(
            PARENT_INDEX, "tasks", ["parent_id", "id"], postgresql_concurrently=is_postgres
        )


def downgrade() -> None:
    is_postgres = op.get_bind().dialect.name == "postgresql"
    with op.get_context().autocommit_block():
        for index in (PARENT_INDEX, POSITION_INDEX):
            op.drop_index(index, table_name="tasks", postgresql_concurrently=is_postgres)
    saved = {} if is_postgres else task_indexes()
    with op.batch_alter_table("tasks") as batch:
        batch.drop_constraint(PARENT_FK, type_="foreignkey")
        for name in ("subtask_done_count", "subtask_count", "parent_id", "position"):
            batch.drop_column(name)
    restore_indexes(saved)
