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

from taskapp.migrations.backfill import TASKS_SEARCH, batches_by_key, search_document_v1

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500


def _normalized(labels: list[str]) -> list[str]:
    # As tasks/schemas.py does on write: trimmed, NFC, the first of each duplicate kept.
    return list(dict.fromkeys(unicodedata.normalize("NFC", label.strip()) for label in labels))


def upgrade() -> None:
    bind = op.get_bind()
    update = (
        sa.update(TASKS_SEARCH)
        .where(TASKS_SEARCH.c.id == sa.bindparam("task_id"))
        .values(labels=sa.bindparam("new_labels"), search_text=sa.bindparam("text"))
    )
    tasks = TASKS_SEARCH.c
    query = sa.select(tasks.id, tasks.title, tasks.description, tasks.labels)
    for rows in batches_by_key(bind, query, tasks.id, BATCH):
        changed = [
            {
                "task_id": row.id,
                "new_labels": labels,
                "text": search_document_v1(row.title, row.description, labels),
            }
            for row in rows
            if (labels := _normalized(list(row.labels or []))) != list(row.labels or [])
        ]
        if changed:
            bind.execute(update, changed)


def downgrade() -> None:
    # Which form a label was typed in is not kept: the normalized labels stay (they are valid
    # under the earlier revisions too).
    pass
