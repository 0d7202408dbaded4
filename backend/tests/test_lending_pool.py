"""The lending pool (perf/lending.py): held connections lent to driver statements, on real
PostgreSQL. Size, order, dead and cancelled connections, the wait limit, recycling, disposal,
and the pool gauge."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from taskapp.db import create_app_engine, create_engine
from taskapp.errors import database_unavailable
from taskapp.main import create_app
from taskapp.perf.driver import lend_for, lending_pool_of
from taskapp.perf.lending import LendingPool
from taskapp.settings import Settings
from tests.conftest import client_for, register_and_login

pytestmark = pytest.mark.postgres_only

PID = "SELECT pg_backend_pid()"


@pytest.fixture
async def admin(make_settings: Callable[..., Settings]) -> AsyncIterator[AsyncEngine]:
    """A connection of the test's own, to look at and terminate the pool's from outside."""
    engine = create_engine(make_settings(db_pool_size=1))
    yield engine
    await engine.dispose()


@pytest.fixture
async def make_pool(
    make_settings: Callable[..., Settings],
) -> AsyncIterator[Callable[..., LendingPool]]:
    """A lending pool over an engine of its own, as create_app_engine wires the app's."""
    engines: list[AsyncEngine] = []

    def factory(size: int, timeout: float = 30.0, recycle: float = -1) -> LendingPool:
        engine = create_engine(make_settings(db_pool_size=size))
        engines.append(engine)
        lending = LendingPool(engine, size, timeout, recycle)
        lend_for(engine, lending)
        return lending

    yield factory
    for engine in engines:
        await engine.dispose()  # closes the lending pool's connections too


async def backend_pids(admin: AsyncEngine) -> set[int]:
    async with admin.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        return {row[0] for row in rows}


async def backends_once_settled(admin: AsyncEngine, expected: set[int]) -> set[int]:
    """The database's backends once those not `expected` have ended, or as they are after 5 s:
    PostgreSQL ends a backend a moment after its client closes the connection (longer on a
    loaded machine than a fixed sleep allows)."""
    for _ in range(100):
        pids = await backend_pids(admin)
        if pids <= expected:
            break
        await asyncio.sleep(0.05)
    return pids


async def terminate(admin: AsyncEngine, pid: int) -> None:
    async with admin.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


async def pid_of(pool: LendingPool) -> int:
    rows = await pool.fetch(PID, [])
    pid: int = rows[0][0]
    return pid


def assert_idle(pool: LendingPool, held: int) -> None:
    assert pool.held == held
    assert pool.lent == 0


async def test_never_more_connections_than_its_size_and_waiters_served_in_arrival_order(
    make_pool: Callable[..., LendingPool],
) -> None:
    pool = make_pool(2)
    finished: list[int] = []

    async def statement(index: int) -> int:
        rows = await pool.fetch("SELECT pg_backend_pid(), pg_sleep(0.1)", [])
        finished.append(index)
        pid: int = rows[0][0]
        return pid

    tasks = []
    for index in range(6):
        tasks.append(asyncio.create_task(statement(index)))
        await asyncio.sleep(0.01)  # arrival order 0, 1, ... 5
    pids = await asyncio.gather(*tasks)
    assert len(set(pids)) == 2
    assert_idle(pool, 2)
    # Two at a time, each pair only after the pair before it: first come, first served.
    assert [set(finished[i : i + 2]) for i in (0, 2, 4)] == [{0, 1}, {2, 3}, {4, 5}]


async def test_a_statements_own_error_keeps_its_connection(
    make_pool: Callable[..., LendingPool],
) -> None:
    pool = make_pool(1)
    before = await pid_of(pool)
    with pytest.raises(asyncpg.DivisionByZeroError) as raised:
        await pool.fetch("SELECT 1 / 0", [])
    assert not database_unavailable(raised.value)  # a bug or bad input, not an outage
    assert await pid_of(pool) == before
    assert_idle(pool, 1)


