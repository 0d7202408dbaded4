"""Today and the agenda (Upcoming, the month Calendar): open tasks by day in the owner's zone.

A task is on a day when its due day (due_on) is that day, or its due time (due_date) falls within
that local day. Today = the owner's local date now; overdue = open tasks due on a day before it or
at a time before its first instant. Both walk ix_tasks_owner_open_due_at (an owner's open tasks
in due order) and stop at their limit, so the cost follows the tasks shown, not the owner's task
count. Answers are cached under the owner's data version and the local day,
like every task read (tasks/reads.py).

The agenda also shows a repeating task on its later occurrences in the range (`repeats`), from
today on, as completing it would roll it: the open repeating tasks due up to the range's end are
read through ix_tasks_owner_open_repeating (the latest REPEATING_LIMIT of them) and their rules
projected in Python (recurrence.occurrences_within).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import Integer, and_, bindparam, case, select

from taskapp.db import utcnow
from taskapp.perf.driver import DriverStatement, declare, fetch_all
from taskapp.tasks import encoding, list_query, recurrence
from taskapp.tasks.models import DueAt, Priority, Task
from taskapp.tasks.reads import ReadServices, cache_key

MAX_AGENDA_DAYS = 62
# Each list of GET /tasks/today holds at most this many tasks (the earliest due first); the
# agenda at most AGENDA_LIMIT over its whole range. Bounds the answer's size and cost whatever
# the data: the bench's 100,000-task user has 12,000 open tasks in the next 14 days, and at
# 5,000 an agenda took seconds to build on the shared bench machine.
TODAY_LIMIT = 200
AGENDA_LIMIT = 1_000
# The agenda projects the rules of at most REPEATING_LIMIT open repeating tasks (those due last)
# into at most REPEATS_LIMIT occurrences: with MAX_PROJECTED_STEPS, at most 0.3 s of dateutil.
REPEATING_LIMIT = 100
REPEATS_LIMIT = 1_000

_OWNER = Task.owner_id == bindparam("owner_id", type_=Task.owner_id.type)
_DAY = Task.due_on.type
_AT = Task.due_date.type


def _open_tasks(columns: list[Any], *conditions: Any, latest_first: bool = False) -> Any:
    # The sort key's range (due_at_from/due_at_to) is implied by the conditions: stating it
    # lets the database walk ix_tasks_owner_due_at in order and stop at the limit, instead of
    # reading every matching task to sort them (12,000 for a 14-day agenda in the bench).
    due_at = DueAt()
    order = (due_at.desc(), Task.id.desc()) if latest_first else (due_at, Task.id)
    return (
        select(*columns)
        .where(
            _OWNER,
            list_query.NOT_DONE,
            due_at >= bindparam("due_at_from", type_=_AT),
            due_at <= bindparam("due_at_to", type_=_AT),
            *conditions,
        )
        .order_by(*order)
        .limit(bindparam("limit", type_=Integer))
    )


def _by_due_kind(on_day: Any, at_time: Any) -> Any:
    """`on_day` for a task due on a day, else `at_time`. A CASE, not an OR: the planner cannot
    turn it into a bitmap of the two partial indexes, which reads every task in the range and
    sorts them (8,700 of them for a Today at 1M tasks in the bench, where the ordered walk of
    the sort key's range stops at the limit)."""
    return case((Task.due_on.is_not(None), on_day), else_=at_time)


def _overdue(columns: list[Any]) -> Any:
    return _open_tasks(
        columns,
        _by_due_kind(
            Task.due_on < bindparam("today", type_=_DAY),
            Task.due_date < bindparam("start", type_=_AT),
        ),
    )


def _between(columns: list[Any]) -> Any:
    return _open_tasks(
        columns,
        _by_due_kind(
            and_(
                Task.due_on >= bindparam("first_day", type_=_DAY),
                Task.due_on <= bindparam("last_day", type_=_DAY),
            ),
            and_(
                Task.due_date >= bindparam("start", type_=_AT),
                Task.due_date < bindparam("end", type_=_AT),
            ),
        ),
    )


def _repeating(columns: list[Any]) -> Any:
    """Open repeating tasks due up to the range's end, the latest first (ix_tasks_owner_open_
    repeating, walked backwards: the tasks due long ago are the ones whose rules project least)."""
    return _open_tasks(columns, Task.recurrence.is_not(None), latest_first=True)


_LAST = datetime.max.replace(tzinfo=UTC)
_TICK = timedelta(microseconds=1)


def _utc_midnight(day: date) -> datetime:
    """Where a due day sorts (models.DueAt). asyncpg stores date.min/date.max as PostgreSQL's
    -infinity/infinity, and datetime.min/max likewise: the ends map onto each other."""
    return _LAST if day == date.max else datetime.combine(day, time.min, tzinfo=UTC)


# Declared once at module level and run through perf.driver.fetch_all, as the list is: on
# PostgreSQL on the pool's driver with untyped columns (no per-row processing), on SQLite
# through SQLAlchemy with typed ones.
_OVERDUE_UNTYPED = declare(_overdue(list_query.UNTYPED_COLUMNS))
_OVERDUE_TYPED = declare(_overdue(list_query.PUBLIC_COLUMNS))
_BETWEEN_UNTYPED = declare(_between(list_query.UNTYPED_COLUMNS))
_BETWEEN_TYPED = declare(_between(list_query.PUBLIC_COLUMNS))
_REPEATING_UNTYPED = declare(_repeating(list_query.UNTYPED_COLUMNS))
_REPEATING_TYPED = declare(_repeating(list_query.PUBLIC_COLUMNS))

Read = tuple[DriverStatement, dict[str, Any]]


def _due_at_to(end: datetime, last: date) -> datetime:
    """The sort key's upper bound for tasks due before `end` or on a day up to `last`."""
    return max(end if end == _LAST else end - _TICK, _utc_midnight(last))


def _between_params(
    owner_id: uuid.UUID, zone: ZoneInfo, first: date, last: date, limit: int
) -> dict[str, Any]:
    start, end = list_query.day_start(first, zone), list_query.day_end(last, zone)
    return {
        "owner_id": owner_id,
        "first_day": first,
        "last_day": last,
        "start": start,
        "end": end,
        "due_at_from": min(start, _utc_midnight(first)),
        "due_at_to": _due_at_to(end, last),
        "limit": limit,
    }


def today_reads(dialect: str, owner_id: uuid.UUID, zone: ZoneInfo, day: date) -> list[Read]:
    """Today's statements with their values: the overdue tasks, then the day's."""
    untyped = dialect == "postgresql"
    start = list_query.day_start(day, zone)
    overdue = {
        "owner_id": owner_id,
        "today": day,
        "start": start,
        "due_at_from": datetime.min.replace(tzinfo=UTC),
        "due_at_to": max(start, _utc_midnight(day)) - _TICK,
        "limit": TODAY_LIMIT,
    }
    return [
        (_OVERDUE_UNTYPED if untyped else _OVERDUE_TYPED, overdue),
        (
            _BETWEEN_UNTYPED if untyped else _BETWEEN_TYPED,
            _between_params(owner_id, zone, day, day, TODAY_LIMIT),
        ),
    ]


def agenda_read(dialect: str, owner_id: uuid.UUID, zone: ZoneInfo, first: date, last: date) -> Read:
    """The agenda's statement with its values."""
    statement = _BETWEEN_UNTYPED if dialect == "postgresql" else _BETWEEN_TYPED
    return statement, _between_params(owner_id, zone, first, last, AGENDA_LIMIT)


def repeating_read(dialect: str, owner_id: uuid.UUID, zone: ZoneInfo, last: date) -> Read:
    """The statement reading the repeating tasks the agenda projects, with its values."""
    statement = _REPEATING_UNTYPED if dialect == "postgresql" else _REPEATING_TYPED
    return statement, {
        "owner_id": owner_id,
        "due_at_from": datetime.min.replace(tzinfo=UTC),
        "due_at_to": _due_at_to(list_query.day_end(last, zone), last),
        "limit": REPEATING_LIMIT,
    }


def _project(
    repeating: list[dict[str, Any]],
    zone: ZoneInfo,
    first: date,
    last: date,
    days: dict[date, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """Puts the tasks' later occurrences on their days (as AgendaRepeat), the earliest
    REPEATS_LIMIT of them (so a long range loses its last days, as the tasks do at AGENDA_LIMIT);
    returns the tasks that have one there."""
    found: list[tuple[date, tuple[bool, datetime | None, str], dict[str, Any]]] = []
    for item in repeating:
        for day, due_date in recurrence.occurrences_within(
            item["recurrence"], item["due_on"], item["due_date"], zone, first, last
        ):
            due_on = None if due_date else day
            repeat = {"task_id": item["id"], "due_on": due_on, "due_date": due_date}
            found.append((day, _repeat_within_day(repeat), repeat))
    found.sort(key=lambda entry: entry[:2])
    shown = found[:REPEATS_LIMIT]
    for day, _, repeat in shown:
        days[day].append(repeat)
    ids = {repeat["task_id"] for _, _, repeat in shown}
    return [item for item in reversed(repeating) if item["id"] in ids]


def _local_day(item: dict[str, Any], zone: ZoneInfo) -> date | None:
    if item["due_on"] is not None:
        day: date = item["due_on"]
        return day
    due: datetime = item["due_date"]
    try:
        return due.astimezone(zone).date()
    except OverflowError:  # local time past 9999-12-31 (the range end was clamped to it)
        return None


def _within_day(item: dict[str, Any]) -> tuple[bool, datetime | None, int, str]:
    # All-day tasks first, then by time of day; the most urgent first within either (a busy
    # calendar day shows only its first three), then by id (stable).
    return (item["due_on"] is None, item["due_date"], -Priority(item["priority"]).rank, item["id"])


def _repeat_within_day(repeat: dict[str, Any]) -> tuple[bool, datetime | None, str]:
    # As _within_day, for an AgendaRepeat (which carries no priority).
    return (repeat["due_on"] is None, repeat["due_date"], repeat["task_id"])


async def _items(services: ReadServices, read: Read) -> list[dict[str, Any]]:
    statement, params = read
    rows = await fetch_all(services.read_engine, statement, params, services.tracer, "SELECT tasks")
    return [encoding.task_item(row) for row in rows]


def _dumps(body: dict[str, Any]) -> bytes:
    return orjson.dumps(body, option=orjson.OPT_UTC_Z)


async def today(
    services: ReadServices, owner_id: uuid.UUID, data_version: int, time_zone: str
) -> bytes:
    """GET /tasks/today as TodayView JSON."""
    zone = ZoneInfo(time_zone)
    day = utcnow().astimezone(zone).date()
    key = cache_key(owner_id, data_version, "today", f"{time_zone}|{day}")
    if (cached := await services.cache.get(key)) is not None:
        return cached
    overdue_read, today_read = today_reads(services.read_engine.dialect.name, owner_id, zone, day)
    overdue = await _items(services, overdue_read)
    due_today = sorted(await _items(services, today_read), key=_within_day)
    body = _dumps({"time_zone": time_zone, "date": day, "overdue": overdue, "today": due_today})
    await services.cache.set(key, body)
    return body


async def agenda(
    services: ReadServices,
    owner_id: uuid.UUID,
    data_version: int,
    time_zone: str,
    first: date,
    last: date,
) -> bytes:
    """GET /tasks/agenda as Agenda JSON: every day from `first` to `last`, empty ones too."""
    zone = ZoneInfo(time_zone)
    # Projected occurrences start at the local today, so the answer changes with the day too.
    today_ = utcnow().astimezone(zone).date()
    key = cache_key(owner_id, data_version, "agenda", f"{time_zone}|{first}|{last}|{today_}")
    if (cached := await services.cache.get(key)) is not None:
        return cached
    span = (last - first).days + 1
    days: dict[date, list[dict[str, Any]]] = {first + timedelta(days=n): [] for n in range(span)}
    dialect = services.read_engine.dialect.name
    for item in await _items(services, agenda_read(dialect, owner_id, zone, first, last)):
        if (day := _local_day(item, zone)) in days:
            days[day].append(item)
    repeats: dict[date, list[dict[str, Any]]] = {day: [] for day in days}
    repeating = []
    if last >= today_:
        read = repeating_read(dialect, owner_id, zone, last)
        repeating = _project(await _items(services, read), zone, max(first, today_), last, repeats)
    body = _dumps(
        {
            "time_zone": time_zone,
            "days": [
                {
                    "date": day,
                    "tasks": sorted(items, key=_within_day),
                    "repeats": repeats[day],
                }
                for day, items in days.items()
            ],
            "repeating": repeating,
        }
    )
    await services.cache.set(key, body)
    return body
