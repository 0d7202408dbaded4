"""The data migrations' shared pager (migrations/backfill.py) on the suite's database: every row
once, in key order, in pages no larger than asked, while the caller rewrites the rows it read."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from taskapp.migrations.backfill import batches_by_key, search_document_v1
from tests.revisions import connection_on


def _page_and_rewrite(bind: sa.Connection, rows: sa.Table) -> list[list[uuid.UUID]]:
    pages: list[list[uuid.UUID]] = []
    for page in batches_by_key(bind, sa.select(rows.c.id, rows.c.text), rows.c.id, 3):
        pages.append([row.id for row in page])
        bind.execute(
            sa.update(rows)
            .where(rows.c.id.in_(pages[-1]))
            .values(text=search_document_v1("Été", None, ["Ça"]))
        )
    return pages


async def test_pages_cover_every_row_once_while_the_caller_rewrites_them(database_url: str) -> None:
    metadata = sa.MetaData()
    rows = sa.Table(
        f"backfill_{uuid.uuid4().hex[:8]}",
        metadata,
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
    )
    ids = sorted(uuid.uuid4() for _ in range(7))
    async with connection_on(database_url, begin=True) as connection:
        await connection.run_sync(metadata.create_all)
        try:
            await connection.execute(
                sa.insert(rows), [{"id": id_, "text": "Été"} for id_ in reversed(ids)]
            )
            pages = await connection.run_sync(_page_and_rewrite, rows)
            assert pages == [ids[0:3], ids[3:6], ids[6:7]]
            texts = set((await connection.execute(sa.select(rows.c.text))).scalars())
            assert texts == {"ete\n\nca"}
        finally:
            await connection.run_sync(metadata.drop_all)
