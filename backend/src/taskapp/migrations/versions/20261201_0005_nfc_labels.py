"""Stored labels in Unicode NFC, duplicates after normalization dropped (issue 16, point 8)

The API normalizes labels on write since this revision; rows written before keep whatever form
the client sent, so `é` (U+00E9) and `e` + U+0301 would stay two labels and the `label` filter
would miss one of them. Only rows whose labels change are written. The folded search_text is
recomputed for them (a dropped duplicate leaves it); task_counts do not depend on labels.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
Labels = sa.JSON().with_variant(postgresql.ARRAY(sa.String(length=50)), "postgresql")
tasks = sa.table(
    "tasks",
    sa.column("id", sa.Uuid()),
    sa.column("title", sa.String()),
    sa.column("description", sa.Text()),
    sa.column("labels", Labels),
    sa.column("search_text", sa.Text()),
)


def _fold(text: str) -> str:
    # Self-contained copy of taskapp.tasks.search.fold as of this revision (see 0003).
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _document(title: str, description: str | None, labels: list[str]) -> str:
    return "\n".join(_fold(part) for part in [title, description or "", *labels])


def _normalized(labels: list[str]) -> list[str]:
    # As tasks/schemas.py does on write: trimmed, NFC, the first of each duplicate kept.
    return list(dict.fromkeys(unicodedata.normalize("NFC", label.strip()) for label in labels))


def upgrade() -> None:
    """In batches of BATCH rows by primary key: bounded memory and statement size."""
    bind = op.get_bind()
    update = (
        sa.update(tasks)
        .where(tasks.c.id == sa.bindparam("task_id"))
        .values(labels=sa.bindparam("new_labels"), search_text=sa.bindparam("text"))
    )
    last: object = None
    while True:
        query = sa.select(tasks.c.id, tasks.c.title, tasks.c.description, tasks.c.labels)
        if last is not None:
            query = query.where(tasks.c.id > last)
        rows = bind.execute(query.order_by(tasks.c.id).limit(BATCH)).all()
        if not rows:
            return
        changed = [
            {
                "task_id": row.id,
                "new_labels": labels,
                "text": _document(row.title, row.description, labels),
            }
            for row in rows
            if (labels := _normalized(list(row.labels or []))) != list(row.labels or [])
        ]
        if changed:
            bind.execute(update, changed)
        last = rows[-1].id


def downgrade() -> None:
    # Which form a label was typed in is not kept: the normalized labels stay (they are valid
    # under the earlier revisions too).
    pass
