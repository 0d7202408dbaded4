"""Connections checked out of the engine's pool once, held, and lent first come first served
to the driver statements of perf/driver.py.

Why: every statement fetch_all ran took a greenlet (SQLAlchemy's bridge from its sync pool code
to asyncio) and a pool checkout and checkin. Under a request's deep stack that cost more than the
statement's own driver call; lending a held connection needs neither (docs/adr/0006 has the A/B).

One budget: the leases come out of the application engine's own pool, so the process still
holds at most TASKAPP_DB_POOL_SIZE (+ overflow) connections. The ORM never waits behind an idle
lease, nor opens a connection while one sits idle: when a checkout finds the pool empty, the
pool's queue (perf/fair_pool.py) reclaims one first, and a lease given back while ORM checkouts
wait goes to them. SQLAlchemy still opens, sets up (the dialect's codecs, the URL's SSL options)
and closes every connection; a lease that broke, was cancelled mid-query or reached the recycle
age goes back to the pool to be replaced.

Upstream change that lets this go: SQLAlchemy's asyncpg dialect running a compiled statement and
its pool checkout without a greenlet switch per call, or asyncpg's Pool acquiring and releasing
without scheduling a task (measured: it cost what SQLAlchemy's checkout did). Delete this module
and perf/driver.py's lend_for, drop the queue's reclaim hook, and compare with `make bench`.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

from taskapp.perf.handover import Handover


class PoolQueue(Protocol):
    """What the lending pool needs of its engine's pool queue (perf/fair_pool.FairAsyncQueue)."""

    reclaim: Callable[[], None] | None

    def has_waiters(self) -> bool: ...


@dataclass(slots=True, eq=False)
class _Lease:
    pooled: PoolProxiedConnection  # SQLAlchemy's checkout, held while the lease lives
    driver: Any  # its asyncpg connection
    opened_at: float = field(default_factory=time.monotonic)


