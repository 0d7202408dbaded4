"""The GET /tasks query, built and compiled once per *shape* and run with bound parameters.

A shape is what changes the SQL text: the sort, whether there is a cursor (and whether it sits in
the trailing NULL block of a nullable sort), which filters are present, how many labels. Values
never do: they are bind parameters, so the statement is built once per shape (cached here) instead
of once per request. On PostgreSQL it is also compiled once and run on the pooled connection's
asyncpg driver, skipping SQLAlchemy's per-execution work; SQLite runs it through SQLAlchemy, which
converts the values to its storage formats. Parameters are therefore passed in their storage form
(priority ranks, status strings) for both. Measurements: docs/adr/0006.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Integer,
    SmallInteger,
    String,
    Text,
    and_,
    any_,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    not_,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import NullType

from taskapp.perf.driver import DriverStatement, declare, statement_factory
from taskapp.tasks import encoding, inbox, search
from taskapp.tasks.models import Priority, Task, TaskStatus
from taskapp.tasks.pagination import SortSpec
from taskapp.tasks.schemas import TaskQuery

CursorKind = Literal["none", "value", "null"]
# Which project filter: none, the Inbox (stored as NULL), or another project.
ProjectFilter = Literal["none", "inbox", "other"]


def _public_column(name: str) -> ColumnElement[Any]:
    # project_id as the API shows it: NULL is the owner's Inbox (tasks/inbox.py).
    return inbox.PROJECT_OF_ROW if name == "project_id" else Task.__table__.c[name]


def _untyped_column(name: str) -> ColumnElement[Any]:
    column = _public_column(name)
    if name in encoding.ID_FIELDS:
        # As text, which is what the JSON shows: the driver's own UUID type is not one orjson
        # knows, and converting four of them a row in Python cost more (docs/adr/0006).
        column = cast(column, Text)
    return type_coerce(column, NullType()).label(name)


PUBLIC_COLUMNS = [_public_column(name).label(name) for name in encoding.FIELDS]
# PostgreSQL's driver already returns what the JSON needs (aware UTC datetimes, lists), so the
# columns are read untyped there. SQLite returns text and needs the column types.
UNTYPED_COLUMNS = [_untyped_column(name) for name in encoding.FIELDS]
# Compared in their storage form, so one parameter value suits both databases.
_status_text: ColumnElement[str] = type_coerce(Task.status, String)
_priority_rank: ColumnElement[int] = type_coerce(Task.priority, SmallInteger)
_LIKE_ESCAPE = "/"


@dataclass(frozen=True, slots=True)
class ListShape:
    dialect: str
    sort: str
    cursor: CursorKind
    status: bool
    priority: bool
    labels: int
    q: bool
    due_before: bool
    due_after: bool
    due_from: bool
    due_to: bool
    overdue: bool | None
    project: ProjectFilter = "none"
    parent: bool = False

    @classmethod
    def of(
        cls,
        dialect: str,
        query: TaskQuery,
        cursor: CursorKind,
        owner_id: uuid.UUID | None = None,
    ) -> ListShape:
        project: ProjectFilter = (
            "none"
            if query.project is None
            else "inbox"
            if owner_id is not None and query.project == inbox.inbox_id(owner_id)
            else "other"
        )
        return cls(
            project=project,
            dialect=dialect,
            sort=query.sort,
            cursor=cursor,
            status=bool(query.status),
            priority=bool(query.priority),
            labels=len(query.label),
            q=query.q is not None,
            due_before=query.due_before is not None,
            due_after=query.due_after is not None,
            due_from=query.due_from is not None,
            due_to=query.due_to is not None,
            overdue=query.overdue,
            parent=query.parent is not None,
        )


# A literal, not a parameter: it must match the predicate of the partial index
# ix_tasks_owner_open_due for either database to use that index.
NOT_DONE: ColumnElement[bool] = literal_column("tasks.status") != literal_column(
    f"'{TaskStatus.DONE.value}'"
)


def overdue_time_condition(now: ColumnElement[datetime]) -> ColumnElement[bool]:
    """Not done, with a due time before now."""
    return and_(Task.due_date.is_not(None), Task.due_date < now, NOT_DONE)


def overdue_condition(
    now: ColumnElement[datetime], today: ColumnElement[date]
) -> ColumnElement[bool]:
    """Not done, and a due time before now or a due day before the owner's local today.
    Each branch tests for NULL itself, so NOT of this is exact too (no NULL leaks)."""
    return and_(
        NOT_DONE,
        or_(
            and_(Task.due_date.is_not(None), Task.due_date < now),
            and_(Task.due_on.is_not(None), Task.due_on < today),
        ),
    )


def due_between(
    first_day: ColumnElement[date] | None,
    last_day: ColumnElement[date] | None,
    start: ColumnElement[datetime] | None,
    end: ColumnElement[datetime] | None,
) -> ColumnElement[bool]:
    """Due on a day in [first_day, last_day], or at a time in [start, end): the same days in
    the owner's zone, the instants computed by day_bounds. Either side may be open (None)."""
    day: list[ColumnElement[bool]] = [Task.due_on.is_not(None)]
    at: list[ColumnElement[bool]] = [Task.due_date.is_not(None)]
    if first_day is not None and start is not None:
        day.append(Task.due_on >= first_day)
        at.append(Task.due_date >= start)
    if last_day is not None and end is not None:
        day.append(Task.due_on <= last_day)
        at.append(Task.due_date < end)
    return or_(and_(*day), and_(*at))


