"""The task read path in one room: the cache-key rule, cache lookups, connection scope, reads.

Every read answers with bytes ready to send, from the response cache when it holds them, else
from the database (then cached). Keys embed the owner's data version, bumped in the same
transaction as every write (ADR 0004), so a read after a write can only miss. Reads run on the
autocommit read engine (ADR 0005); the two hot ones go through `perf.driver.fetch_all` (ADR 0006).
The router only maps HTTP onto these functions.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from opentelemetry.trace import Tracer
from sqlalchemy import String, bindparam, func, select, true, type_coerce
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine

from taskapp.cache import ResponseCache
from taskapp.db import utcnow
from taskapp.deps import Services
from taskapp.errors import not_found
from taskapp.perf.driver import DriverStatement, declare, fetch_all, statement_factory
from taskapp.tasks import encoding, inbox, list_query, stats
from taskapp.tasks.etags import etag_for
from taskapp.tasks.models import Task
from taskapp.tasks.pagination import CursorCodec, SortSpec, filters_fingerprint
from taskapp.tasks.schemas import LabelCount, LabelList, TaskQuery


class ReadServices(Protocol):
    """What the read path needs: the core services and the domain's cursor codec."""

    @property
    def cache(self) -> ResponseCache: ...
    @property
    def read_engine(self) -> AsyncEngine: ...
    @property
    def cursors(self) -> CursorCodec: ...
    @property
    def tracer(self) -> Tracer: ...


@dataclass(frozen=True, slots=True)
class TaskServices:
    """The tasks domain's per-app services (main.py puts them on app.state.tasks): its cursor
    codec, and the core services the read path uses, read through so that a tracer installed
    after start-up is the one used."""

    core: Services
    cursors: CursorCodec

    @property
    def cache(self) -> ResponseCache:
        return self.core.cache

    @property
    def read_engine(self) -> AsyncEngine:
        return self.core.read_engine

    @property
    def tracer(self) -> Tracer:
        return self.core.tracer


def build_task_services(services: Services) -> TaskServices:
    return TaskServices(core=services, cursors=CursorCodec(services.settings.secret_key))


def cache_key(owner_id: uuid.UUID, data_version: int, kind: str, detail: str = "") -> str:
    """The one cache-key rule: owner, the owner's data version, what is read, and its inputs.

    The data version makes every earlier entry unreachable after a write; the leading v<n>
    changes with the cached bodies' shape (v2: tasks carry assignee_id), so a release never
    serves the entries of one whose tasks had other fields (both share Redis in a rollout)."""
    digest = hashlib.blake2b(detail.encode(), digest_size=16).hexdigest() if detail else "-"
    return f"taskapp:v2:{owner_id}:{data_version}:{kind}:{digest}"


def _zone_and_today(time_zone: str) -> tuple[ZoneInfo, date]:
    zone = ZoneInfo(time_zone)
    return zone, utcnow().astimezone(zone).date()


async def page(
    services: ReadServices,
    owner_id: uuid.UUID,
    data_version: int,
    query: TaskQuery,
    time_zone: str = "UTC",
) -> bytes:
    """GET /tasks: one page as TaskPage JSON. Day filters and overdue are read in the owner's
    zone; a zone change bumps the data version (users/service.py), and the local day is part
    of the key of the queries that depend on it."""
    zone, today = _zone_and_today(time_zone)
    detail = query.model_dump_json()
    if query.overdue is not None:
        detail += f"|{today}"
    key = cache_key(owner_id, data_version, "list", detail)
    if (cached := await services.cache.get(key)) is not None:
        return cached
    body = await _page_from_database(services, owner_id, query, zone)
    await services.cache.set(key, body)
    return body


async def _page_from_database(
    services: ReadServices, owner_id: uuid.UUID, query: TaskQuery, zone: ZoneInfo
) -> bytes:
    engine = services.read_engine
    sort = SortSpec.parse(query.sort)
    fingerprint = filters_fingerprint(
        query.model_dump(mode="json", exclude={"cursor", "limit", "sort"})
    )
    after = services.cursors.decode(query.cursor, sort, fingerprint) if query.cursor else None
    # A sort with a second key has [value, second] as its cursor value.
    value = None if after is None else after[0][0] if sort.second is not None else after[0]
    cursor_kind: list_query.CursorKind = (
        "none" if after is None else "null" if value is None else "value"
    )
    shape = list_query.ListShape.of(engine.dialect.name, query, cursor_kind, owner_id)
    params = list_query.parameters(shape, owner_id, query, utcnow(), after, zone)
    rows = await fetch_all(
        engine, list_query.statement_for(shape), params, services.tracer, "SELECT tasks"
    )
    # The query reads one row past the page only to learn whether another page follows.
    items = [encoding.task_item(row) for row in rows[: query.limit]]
    if len(rows) <= query.limit:
        return encoding.page_json(items, None)
    last = items[-1]
    value = _due_at(last) if sort.field == "due_date" else last[sort.field]
    if sort.second is not None:
        value = (value, last[sort.second.key])
    cursor = services.cursors.encode(sort, fingerprint, value, uuid.UUID(last["id"]))
    return encoding.page_json(items, cursor)