class LendingPool:
    """Up to `size` connections of `engine`'s pool, held and lent to one statement at a time."""

    def __init__(self, engine: AsyncEngine, size: int, timeout: float, recycle: float) -> None:
        self.engine = engine
        self.size = size
        self._queue: PoolQueue | None = None  # set by serve(): the ORM's side of the pool
        self._handing_back: set[asyncio.Task[None]] = set()
        self._timeout = timeout  # how long a statement waits for a connection (as QueuePool)
        self._recycle = recycle  # seconds; a negative value never recycles (as pool_recycle)
        self._idle: deque[_Lease] = deque()
        # Invariant: waiters exist only while nothing is idle and every slot is taken. A waiter
        # is handed a lease, or None: a free slot to open a connection in.
        self._waiters: Handover[_Lease | None] = Handover()
        self._slots = 0  # leases held, lent or being opened
        self._lent = 0
        # Leases opened before this are stale: a broken connection usually means the server
        # restarted or failed over, which broke every connection opened before it.
        self._stale_before = float("-inf")

    def serve(self, queue: PoolQueue) -> None:
        """Share `queue`'s pool with the ORM: idle leases are reclaimed when it runs dry."""
        self._queue = queue
        queue.reclaim = self.reclaim

    @property
    def idle(self) -> int:
        """Connections held but running nothing (the pool counts them as checked out)."""
        return len(self._idle)

    @property
    def held(self) -> int:
        """Connections held (idle, lent or being opened)."""
        return self._slots

    @property
    def lent(self) -> int:
        """Connections running a statement now (the pool gauge's "active")."""
        return self._lent

    async def fetch(self, sql: str, args: Sequence[Any]) -> Sequence[Sequence[Any]]:
        lease = await self._borrow()
        try:
            rows: Sequence[Sequence[Any]] = await lease.driver.fetch(sql, *args)
        except Exception:
            if lease.driver.is_closed():
                self._stale_before = time.monotonic()
                await self._replace(lease)
            else:  # a statement's own error (a constraint, a bad value): the connection is fine
                self._give_back(lease)
            raise
        except BaseException:
            # Cancelled mid-query: the connection may still be answering it. Replace it rather
            # than lend it on in an unknown state.
            await self._replace(lease)
            raise
        self._give_back(lease)
        return rows

    async def _borrow(self) -> _Lease:
        lease = await self._next()
        if lease is not None and not self._fresh(lease):
            try:
                await self._retire(lease)  # its slot stays with this borrower
            except BaseException:
                self._hand_on(None)
                raise
            lease = None
        if lease is None:
            try:
                lease = await self._open()
            except BaseException:
                self._hand_on(None)
                raise
        self._lent += 1
        return lease

    async def _open(self) -> _Lease:
        """A connection out of the pool, passing over any the server is known to have closed
        (the pool lends without asking: no pre-ping)."""
        for _ in range(self.size):
            pooled = await greenlet_spawn(self.engine.sync_engine.raw_connection)
            if not pooled.driver_connection.is_closed():  # type: ignore[union-attr]
                return _Lease(pooled, pooled.driver_connection)
            await greenlet_spawn(pooled.invalidate)  # back as invalid: reconnects next time
        pooled = await greenlet_spawn(self.engine.sync_engine.raw_connection)
        return _Lease(pooled, pooled.driver_connection)

    async def _next(self) -> _Lease | None:
        """An idle or handed-on lease, or None: a slot of this borrower's to open one in."""
        if self._idle:
            return self._idle.pop()  # the most recently used: warm, and the others may idle
        if self._slots < self.size:
            self._slots += 1
            return None
        try:
            return await self._waiters.wait(self._timeout, pass_on=self._hand_on)
        except TimeoutError:
            raise sa_exc.TimeoutError(
                f"no database connection free after {self._timeout:g} s"
            ) from None

    def _fresh(self, lease: _Lease) -> bool:
        return (
            lease.opened_at > self._stale_before
            and not lease.driver.is_closed()
            and (self._recycle < 0 or time.monotonic() - lease.opened_at < self._recycle)
        )

    def _give_back(self, lease: _Lease) -> None:
        self._lent -= 1
        if self._queue is not None and self._queue.has_waiters():
            # An ORM checkout waits: the connection goes back to the pool, where it waited
            # first. The slot goes to a waiting statement, which then queues there behind it.
            task = asyncio.get_running_loop().create_task(greenlet_spawn(lease.pooled.close))
            self._handing_back.add(task)
            task.add_done_callback(self._handing_back.discard)
            self._hand_on(None)
            return
        self._hand_on(lease)  # a stale one is replaced by whoever borrows it next

    def reclaim(self) -> None:
        """An idle lease back to the pool, for a checkout that found it empty. Runs inside
        SQLAlchemy's greenlet (the queue's get), so the pool's own calls may await."""
        if not self._idle:
            return
        lease = self._idle.popleft()  # the least recently used
        self._slots -= 1
        if self._fresh(lease):
            lease.pooled.close()
        else:
            lease.driver.terminate()
            lease.pooled.invalidate()  # the checkout then opens a new one

    def _hand_on(self, lease: _Lease | None) -> None:
        """A lease (or a free slot: None) to the longest waiter, else back to idle."""
        if self._waiters.offer(lease):
            return
        if lease is None:
            self._slots -= 1
        else:
            self._idle.append(lease)

    async def _replace(self, lease: _Lease) -> None:
        """Close a lent connection; its slot goes to the longest waiter."""
        self._lent -= 1
        try:
            await self._retire(lease)
        finally:
            self._hand_on(None)

    @staticmethod
    async def _retire(lease: _Lease) -> None:
        lease.driver.terminate()  # now, whatever state it is in; SQLAlchemy's close is then quick
        # Back to the engine's pool as invalid: its next checkout opens a new connection.
        await greenlet_spawn(lease.pooled.invalidate)

    def close(self) -> None:
        """Close the idle leases' connections (the engine is being disposed). Runs inside
        SQLAlchemy's greenlet (the engine's dispose), so the pool's own calls may await."""
        self._waiters.cancel_all()
        while self._idle:
            self._slots -= 1
            self._idle.pop().pooled.invalidate()
