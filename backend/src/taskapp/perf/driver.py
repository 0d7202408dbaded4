"""The hottest reads on PostgreSQL's asyncpg driver, from SQLAlchemy statements compiled once.

Why: SQLAlchemy's per-execution work (compiled-cache lookup, execution context, result
processing, a Connection around the checkout) cost more than the query itself on every request
(docs/adr/0006). So `fetch_all` runs a compiled statement on a pooled connection's driver.

Statements are built once: `declare()` wraps a statement and keeps its compiled SQL on the
wrapper, and it refuses to run anywhere but at import time (module level) or inside a
`statement_factory` (one statement per key, cached). A statement built per request would be
compiled per request (its cost is in docs/adr/0006) and, under the identity-keyed cache this
replaced, would also have pushed the hot statements out.

Upstream change that lets this go: SQLAlchemy's asyncpg execution of an already compiled
statement costing about what the driver call does (no per-execution context or result
processing for plain rows). Measure with `make bench` before deleting; callers then run their
statements through `AsyncConnection.execute`, as the SQLite branch below already does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Sequence
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from opentelemetry.trace import NoOpTracer, SpanKind, Tracer
from sqlalchemy import event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import Pool, PoolProxiedConnection
from sqlalchemy.sql import Select
from sqlalchemy.util import await_, greenlet_spawn

from taskapp.perf.fair_pool import FairAsyncQueuePool
from taskapp.perf.lending import LendingPool

K = TypeVar("K", bound=Hashable)
AnySelect = Select[*tuple[Any, ...]]
# Set while a statement_factory builds the statement for a new key.
_in_factory: ContextVar[bool] = ContextVar("_in_factory", default=False)


class StatementBuiltPerCallError(RuntimeError):
    """declare() was called outside module level and outside a statement_factory."""


class DriverStatement:
    """A statement declared once, with its compiled form kept per dialect."""

    __slots__ = ("_compiled", "statement")

    def __init__(self, statement: AnySelect) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...], dict[str, Any]]] = {}

    def compiled(self, dialect: Dialect) -> tuple[str, tuple[str, ...], dict[str, Any]]:
        """Its SQL, the order of its parameters, and the values it carries itself (literals
        such as the "done" status)."""
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            found = (str(compiled), tuple(compiled.positiontup or ()), compiled.params)
            self._compiled[dialect.name] = found
        return found


def declare(statement: AnySelect) -> DriverStatement:
    """A statement for fetch_all; call it at module level or inside a statement_factory."""
    caller = sys._getframe(1).f_code.co_name
    if caller != "<module>" and not _in_factory.get():
        raise StatementBuiltPerCallError(
            f"{caller}() declares a driver statement on every call: declare it at module level, "
            "or build it in a @statement_factory so each key's statement is built once"
        )
    return DriverStatement(statement)


def statement_factory(
    maxsize: int,
) -> Callable[[Callable[[K], DriverStatement]], Callable[[K], DriverStatement]]:
    """Statements that vary by a key (a query's shape): each key's statement is built once and
    kept, up to `maxsize` keys (least recently used go first)."""

    def wrap(build: Callable[[K], DriverStatement]) -> Callable[[K], DriverStatement]:
        @lru_cache(maxsize=maxsize)
        def cached(key: K) -> DriverStatement:
            token = _in_factory.set(True)
            try:
                return build(key)
            finally:
                _in_factory.reset(token)

        return cached

    return wrap


async def fetch_all(
    engine: AsyncEngine,
    statement: DriverStatement,
    params: dict[str, Any],
    tracer: Tracer,
    span_name: str,
) -> Sequence[Sequence[Any]]:
    """Rows of a read-only declared statement, for the reads on every request's path.

    SQLite runs it through SQLAlchemy on an autocommit connection. PostgreSQL runs it on a
    pooled connection's asyncpg driver: one the engine's lending pool holds (perf/lending.py;
    the API server's engine, db.create_app_engine), else a raw checkout from the engine's pool
    (a SQLAlchemy Connection around it costs more than the checkout: docs/adr/0006). No
    transaction is begun,
    so each statement commits alone. Values go in as the driver takes them, so no type's bind
    processing runs. SQLAlchemy's instrumentation does not see these, hence the span opened here.
    """
    if engine.dialect.name != "postgresql":
        async with engine.connect() as connection:
            result = await connection.execute(statement.statement, params)
            rows: Sequence[Sequence[Any]] = result.all()
        return rows
    sql, order, defaults = statement.compiled(engine.dialect)
    args = [params[name] if name in params else defaults[name] for name in order]
    lending = _lending.get(engine.sync_engine.pool)
    if isinstance(tracer, NoOpTracer):
        # Tracing is off (deps.Services' default): a no-op span still costs a context attach
        # and detach, a measurable part of a cached read (docs/adr/0006).
        if lending is not None:
            return await lending.fetch(sql, args)
        return await greenlet_spawn(_fetch_pooled, engine.sync_engine, sql, args)
    with tracer.start_as_current_span(
        span_name,
        kind=SpanKind.CLIENT,
        attributes={"db.system": "postgresql", "db.statement": sql},
    ):
        if lending is not None:
            return await lending.fetch(sql, args)
        # One trip into SQLAlchemy's greenlet bridge for checkout, query and return, not two.
        return await greenlet_spawn(_fetch_pooled, engine.sync_engine, sql, args)


# The lending pool serving an engine's statements, by the engine's pool: the autocommit
# read engine (execution_options) shares its parent's pool, so both find it.
_lending: WeakKeyDictionary[Pool, LendingPool] = WeakKeyDictionary()


def lend_for(engine: AsyncEngine, lending: LendingPool) -> None:
    """Run fetch_all's statements on `engine` (and engines sharing its pool) through `lending`,
    which holds connections of `engine`'s own pool (a FairAsyncQueuePool) and gives them back
    when the ORM needs one; closed whenever `engine` is disposed."""
    _serve(engine.sync_engine.pool, lending)

    @event.listens_for(engine.sync_engine, "engine_disposed")
    def _disposed(disposed: Engine) -> None:
        # Inside AsyncEngine.dispose()'s greenlet, after the engine made itself a new pool.
        lending.close()
        _serve(disposed.pool, lending)


def _serve(pool: Pool, lending: LendingPool) -> None:
    if not isinstance(pool, FairAsyncQueuePool):
        raise TypeError(f"lending needs the fair pool's reclaim hook, not {type(pool).__name__}")
    _lending[pool] = lending
    lending.serve(pool.queue)


def lending_pool_of(engine: AsyncEngine) -> LendingPool | None:
    return _lending.get(engine.sync_engine.pool)


def _fetch_pooled(engine: Engine, sql: str, args: list[Any]) -> Sequence[Sequence[Any]]:
    # Errors propagate as the driver raised them (asyncpg's, OSError): errors.py's
    # database_unavailable() is the one place that tells an outage (503) from a bug (500).
    pooled = engine.raw_connection()
    try:
        rows: Sequence[Sequence[Any]] = await_(pooled.driver_connection.fetch(sql, *args))  # type: ignore[union-attr]
        return rows
    finally:
        _give_back(engine, pooled)


def _give_back(engine: Engine, pooled: PoolProxiedConnection) -> None:
    driver = pooled.driver_connection
    if driver is None or driver.is_closed():
        # The server dropped it (restart, failover), and with it every connection opened before:
        # discard them all rather than let each fail a request. This is what SQLAlchemy's own
        # execution path does on a disconnect (Connection._handle_dbapi_exception calls
        # Pool._invalidate): older connections are replaced at their next checkout.
        engine.pool._invalidate(pooled)
    pooled.close()
