"""What the data migrations (revisions that rewrite rows) share.

A revision that has shipped must keep doing what it did when it ran, whatever the application
does later: so nothing here imports the application, and a function here never changes what it
computes. A new rule gets a new function (`search_document_v2`, ...) beside the old one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# `tasks` as the search backfills see it (revisions 0003 and 0005).
LABELS = sa.JSON().with_variant(postgresql.ARRAY(sa.String(length=50)), "postgresql")
TASKS_SEARCH = sa.table(
    "tasks",
    sa.column("id", sa.Uuid()),
    sa.column("title", sa.String()),
    sa.column("description", sa.Text()),
    sa.column("labels", LABELS),
    sa.column("search_text", sa.Text()),
)


def fold_v1(text: str) -> str:
    """taskapp.tasks.search.fold as of revision 0003: case-folded, accents dropped."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_document_v1(title: str, description: str | None, labels: Sequence[str]) -> str:
    """The folded search_text of a task as of revision 0003: title, description, labels."""
    return "\n".join(fold_v1(part) for part in [title, description or "", *labels])


def batches_by_key(
    bind: sa.Connection, query: sa.Select[Any], key: sa.ColumnElement[Any], size: int
) -> Iterator[Sequence[sa.Row[Any]]]:
    """The rows of `query` in pages of `size` by `key` (unique): bounded memory and statement
    size however large the table. Rows the caller writes meanwhile are not read twice, since each
    page starts after the previous page's last key."""
    last: object = None
    while True:
        page = query if last is None else query.where(key > last)
        rows = bind.execute(page.order_by(key).limit(size)).all()
        if not rows:
            return
        yield rows
        last = rows[-1]._mapping[key]