async def test_a_connection_killed_mid_statement_fails_that_statement_and_the_pool_recovers(
    make_pool: Callable[..., LendingPool], admin: AsyncEngine
) -> None:
    pool = make_pool(2)
    first = set(await asyncio.gather(pid_of(pool), pid_of(pool)))
    assert len(first) == 2
    running = asyncio.create_task(pool.fetch("SELECT pg_sleep(5)", []))
    await asyncio.sleep(0.2)
    async with admin.connect() as connection:
        victim = (
            await connection.execute(
                text(
                    "SELECT pid FROM pg_stat_activity"
                    " WHERE query = 'SELECT pg_sleep(5)' AND state = 'active'"
                )
            )
        ).scalar_one()
    await terminate(admin, victim)
    with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, OSError)) as raised:
        await running
    assert database_unavailable(raised.value)  # answered 503, and a GET is tried again
    # The other connection was opened before the failure too: both are replaced.
    after = set(await asyncio.gather(pid_of(pool), pid_of(pool)))
    assert after.isdisjoint(first)
    assert_idle(pool, 2)


async def test_a_connection_closed_while_idle_is_replaced_before_it_is_lent(
    make_pool: Callable[..., LendingPool], admin: AsyncEngine
) -> None:
    pool = make_pool(1)
    dead = await pid_of(pool)
    await terminate(admin, dead)
    await asyncio.sleep(0.2)  # the server closes the socket; the driver sees it
    replaced = await pid_of(pool)  # no error: the statement never met the dead one
    assert replaced != dead
    assert pool.held == 1


async def test_dead_connections_idle_in_the_pool_are_passed_over(
    make_pool: Callable[..., LendingPool], admin: AsyncEngine
) -> None:
    lending = make_pool(2)

    async def orm_pid() -> int:
        async with lending.engine.connect() as connection:
            pid: int = (await connection.execute(text(PID))).scalar_one()
            await asyncio.sleep(0.05)  # both at once: two connections
            return pid

    dead = set(await asyncio.gather(orm_pid(), orm_pid()))
    for pid in dead:
        await terminate(admin, pid)
    await asyncio.sleep(0.2)
    assert await pid_of(lending) not in dead  # no error: the statement never met a dead one
    assert_idle(lending, 1)


async def test_a_cancelled_statement_does_not_leave_its_connection_to_the_next(
    make_pool: Callable[..., LendingPool],
) -> None:
    pool = make_pool(1)
    before = await pid_of(pool)
    running = asyncio.create_task(pool.fetch("SELECT pg_sleep(5)", []))
    await asyncio.sleep(0.2)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    started = time.monotonic()
    # Reusing the cancelled one would fail ("another operation is in progress") or wait
    # for its sleep; a new connection answers at once.
    assert await pid_of(pool) != before
    assert time.monotonic() - started < 2
    assert_idle(pool, 1)


async def test_waiting_longer_than_the_timeout_is_the_pools_timeout_error(
    make_pool: Callable[..., LendingPool],
) -> None:
    pool = make_pool(1, timeout=0.2)
    holder = asyncio.create_task(pool.fetch("SELECT pg_sleep(1)", []))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    with pytest.raises(sa_exc.TimeoutError) as raised:
        await pool.fetch("SELECT 1", [])
    assert 0.15 < time.monotonic() - started < 1
    assert database_unavailable(raised.value)  # a 503, as QueuePool's own timeout
    await holder
    assert (await pool.fetch("SELECT 2", []))[0][0] == 2  # the waiter left no trace
    assert_idle(pool, 1)


async def test_connections_older_than_the_recycle_age_are_replaced(
    make_pool: Callable[..., LendingPool],
) -> None:
    pool = make_pool(1, recycle=0.3)
    first = await pid_of(pool)
    assert await pid_of(pool) == first
    await asyncio.sleep(0.4)
    assert await pid_of(pool) != first
    assert pool.held == 1


