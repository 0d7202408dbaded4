"""Driver statements are built once (taskapp.perf.driver): a statement built per call is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from opentelemetry.trace import NoOpTracer
from sqlalchemy import bindparam, literal, select
from sqlalchemy.ext.asyncio import create_async_engine

from taskapp.auth import service as auth_service
from taskapp.db import create_engine
from taskapp.perf.driver import (
    DriverStatement,
    StatementBuiltPerCallError,
    declare,
    fetch_all,
    statement_factory,
)
from taskapp.settings import Settings
from taskapp.tasks import list_query
from taskapp.tasks.schemas import TaskQuery

# Declared at import time: the way every fixed statement is declared.
ONE_PLUS = declare(select(literal(1) + bindparam("n")))


def rows_per_call(n: int) -> DriverStatement:
    # The mistake this guards against: a new statement object on every call.
    return declare(select(literal(n)))


@statement_factory(maxsize=8)
def statement_for_width(width: int) -> DriverStatement:
    return declare(select(*[literal(i) for i in range(width)]))


def test_a_statement_built_per_call_is_refused() -> None:
    with pytest.raises(StatementBuiltPerCallError, match=r"rows_per_call\(\) declares"):
        rows_per_call(1)


def test_a_statement_factory_builds_each_key_once() -> None:
    first = statement_for_width(3)
    assert statement_for_width(3) is first
    assert statement_for_width(4) is not first


def test_the_app_s_driver_reads_are_declared_once() -> None:
    """The two reads on every request's path: the session lookup and the task page."""
    assert isinstance(auth_service._LIVE_SESSION, DriverStatement)
    shape = list_query.ListShape.of("postgresql", TaskQuery(), "none")
    assert list_query.statement_for(shape) is list_query.statement_for(shape)


async def test_declared_statements_run_on_this_database(
    make_settings: Callable[..., Settings],
) -> None:
    engine = create_engine(make_settings())
    try:
        rows = await fetch_all(engine, ONE_PLUS, {"n": 41}, NoOpTracer(), "SELECT 1 + n")
        again = await fetch_all(engine, ONE_PLUS, {"n": 1}, NoOpTracer(), "SELECT 1 + n")
    finally:
        await engine.dispose()
    assert [tuple(row) for row in rows] == [(42,)]
    assert [tuple(row) for row in again] == [(2,)]


def test_the_compiled_form_is_kept_on_the_statement() -> None:
    # The dialect fetch_all compiles for; no connection is made.
    dialect = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none").dialect
    sql, order, defaults = ONE_PLUS.compiled(dialect)
    assert ONE_PLUS.compiled(dialect)[0] is sql
    assert order == ("param_1", "n")
    assert defaults["param_1"] == 1