def _due_at(item: dict[str, Any]) -> datetime | None:
    """An item's sort=due_date key, as models.DueAt computes it in SQL."""
    if item["due_date"] is not None:
        due: datetime = item["due_date"]
        return due
    if item["due_on"] is not None:
        return datetime.combine(item["due_on"], time.min, tzinfo=UTC)
    return None


@dataclass(frozen=True, slots=True)
class TaskRead:
    etag: str
    body: bytes


# Declared once: fetch_all compiles a declared statement once (perf/driver.py).
_READ_ONE = declare(
    select(*list_query.PUBLIC_COLUMNS).where(
        Task.id == bindparam("task_id", type_=Task.id.type),
        Task.owner_id == bindparam("owner_id", type_=Task.owner_id.type),
    )
)
_READ_ONE_UNTYPED = declare(
    select(*list_query.UNTYPED_COLUMNS).where(
        Task.id == bindparam("task_id", type_=Task.id.type),
        Task.owner_id == bindparam("owner_id", type_=Task.owner_id.type),
    )
)


async def task(
    services: ReadServices, owner_id: uuid.UUID, data_version: int, task_id: uuid.UUID
) -> TaskRead:
    """GET /tasks/{id}: the task's ETag and JSON; another user's task is "not found"."""
    key = cache_key(owner_id, data_version, "task", str(task_id))
    if (cached := await services.cache.get(key)) is not None:
        etag, _, body = cached.partition(b"\n")
        return TaskRead(etag.decode(), body)
    engine = services.read_engine
    statement = _READ_ONE_UNTYPED if engine.dialect.name == "postgresql" else _READ_ONE
    rows = await fetch_all(
        engine,
        statement,
        {"task_id": task_id, "owner_id": owner_id},
        services.tracer,
        "SELECT tasks",
    )
    if not rows:
        raise not_found("task")
    item = encoding.task_item(rows[0])
    read = TaskRead(etag_for(item["version"]), encoding.item_json(item))
    await services.cache.set(key, read.etag.encode() + b"\n" + read.body)
    return read


async def task_stats(
    services: ReadServices, owner_id: uuid.UUID, data_version: int, time_zone: str = "UTC"
) -> bytes:
    """GET /tasks/stats as TaskStats JSON."""
    zone, today = _zone_and_today(time_zone)
    key = cache_key(owner_id, data_version, "stats", str(today))
    if (cached := await services.cache.get(key)) is not None:
        return cached
    async with services.read_engine.connect() as connection:
        counted = await stats.of_owner(connection, owner_id, utcnow(), zone)
    body = counted.model_dump_json().encode()
    await services.cache.set(key, body)
    return body


@statement_factory(maxsize=8)
def _labels_statement(shape: tuple[str, list_query.ProjectFilter]) -> DriverStatement:
    """Each label on the owner's tasks (in one project, or all) with its count: one row per
    (task, label) from the labels column (unnest of the text[] on PostgreSQL, json_each of the
    JSON on SQLite). The project filter is the list's (an Inbox task stores NULL)."""
    dialect, project = shape
    if dialect == "postgresql":
        each = (
            func.unnest(type_coerce(Task.labels, postgresql.ARRAY(String)))
            .table_valued("value")
            .render_derived()
        )
    else:
        each = func.json_each(Task.labels).table_valued("value")
    conditions = [
        Task.owner_id == bindparam("owner_id", type_=Task.owner_id.type),
        *list_query.project_conditions(project),
    ]
    label = each.c.value
    count = func.count()
    return declare(
        select(label, count)
        .select_from(Task)
        .join(each, true())
        .where(*conditions)
        .group_by(label)
        .order_by(count.desc(), label)
    )


async def labels(
    services: ReadServices,
    owner_id: uuid.UUID,
    data_version: int,
    project: uuid.UUID | None = None,
) -> bytes:
    """GET /tasks/labels as LabelList JSON: every label of the owner's tasks, or of those in
    `project`, however many tasks they have (the web app's label filter and autocomplete)."""
    key = cache_key(owner_id, data_version, "labels", str(project or ""))
    if (cached := await services.cache.get(key)) is not None:
        return cached
    engine = services.read_engine
    where: list_query.ProjectFilter = (
        "none" if project is None else "inbox" if project == inbox.inbox_id(owner_id) else "other"
    )
    params: dict[str, Any] = {"owner_id": owner_id}
    if where == "other":
        params["project"] = project
    rows = await fetch_all(
        engine,
        _labels_statement((engine.dialect.name, where)),
        params,
        services.tracer,
        "SELECT tasks",
    )
    body = LabelList(items=[LabelCount(name=name, count=count) for name, count in rows])
    encoded = body.model_dump_json().encode()
    await services.cache.set(key, encoded)
    return encoded