async def test_the_app_engine_lends_out_of_its_own_pool_and_disposing_it_closes_them(
    make_settings: Callable[..., Settings], admin: AsyncEngine
) -> None:
    settings = make_settings()
    before = await backend_pids(admin)
    engine = create_app_engine(settings)
    lending = lending_pool_of(engine)
    assert lending is not None
    # The read engine the app uses shares the pool, so it finds the same lending pool.
    assert lending_pool_of(engine.execution_options(isolation_level="AUTOCOMMIT")) is lending
    pool: Any = engine.sync_engine.pool
    assert lending.size == pool.size() == settings.db_pool_size == 20  # one budget, not two
    lent_pids = set(await asyncio.gather(*(pid_of(lending) for _ in range(3))))
    assert pool.checkedout() == 3  # the leases are the pool's connections
    async with engine.connect() as connection:
        orm_pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    # The pool had room for a 4th connection, but the ORM took an idle lease instead: a burst of
    # ORM work (sign-ins) must not open connections while leases sit idle.
    assert orm_pid in lent_pids
    assert await backend_pids(admin) - before == lent_pids
    await engine.dispose()
    assert await backends_once_settled(admin, before) <= before
    # Disposed engines are used again in places (the pool is recreated): so is the lending pool.
    assert lending_pool_of(engine) is lending
    assert (await lending.fetch("SELECT 3", []))[0][0] == 3
    await engine.dispose()


async def test_sqlite_keeps_every_statement_on_the_engine(
    make_settings: Callable[..., Settings], tmp_path: Any
) -> None:
    engine = create_app_engine(make_settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/a.db"))
    try:
        assert lending_pool_of(engine) is None
    finally:
        await engine.dispose()


async def test_the_orm_takes_an_idle_lease_rather_than_wait(
    make_pool: Callable[..., LendingPool],
) -> None:
    lending = make_pool(2)
    held = set(await asyncio.gather(pid_of(lending), pid_of(lending)))
    assert_idle(lending, 2)  # the whole pool, held by the lending pool
    async with asyncio.timeout(2):  # the pool's own wait would be 30 s
        async with lending.engine.connect() as connection:
            pid = (await connection.execute(text(PID))).scalar_one()
    assert pid in held
    assert_idle(lending, 1)
    assert await pid_of(lending) in held  # and the lending pool still serves from the other


async def test_a_lease_given_back_while_the_orm_waits_goes_to_the_orm(
    make_pool: Callable[..., LendingPool],
) -> None:
    lending = make_pool(1)
    statement = asyncio.create_task(lending.fetch("SELECT pg_backend_pid(), pg_sleep(0.3)", []))
    await asyncio.sleep(0.1)

    async def orm_pid() -> int:
        async with lending.engine.connect() as connection:
            pid: int = (await connection.execute(text(PID))).scalar_one()
            return pid

    orm = asyncio.create_task(orm_pid())
    await asyncio.sleep(0.05)
    followers = [asyncio.create_task(pid_of(lending)) for _ in range(2)]
    served: list[str] = []
    orm.add_done_callback(lambda _: served.append("orm"))
    for follower in followers:
        follower.add_done_callback(lambda _: served.append("statement"))
    async with asyncio.timeout(3):
        lent_pid = (await statement)[0][0]
        # The ORM was waiting first: it gets the connection, then the statements after it.
        assert await orm == lent_pid
        assert await asyncio.gather(*followers) == [lent_pid, lent_pid]
    assert served == ["orm", "statement", "statement"]
    assert_idle(lending, 1)


async def test_the_pool_gauge_counts_lent_connections_not_held_ones(
    make_settings: Callable[..., Settings],
) -> None:
    app = create_app(make_settings(cache_ttl=0))
    async with client_for(app) as http:
        account = await register_and_login(http)
        await asyncio.gather(
            *(http.get("/api/v1/tasks", headers=account.headers) for _ in range(4))
        )
        metrics = (await http.get("/metrics")).text
    lending = lending_pool_of(app.state.services.engine)
    assert lending is not None
    assert lending.held >= 1  # held, idle between requests
    await app.state.services.engine.dispose()
    gauges = {
        line.split()[0]: float(line.split()[1])
        for line in metrics.splitlines()
        if line.startswith(("database_connections_active ", "database_pool_size "))
    }
    assert gauges == {"database_connections_active": 0.0, "database_pool_size": 20.0}
