"""Database engine, sessions and the declarative base shared by every domain's models."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from opentelemetry.trace import SpanKind, Tracer
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.types import TypeDecorator
from sqlalchemy.util import await_, greenlet_spawn
from sqlalchemy.util.queue import Empty, Full, QueueCommon

from taskapp.settings import Settings

# Stable constraint names, so Alembic migrations name the same things on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone, so we add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC datetime is required")
        value = value.astimezone(UTC)
        # SQLite compares datetimes as text: store one zone-less format so ordering holds.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class FairAsyncQueue(QueueCommon[ConnectionPoolEntry]):
    """The async pool's queue of idle connections, first come, first served.

    SQLAlchemy's own wraps asyncio.Queue, which wakes a waiter when a connection comes back but
    lets whichever task asks first take it; the woken waiter then queues again at the back
    (python/cpython#83055, MagicStack/asyncpg#1247). Under load some requests lost that race
    for seconds: with 64 concurrent readers on 30 connections, wrk saw 2-second timeouts. Here a
    returned connection is handed straight to the longest waiter, so nobody can jump the line.
    """

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        self.maxsize = maxsize
        self.use_lifo = use_lifo
        self._idle: deque[ConnectionPoolEntry] = deque()
        # Invariant: waiters exist only while no connection is idle.
        self._waiters: deque[asyncio.Future[ConnectionPoolEntry]] = deque()

    def empty(self) -> bool:
        return not self._idle

    def full(self) -> bool:
        return 0 < self.maxsize <= len(self._idle)

    def qsize(self) -> int:
        return len(self._idle)

    def put_nowait(self, item: ConnectionPoolEntry) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():  # skips waiters that timed out or were cancelled
                waiter.set_result(item)
                return
        if self.full():
            raise Full()
        self._idle.append(item)

    def put(
        self, item: ConnectionPoolEntry, block: bool = True, timeout: float | None = None
    ) -> None:
        # QueuePool only ever returns connections without blocking: when full, it closes one.
        self.put_nowait(item)

    def get_nowait(self) -> ConnectionPoolEntry:
        if not self._idle:
            raise Empty()
        return self._idle.pop() if self.use_lifo else self._idle.popleft()

    def get(self, block: bool = True, timeout: float | None = None) -> ConnectionPoolEntry:
        if self._idle or not block:
            return self.get_nowait()
        return await_(self._wait(patience=timeout))

    async def _wait(self, patience: float | None) -> ConnectionPoolEntry:
        waiter: asyncio.Future[ConnectionPoolEntry] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(patience):
                return await waiter
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled():
                # Handed over just as this waiter gave up: pass it on rather than lose it.
                self.put_nowait(waiter.result())
            else:
                waiter.cancel()
            if isinstance(exc, TimeoutError):
                raise Empty() from None
            raise


class FairAsyncQueuePool(AsyncAdaptedQueuePool):
    _queue_class = FairAsyncQueue


def create_engine(settings: Settings) -> AsyncEngine:
    url = settings.database_url
    # No pre-ping: it costs a round trip on every checkout (measured: a third of a cached read).
    # A connection the server dropped fails one request; SQLAlchemy then invalidates the pool.
    kwargs: dict[str, Any] = {"pool_recycle": 1800}
    if settings.is_sqlite:
        db_path = url.split("///", 1)[1] if "///" in url else ""
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        # One writer at a time; wait for the lock instead of failing with "database is locked".
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs.update(
            poolclass=FairAsyncQueuePool,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
    engine = create_async_engine(url, **kwargs)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the writer; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@lru_cache(maxsize=2048)
def _driver_sql(statement: Any, dialect: Dialect) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """A statement compiled once: its SQL, the order of its parameters, and the values it carries
    itself (literals such as the "done" status). Keyed by the statement object, so callers pass
    statements they build once."""
    compiled = statement.compile(dialect=dialect)
    return str(compiled), tuple(compiled.positiontup or ()), compiled.params


async def fetch_all(
    engine: AsyncEngine,
    statement: Any,
    params: dict[str, Any],
    tracer: Tracer,
    span_name: str,
) -> Sequence[Sequence[Any]]:
    """Rows of a read-only SQLAlchemy statement, for the reads on every request's path.

    SQLite runs it through SQLAlchemy on an autocommit connection. PostgreSQL runs it on a pooled
    connection's asyncpg driver: SQLAlchemy's per-execution work cost more than the query
    (docs/adr/0006). That connection is a raw checkout from the engine's pool: a SQLAlchemy
    Connection around it (events, isolation level, close) cost about 75 µs more per request than
    the checkout itself. No transaction is begun, so each statement commits alone. Values go in
    as the driver takes them, so no type's bind processing runs. SQLAlchemy's instrumentation
    does not see these, hence the span opened here.
    """
    if engine.dialect.name != "postgresql":
        async with engine.connect() as connection:
            result: Sequence[Sequence[Any]] = (await connection.execute(statement, params)).all()
        return result
    sql, order, defaults = _driver_sql(statement, engine.dialect)
    args = [params[name] if name in params else defaults[name] for name in order]
    with tracer.start_as_current_span(
        span_name,
        kind=SpanKind.CLIENT,
        attributes={"db.system": "postgresql", "db.statement": sql},
    ):
        # One trip into SQLAlchemy's greenlet bridge for checkout, query and return, not two.
        rows: Sequence[Sequence[Any]] = await greenlet_spawn(
            _fetch_pooled, engine.sync_engine, sql, args
        )
    return rows


def _fetch_pooled(engine: Engine, sql: str, args: list[Any]) -> Sequence[Sequence[Any]]:
    pooled = engine.raw_connection()
    try:
        rows: Sequence[Sequence[Any]] = await_(pooled.driver_connection.fetch(sql, *args))  # type: ignore[union-attr]
        return rows
    finally:
        _give_back(pooled)


def _give_back(pooled: PoolProxiedConnection) -> None:
    driver = pooled.driver_connection
    if driver is None or driver.is_closed():
        # The server dropped it (restart, failover): discard it rather than hand it to the next
        # request. SQLAlchemy's own execution path does the same when it sees a disconnect.
        pooled.invalidate()
    pooled.close()
