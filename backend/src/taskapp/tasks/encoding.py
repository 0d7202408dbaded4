"""Task rows straight to JSON bytes: the list endpoint's hot path.

Validating every row into TaskPublic and dumping it again was the largest cost of a page (the
profile in docs/adr/0006). The bytes here are the same as TaskPublic's own JSON; a property test
(tests/test_task_encoding.py) holds the two together, so the OpenAPI schema stays the contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from taskapp.tasks.models import priority_name
from taskapp.tasks.schemas import TaskPublic

FIELDS = tuple(TaskPublic.model_fields)
_ID, _PRIORITY = FIELDS.index("id"), FIELDS.index("priority")
_PROJECT = FIELDS.index("project_id")
_PARENT = FIELDS.index("parent_id")
_ASSIGNEE = FIELDS.index("assignee_id")


def task_item(row: Sequence[Any]) -> dict[str, Any]:
    """One row, columns in FIELDS order, as TaskPublic's JSON shape (still Python values).

    Accepts both what PostgreSQL's driver returns untyped (priority as its rank) and what the
    typed SQLAlchemy columns return (enums, uuid.UUID): the embedded SQLite database uses those.
    """
    item = dict(zip(FIELDS, row, strict=True))
    item["id"] = str(row[_ID])
    item["project_id"] = str(row[_PROJECT])
    item["priority"] = priority_name(row[_PRIORITY])
    if row[_PARENT] is not None:  # asyncpg's own UUID type, which orjson does not know
        item["parent_id"] = str(row[_PARENT])
    if row[_ASSIGNEE] is not None:
        item["assignee_id"] = str(row[_ASSIGNEE])
    return item


def page_json(items: list[dict[str, Any]], next_cursor: str | None) -> bytes:
    # OPT_UTC_Z: "...Z" for UTC, as pydantic writes it. Enums serialise as their values.
    return orjson.dumps({"items": items, "next_cursor": next_cursor}, option=orjson.OPT_UTC_Z)


def item_json(item: dict[str, Any]) -> bytes:
    """One task_item as TaskPublic's JSON (GET /tasks/{id})."""
    return orjson.dumps(item, option=orjson.OPT_UTC_Z)
