"""The benchmark's yardstick: a minimal Starlette app with raw asyncpg, serving the same first
page of 50 tasks as GET /api/v1/tasks?limit=50 (same SELECT, JSON-encoded, no auth, no ORM)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DSN = os.environ["BASELINE_DSN"]  # postgresql://user@host:port/db
OWNER = uuid.UUID(os.environ["BASELINE_OWNER_ID"])
QUERY = """
SELECT id, title, description, status, priority, due_date, labels, created_at, updated_at,
       completed_at, version
FROM tasks WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT 50
"""
PRIORITY = {1: "low", 2: "medium", 3: "high", 4: "urgent"}


def _default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(DSN, min_size=10, max_size=10)
    yield
    await app.state.pool.close()


async def tasks(request: Request) -> Response:
    async with request.app.state.pool.acquire() as conn:
        rows = await conn.fetch(QUERY, OWNER)
    items = [{**dict(row), "priority": PRIORITY[row["priority"]]} for row in rows]
    body = json.dumps({"items": items, "next_cursor": None}, default=_default)
    return Response(body, media_type="application/json")


app = Starlette(routes=[Route("/tasks", tasks)], lifespan=lifespan)
