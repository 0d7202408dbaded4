"""GET /tasks's query string as the list reads it, in one place: the list endpoint and the
saved views (taskapp.saved_views) parse with this: a view never holds a query the list refuses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import get_origin
from urllib.parse import parse_qsl

from taskapp.tasks.schemas import TaskQuery

REPEATABLE = frozenset(
    name for name, field in TaskQuery.model_fields.items() if get_origin(field.annotation) is list
)


def values_of(pairs: Iterable[tuple[str, str]]) -> dict[str, str | list[str]]:
    """Repeatable names as lists, other names once (the last wins), as FastAPI reads them."""
    values: dict[str, str | list[str]] = {}
    for name, value in pairs:
        if name in REPEATABLE:
            listed = values.setdefault(name, [])
            assert isinstance(listed, list)  # noqa: S101 (only repeatable names hold lists)
            listed.append(value)
        else:
            values[name] = value
    return values


def parse(query_string: str) -> TaskQuery:
    """A query string (without "?") as TaskQuery; pydantic's ValidationError if the list would
    refuse it."""
    pairs = parse_qsl(query_string, keep_blank_values=True, strict_parsing=False)
    return TaskQuery.model_validate(values_of(pairs))
