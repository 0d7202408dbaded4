"""First come, first served hand-over of a scarce thing (a connection, a lease, a free slot) to
the tasks waiting for it: the queue of perf/fair_pool.py and the leases of perf/lending.py.

Why one place: the race it closes is subtle. A waiter can give up (time out, be cancelled) in
the very step it is handed something; without the pass-on below, that thing is lost and the
pool shrinks for good.

Goes when both users go (their docstrings say which upstream changes let them).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Handover(Generic[T]):
    """The tasks waiting for a `T`, served in arrival order."""

    def __init__(self) -> None:
        self._waiters: deque[asyncio.Future[T]] = deque()

    def has_waiters(self) -> bool:
        return any(not waiter.done() for waiter in self._waiters)

    def offer(self, item: T) -> bool:
        """Hand `item` to the longest waiter; False when nobody waits (the caller keeps it)."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():  # skips waiters that timed out or were cancelled
                waiter.set_result(item)
                return True
        return False

    async def wait(self, patience: float | None, pass_on: Callable[[T], None]) -> T:
        """The next item offered, within `patience` seconds (None: no limit), else TimeoutError.
        An item handed over just as this waiter gives up goes to `pass_on`, not lost."""
        waiter: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(patience):
                return await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                pass_on(waiter.result())
            else:
                waiter.cancel()
            raise

    def cancel_all(self) -> None:
        """Wake every waiter with CancelledError (its pool is closing)."""
        for waiter in self._waiters:
            waiter.cancel()
        self._waiters.clear()
