"""The benchmark's fair yardstick: raw Starlette + asyncpg, encoding with orjson, holding the same
number of pooled connections as taskapp (TASKAPP_DB_POOL_SIZE, default 20).

GET /tasks serves the same first page of 50 tasks as GET /api/v1/tasks?limit=50: the same
columns, read one row past the page to learn whether another follows, as taskapp does, with no
auth and no ORM. Its next_cursor is the last task's sort key in plain text; taskapp signs its
own, and that cost stays on taskapp's side. bench/run.py refuses to measure when the two pages
differ. POST /tasks does what a task create must at least do: insert the task and bump the
owner's data version in one transaction, and answer the new task as JSON, with the fields
taskapp's answer has.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DSN = os.environ["BASELINE_DSN"]  # postgresql://user@host:port/db
OWNER = uuid.UUID(os.environ["BASELINE_OWNER_ID"])
POOL_SIZE = int(os.environ.get("TASKAPP_DB_POOL_SIZE", "20"))
PAGE_SIZE = 50
# The columns of taskapp's TaskPublic, in its order; ids as text, as taskapp's list reads them
# (an Inbox task's project is its owner's Inbox, whose id is the owner's).
COLUMNS = """
CAST(id AS TEXT) AS id, title, description, status, priority, due_date, due_on, recurrence,
labels, CAST(coalesce(project_id, owner_id) AS TEXT) AS project_id, created_at, updated_at,
completed_at, version, position, CAST(parent_id AS TEXT) AS parent_id, subtask_count,
subtask_done_count, CAST(assignee_id AS TEXT) AS assignee_id
"""
# Both statements are composed from the constants above only, never from input.
PAGE = f"""
SELECT {COLUMNS} FROM tasks WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2
"""  # noqa: S608
INSERT = f"""
INSERT INTO tasks (id, owner_id, title, description, status, priority, due_date, labels,
                   created_at, updated_at, completed_at, version, search_text)
VALUES ($1, $2, $3, NULL, 'pending', $4, NULL, $5, $6, $6, NULL, 1, $7)
RETURNING {COLUMNS}
"""  # noqa: S608
BUMP = "UPDATE users SET tasks_version = tasks_version + 1 WHERE id = $1"
PRIORITY = {1: "low", 2: "medium", 3: "high", 4: "urgent"}
RANK = {name: rank for rank, name in PRIORITY.items()}


def _item(row: asyncpg.Record) -> dict[str, object]:
    return {**dict(row), "priority": PRIORITY[row["priority"]]}


def _next_cursor(rows: list[asyncpg.Record]) -> str | None:
    if len(rows) <= PAGE_SIZE:
        return None
    last = rows[PAGE_SIZE - 1]
    return f"{last['created_at'].isoformat()}|{last['id']}"


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(DSN, min_size=POOL_SIZE, max_size=POOL_SIZE)
    yield
    await app.state.pool.close()


async def tasks(request: Request) -> Response:
    if request.method == "POST":
        return await create(request)
    async with request.app.state.pool.acquire() as conn:
        rows = await conn.fetch(PAGE, OWNER, PAGE_SIZE + 1)
    body = orjson.dumps(
        {"items": [_item(row) for row in rows[:PAGE_SIZE]], "next_cursor": _next_cursor(rows)},
        option=orjson.OPT_UTC_Z,
    )
    return Response(body, media_type="application/json")


async def create(request: Request) -> Response:
    data = orjson.loads(await request.body())
    title, labels = data["title"], data.get("labels", [])
    # taskapp folds accents too (tasks/search.py); the benchmark's bodies are plain ASCII.
    search_text = "\n".join([title.casefold(), "", *(label.casefold() for label in labels)])
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            INSERT,
            uuid.uuid4(),
            OWNER,
            title,
            RANK[data.get("priority", "medium")],
            labels,
            datetime.now(UTC),
            search_text,
        )
        await conn.execute(BUMP, OWNER)
    return Response(
        orjson.dumps(_item(row), option=orjson.OPT_UTC_Z),
        status_code=201,
        media_type="application/json",
    )


app = Starlette(routes=[Route("/tasks", tasks, methods=["GET", "POST"])], lifespan=lifespan)
