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
# The id columns: PostgreSQL's untyped columns read them as text (tasks/list_query.py).
ID_FIELDS = ("id", "project_id", "parent_id", "assignee_id")
_ID, _PRIORITY = FIELDS.index("id"), FIELDS.index("priority")
_ID_INDEXES = tuple((FIELDS.index(name), name) for name in ID_FIELDS)


def task_item(row: Sequence[Any]) -> dict[str, Any]:
    """One row, columns in FIELDS order, as TaskPublic's JSON shape (still Python values).

    Accepts both what PostgreSQL's driver returns untyped (priority as its rank, ids as text)
    and what the typed SQLAlchemy columns return (enums, uuid.UUID): the embedded SQLite
    database uses those.
    """
    # Not strict: every row comes from a select of FIELDS' own columns (list_query), and the
    # check cost a sixth of this function on the list's 50 rows (docs/adr/0006).
    item = dict(zip(FIELDS, row, strict=False))
    item["priority"] = priority_name(row[_PRIORITY])
    if not isinstance(row[_ID], str):  # typed rows: uuid.UUID values, shown as text
        for index, name in _ID_INDEXES:
            if row[index] is not None:
                item[name] = str(row[index])
    return item


def page_json(items: list[dict[str, Any]], next_cursor: str | None) -> bytes:
    # OPT_UTC_Z: "...Z" for UTC, as pydantic writes it. Enums serialise as their values.
    return orjson.dumps({"items": items, "next_cursor": next_cursor}, option=orjson.OPT_UTC_Z)


def item_json(item: dict[str, Any]) -> bytes:
    """One task_item as TaskPublic's JSON (GET /tasks/{id})."""
    return orjson.dumps(item, option=orjson.OPT_UTC_Z)
