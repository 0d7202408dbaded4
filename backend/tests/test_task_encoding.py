"""The list endpoint's direct row-to-JSON encoding must stay byte-equal to TaskPage's own JSON.

tasks/encoding.py skips pydantic on the hot path; this property test is what keeps the OpenAPI
model (TaskPage/TaskPublic) the contract. It feeds both row shapes the service produces: untyped
PostgreSQL rows (priority as its rank, enums as plain strings) and typed SQLAlchemy rows.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskapp.tasks import encoding
from taskapp.tasks.models import Priority, TaskStatus
from taskapp.tasks.schemas import TaskPage, TaskPublic

RANKS = {Priority.LOW: 1, Priority.MEDIUM: 2, Priority.HIGH: 3, Priority.URGENT: 4}

# Everything a text column can hold and JSON must escape: control characters, quotes, backslashes,
# non-ASCII and astral-plane characters. Lone surrogates cannot be stored in either database.
texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
# Whole seconds and sub-second values: pydantic drops a zero microsecond part, so must we.
instants = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
) | st.datetimes(timezones=st.just(UTC)).map(lambda value: value.replace(microsecond=0))


@st.composite
def tasks(draw: st.DrawFn) -> TaskPublic:
    return TaskPublic(
        id=draw(st.uuids()),
        title=draw(texts),
        description=draw(st.none() | texts),
        status=draw(st.sampled_from(TaskStatus)),
        priority=draw(st.sampled_from(Priority)),
        due_date=draw(st.none() | instants),
        due_on=draw(st.none() | st.dates()),
        recurrence=draw(st.none() | st.sampled_from(["FREQ=WEEKLY;BYDAY=MO", "FREQ=DAILY"])),
        labels=draw(st.lists(texts, max_size=4)),
        project_id=draw(st.uuids()),
        created_at=draw(instants),
        updated_at=draw(instants),
        completed_at=draw(st.none() | instants),
        version=draw(st.integers(min_value=1, max_value=2**31 - 1)),
        position=draw(st.none() | st.text(alphabet="0123456789ABCXYZabcxyz", min_size=2)),
        parent_id=draw(st.none() | st.uuids()),
        subtask_count=draw(st.integers(min_value=0, max_value=2**31 - 1)),
        subtask_done_count=draw(st.integers(min_value=0, max_value=2**31 - 1)),
        assignee_id=draw(st.none() | st.uuids()),
    )


def untyped_row(task: TaskPublic) -> tuple[Any, ...]:
    """What asyncpg returns for the untyped columns: rank, plain strings, ids as text."""
    values = task.model_dump()
    values["priority"] = RANKS[task.priority]
    values["status"] = task.status.value
    for name in encoding.ID_FIELDS:
        if values[name] is not None:
            values[name] = str(values[name])
    return tuple(values[field] for field in encoding.FIELDS)


def typed_row(task: TaskPublic) -> tuple[Any, ...]:
    """What SQLAlchemy's typed columns return (the SQLite path): enums and uuid.UUID."""
    return tuple(getattr(task, field) for field in encoding.FIELDS)


def test_fields_follow_the_public_model() -> None:
    assert tuple(TaskPublic.model_fields) == encoding.FIELDS


@pytest.mark.no_database
@settings(max_examples=300)
@given(
    page=st.lists(tasks(), max_size=5),
    next_cursor=st.none() | st.text(alphabet="abcXYZ0189-_.", min_size=1),
    untyped=st.booleans(),
)
def test_page_bytes_equal_the_models_json(
    page: list[TaskPublic], next_cursor: str | None, untyped: bool
) -> None:
    rows = [untyped_row(task) if untyped else typed_row(task) for task in page]

    encoded = encoding.page_json([encoding.task_item(row) for row in rows], next_cursor)

    assert encoded == TaskPage(items=page, next_cursor=next_cursor).model_dump_json().encode()


def test_item_values_feed_the_cursor() -> None:
    """The service reads the last item's sort value and id back out of task_item's dict."""
    task_id = uuid.uuid4()
    created = datetime(2026, 11, 30, 1, 2, 3, tzinfo=UTC)
    project_id = uuid.uuid4()
    row: tuple[Any, ...] = (
        *(task_id, "t", None, "done", 4, None, None, None, [], project_id),
        *(created, created, created, 7, "a0", None, 0, 0, None),
    )

    item = encoding.task_item(row)

    assert item["id"] == str(task_id)
    assert item["priority"] == "urgent"  # a priority cursor carries the name, as before
    assert item["created_at"] is created
    assert item["project_id"] == str(project_id)