_FIRST_INSTANT = datetime.min.replace(tzinfo=UTC)
_LAST_INSTANT = datetime.max.replace(tzinfo=UTC)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of a local day in `zone`, in UTC (a day may start at 01:00 after a DST
    gap: zoneinfo reads a missing midnight with the offset before the change, which is the
    gap's end once converted, so no instant of the day is lost). Days at the ends of the
    calendar clamp to the first/last instant rather than overflow."""
    try:
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    except OverflowError:
        return _FIRST_INSTANT if day.year == 1 else _LAST_INSTANT


def day_end(day: date, zone: ZoneInfo) -> datetime:
    """The first instant after a local day: the next day's start."""
    if day == date.max:
        return _LAST_INSTANT
    return day_start(day + timedelta(days=1), zone)


def _in(shape: ListShape, column: ColumnElement[Any], name: str) -> ColumnElement[bool]:
    if shape.dialect == "postgresql":
        # `= ANY($n)` takes the whole list as one array parameter: the SQL is the same for any
        # number of values (IN would need one placeholder per value).
        element = String() if name == "status" else SmallInteger()
        return column == any_(bindparam(name, type_=postgresql.ARRAY(element)))
    return column.in_(bindparam(name, expanding=True))


def _label_conditions(shape: ListShape) -> list[ColumnElement[bool]]:
    if shape.dialect == "postgresql":
        # labels @> $n: every label, served by the GIN index on tasks.labels.
        wanted = bindparam("labels", type_=postgresql.ARRAY(String))
        return [type_coerce(Task.labels, postgresql.ARRAY(String)).contains(wanted)]
    conditions: list[ColumnElement[bool]] = []
    for index in range(shape.labels):
        each = func.json_each(Task.labels).table_valued("value")
        label = bindparam(f"label_{index}", type_=String)
        conditions.append(exists(select(1).select_from(each).where(each.c.value == label)))
    return conditions


def project_conditions(project: ProjectFilter) -> list[ColumnElement[bool]]:
    """The rows of one project (bind `project` for another than the Inbox): an Inbox task stores
    NULL (tasks/inbox.py)."""
    if project == "inbox":
        return [Task.project_id.is_(None)]
    if project == "other":
        return [Task.project_id == bindparam("project", type_=Task.project_id.type)]
    return []


def _conditions(shape: ListShape) -> list[ColumnElement[bool]]:
    conditions = [Task.owner_id == bindparam("owner_id", type_=Task.owner_id.type)]
    if shape.status:
        conditions.append(_in(shape, _status_text, "status"))
    if shape.priority:
        conditions.append(_in(shape, _priority_rank, "priority"))
    if shape.labels:
        conditions.extend(_label_conditions(shape))
    if shape.q:
        # Both sides folded (tasks/search.py), so a plain LIKE: on PostgreSQL the trigram index
        # on search_text serves it (ADR 0007).
        conditions.append(Task.search_text.like(bindparam("q", type_=String), escape=_LIKE_ESCAPE))
    if shape.due_before:
        conditions.append(Task.due_date < bindparam("due_before", type_=Task.due_date.type))
    if shape.due_after:
        conditions.append(Task.due_date >= bindparam("due_after", type_=Task.due_date.type))
    conditions.extend(project_conditions(shape.project))
    if shape.due_from or shape.due_to:
        conditions.append(
            due_between(
                bindparam("due_from", type_=Task.due_on.type) if shape.due_from else None,
                bindparam("due_to", type_=Task.due_on.type) if shape.due_to else None,
                bindparam("due_from_start", type_=Task.due_date.type) if shape.due_from else None,
                bindparam("due_to_end", type_=Task.due_date.type) if shape.due_to else None,
            )
        )
    if shape.parent:
        conditions.append(Task.parent_id == bindparam("parent", type_=Task.parent_id.type))
    if shape.overdue is not None:
        overdue = overdue_condition(
            bindparam("now", type_=Task.due_date.type), bindparam("today", type_=Task.due_on.type)
        )
        conditions.append(overdue if shape.overdue else not_(overdue))
    return conditions


@statement_factory(maxsize=1024)
def statement_for(shape: ListShape) -> DriverStatement:
    sort = SortSpec.parse(shape.sort)
    columns = UNTYPED_COLUMNS if shape.dialect == "postgresql" else PUBLIC_COLUMNS
    statement = select(*columns).where(*_conditions(shape))
    if shape.cursor != "none":
        after_id = bindparam("after_id", type_=Task.id.type)
        second = None
        if sort.second is not None:
            second = bindparam("after_second", type_=sort.second.type)
        if shape.cursor == "null":
            statement = statement.where(sort.after(None, after_id, second))
        else:
            value_type = SmallInteger() if sort.field == "priority" else sort.column.type
            statement = statement.where(
                sort.after(bindparam("after_value", type_=value_type), after_id, second)
            )
    return declare(statement.order_by(*sort.order_by()).limit(bindparam("limit", type_=Integer)))


def _escape_like(text: str) -> str:
    for special in (_LIKE_ESCAPE, "%", "_"):
        text = text.replace(special, _LIKE_ESCAPE + special)
    return text


def _day_parameters(query: TaskQuery, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    """The values of the filters read in the owner's zone: days, their bounds, today."""
    params: dict[str, Any] = {}
    if query.due_from is not None:
        params["due_from"] = query.due_from
        params["due_from_start"] = day_start(query.due_from, zone)
    if query.due_to is not None:
        params["due_to"] = query.due_to
        params["due_to_end"] = day_end(query.due_to, zone)
    if query.overdue is not None:
        params["now"] = now
        params["today"] = now.astimezone(zone).date()
    return params


def parameters(
    shape: ListShape,
    owner_id: uuid.UUID,
    query: TaskQuery,
    now: datetime,
    after: tuple[Any, uuid.UUID] | None,
    zone: ZoneInfo,
) -> dict[str, Any]:
    params: dict[str, Any] = {"owner_id": owner_id, "limit": query.limit + 1}
    if shape.status:
        params["status"] = [status.value for status in query.status]
    if shape.priority:
        params["priority"] = [priority.rank for priority in query.priority]
    if shape.dialect == "postgresql":
        if shape.labels:
            params["labels"] = list(query.label)
    else:
        params.update({f"label_{index}": label for index, label in enumerate(query.label)})
    if query.q is not None:
        params["q"] = f"%{_escape_like(search.fold(query.q))}%"
    for name in ("due_before", "due_after", "parent"):  # passed as they are
        if (value := getattr(query, name)) is not None:
            params[name] = value
    if shape.project == "other":
        params["project"] = query.project
    params.update(_day_parameters(query, now, zone))
    if after is not None:
        value, params["after_id"] = after
        if isinstance(value, tuple):  # a sort with a second key (pagination.SECOND_KEYS)
            value, params["after_second"] = value
        if shape.cursor == "value":
            params["after_value"] = value.rank if isinstance(value, Priority) else value
    return params
