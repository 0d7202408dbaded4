"""A first-come-first-served queue for SQLAlchemy's async connection pool.

Why: SQLAlchemy's AsyncAdaptedQueue wraps asyncio.Queue, which wakes a waiter when a connection
comes back but lets whichever task asks first take it; the woken waiter then queues again at the
back (python/cpython#83055, MagicStack/asyncpg#1247). Under load some requests lost that race for
seconds (docs/adr/0006).

Upstream change that lets this go: asyncio.Queue handing a put item to the longest waiter
(python/cpython#83055), or SQLAlchemy's AsyncAdaptedQueue doing so itself. Then delete this module
and the `poolclass=` in db.create_engine; tests/test_db_pool.py says whether the default is fair.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry
from sqlalchemy.util import await_
from sqlalchemy.util.queue import Empty, Full, QueueCommon

from taskapp.perf.handover import Handover


class FairAsyncQueue(QueueCommon[ConnectionPoolEntry]):
    """The async pool's queue of idle connections, first come, first served: a returned
    connection is handed straight to the longest waiter, so nobody can jump the line."""

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        self.maxsize = maxsize
        self.use_lifo = use_lifo
        self._idle: deque[ConnectionPoolEntry] = deque()
        # Invariant: waiters exist only while no connection is idle.
        self._waiters: Handover[ConnectionPoolEntry] = Handover()
        # Asked to give a connection back before a checkout waits or opens a new one: the
        # lending pool's idle leases are the pool's too (perf/lending.py).
        self.reclaim: Callable[[], None] | None = None

    def has_waiters(self) -> bool:
        return self._waiters.has_waiters()

    def empty(self) -> bool:
        return not self._idle

    def full(self) -> bool:
        return 0 < self.maxsize <= len(self._idle)

    def qsize(self) -> int:
        return len(self._idle)

    def put_nowait(self, item: ConnectionPoolEntry) -> None:
        if self._waiters.offer(item):
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
        if not self._idle and self.reclaim is not None:
            # An idle lease's connection back here, if there is one: before this checkout
            # waits, and before the pool opens a new connection (block is False while it may).
            self.reclaim()
        if self._idle or not block:
            return self.get_nowait()
        return await_(self._wait(patience=timeout))

    async def _wait(self, patience: float | None) -> ConnectionPoolEntry:
        try:
            return await self._waiters.wait(patience, pass_on=self.put_nowait)
        except TimeoutError:
            raise Empty() from None


class FairAsyncQueuePool(AsyncAdaptedQueuePool):
    _queue_class = FairAsyncQueue

    @property
    def queue(self) -> FairAsyncQueue:
        """Its queue of idle connections (QueuePool keeps it as `_pool`)."""
        queue = self._pool
        if not isinstance(queue, FairAsyncQueue):  # _queue_class renamed by an upgrade?
            raise TypeError(f"the pool's queue is a {type(queue).__name__}")
        return queue
