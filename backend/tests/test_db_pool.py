"""The PostgreSQL pool's queue serves waiting requests in arrival order (perf/fair_pool.py).

The queue is driven the way QueuePool drives it: from inside SQLAlchemy's greenlet bridge.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, cast

import pytest
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.util.queue import Empty, Full

from taskapp.db import create_engine
from taskapp.perf.fair_pool import FairAsyncQueue, FairAsyncQueuePool
from taskapp.settings import Settings


def entry(name: str) -> ConnectionPoolEntry:
    return cast(ConnectionPoolEntry, name)  # the queue never looks inside what it holds


async def take(queue: FairAsyncQueue, patience: float | None = None) -> ConnectionPoolEntry:
    return await greenlet_spawn(queue.get, True, patience)


async def test_a_returned_connection_goes_to_the_longest_waiter_not_a_newcomer() -> None:
    queue = FairAsyncQueue(maxsize=2)
    waiters = [asyncio.create_task(take(queue)) for _ in range(3)]
    await asyncio.sleep(0)  # all three are now waiting, in this order
    served: list[int] = []

    def record(index: int) -> Callable[[object], None]:
        return lambda _task: served.append(index)

    for index, waiter in enumerate(waiters):
        waiter.add_done_callback(record(index))

    queue.put_nowait(entry("a"))
    # A request arriving right after the return must not take the connection meant for waiter 0:
    # with asyncio.Queue it would, and waiter 0 would queue again behind everyone.
    newcomer = asyncio.create_task(take(queue))
    queue.put_nowait(entry("b"))
    queue.put_nowait(entry("c"))
    assert await asyncio.gather(*waiters) == [entry("a"), entry("b"), entry("c")]
    assert served == [0, 1, 2]
    assert not newcomer.done()
    queue.put_nowait(entry("d"))
    assert await newcomer == entry("d")


async def test_idle_connections_are_taken_without_waiting_and_the_pool_size_is_kept() -> None:
    queue = FairAsyncQueue(maxsize=2)
    queue.put_nowait(entry("a"))
    queue.put_nowait(entry("b"))
    assert queue.full()
    assert queue.qsize() == 2
    with pytest.raises(Full):
        queue.put_nowait(entry("c"))  # QueuePool then closes the surplus connection
    assert await take(queue) == entry("a")  # first in, first out by default
    assert queue.get(block=False) == entry("b")
    assert queue.empty()
    with pytest.raises(Empty):
        queue.get(block=False)


async def test_lifo_reuses_the_most_recent_connection() -> None:
    queue = FairAsyncQueue(maxsize=2, use_lifo=True)
    queue.put(entry("a"), False)
    queue.put(entry("b"), False)
    assert queue.get_nowait() == entry("b")


async def test_a_waiter_that_times_out_gets_empty_and_is_skipped_afterwards() -> None:
    queue = FairAsyncQueue(maxsize=1)
    with pytest.raises(Empty):
        await take(queue, patience=0.01)
    queue.put_nowait(entry("a"))  # not handed to the waiter that gave up
    assert queue.qsize() == 1
    assert await take(queue) == entry("a")


async def test_a_connection_handed_to_a_cancelled_waiter_is_not_lost() -> None:
    queue = FairAsyncQueue(maxsize=1)
    first = asyncio.create_task(take(queue))
    second = asyncio.create_task(take(queue))
    await asyncio.sleep(0)
    queue.put_nowait(entry("a"))  # handed to the first waiter...
    first.cancel()  # ...which is cancelled (client went away) before it could run
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await second == entry("a")


async def test_a_cancelled_waiter_leaves_no_trace() -> None:
    queue = FairAsyncQueue(maxsize=1)
    waiter = asyncio.create_task(take(queue))
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    queue.put_nowait(entry("a"))
    assert queue.qsize() == 1


async def test_postgresql_engines_use_the_fair_pool(
    make_settings: Callable[..., Settings], is_postgres: bool
) -> None:
    settings = make_settings()
    engine = create_engine(settings)
    pool: Any = engine.sync_engine.pool
    try:
        if is_postgres:
            assert isinstance(pool, FairAsyncQueuePool)
            # QueuePool builds its queue from the underscored _queue_class: if an upgrade of
            # SQLAlchemy renamed it, the pool would silently fall back to the unfair queue.
            assert isinstance(pool._pool, FairAsyncQueue)
            assert pool.size() == settings.db_pool_size == 20
            assert settings.db_max_overflow == 0
        else:
            assert not isinstance(pool, FairAsyncQueuePool)  # SQLite keeps SQLAlchemy's choice
    finally:
        await engine.dispose()
