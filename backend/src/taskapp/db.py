"""Database engine, sessions and the declarative base shared by every domain's models."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, DateTime, MetaData, Select, event, update
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute
from sqlalchemy.types import TypeDecorator

from taskapp.errors import not_found
from taskapp.perf.driver import lend_for
from taskapp.perf.fair_pool import FairAsyncQueuePool
from taskapp.perf.lending import LendingPool
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


RowT = TypeVar("RowT")


def utcnow() -> datetime:
    return datetime.now(UTC)


async def one_or_404(session: AsyncSession, query: Select[RowT], what: str) -> RowT:
    """The query's one row, or 404 naming `what`: another user's row is as absent as a deleted
    one (its existence is never revealed)."""
    row = await session.scalar(query)
    if row is None:
        raise not_found(what)
    return row


async def claim_once(
    session: AsyncSession,
    row: ColumnElement[bool],
    stamp: InstrumentedAttribute[Any],
    now: datetime,
) -> bool:
    """Set `stamp` to `now` on the row `row` names if the stamp is still empty (a token used, an
    invitation accepted). Of concurrent claims exactly one gets True: the others wait on the
    row's lock, then find the stamp set. Objects in the session are left as they are."""
    claimed = await session.execute(
        update(stamp.class_)
        .where(row, stamp.is_(None))
        .values({stamp.key: now})
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]  # a CursorResult


# Connections are replaced after half an hour (also the lending pool's held ones).
POOL_RECYCLE_SECONDS = 1800


def create_engine(settings: Settings) -> AsyncEngine:
    url = settings.database_url
    # No pre-ping: it costs a round trip on every checkout (measured: a third of a cached read).
    # A connection the server dropped invalidates the pool (SQLAlchemy, perf/driver.py); the
    # request that met it is run again if it is a GET, else answered 503 (errors.py).
    kwargs: dict[str, Any] = {"pool_recycle": POOL_RECYCLE_SECONDS}
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


def create_app_engine(settings: Settings) -> AsyncEngine:
    """The API server's engine. On PostgreSQL, perf/driver.py's statements (every request's
    session lookup, the hot reads and writes) run on connections a lending pool holds out of
    the engine's own pool: the process still opens at most TASKAPP_DB_POOL_SIZE (+ overflow)
    connections, and disposing the engine closes the held ones too."""
    engine = create_engine(settings)
    pool = engine.sync_engine.pool
    if isinstance(pool, FairAsyncQueuePool):
        lending = LendingPool(
            engine,
            settings.db_pool_size + settings.db_max_overflow,
            timeout=pool.timeout(),
            recycle=POOL_RECYCLE_SECONDS,
        )
        lend_for(engine, lending)
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
