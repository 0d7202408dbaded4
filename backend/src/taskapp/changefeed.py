"""Change notices for live updates (docs/adr/0019): "partition X changed", never what changed.

A write marks the partitions it changed (`changed(owner_id, kind)`) while it runs; the marks are
published once the request (or the worker's unit of work) has finished, so after its commit, never
inside its transaction. A notice names an owner's partition and a kind, nothing else: a stream
that receives it re-reads the versions it may see (the membership check included) from the
database, so a lost, duplicated or spurious notice costs a query, never a wrong answer.

Across replicas notices travel over Redis pub/sub (one channel per partition,
`taskapp:changes:<owner id>`; each process holds one pattern subscription and hands notices to its
own streams); without Redis (`make run`) they are handed over in process. A publish that fails
does not fail the write: it is counted and logged, and streams catch up on their next notice or
reconnection (the versions are in the database)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Gauge
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)

CHANNEL_PREFIX: Final = "taskapp:changes:"
# The notice every listener gets when notices may have been lost (the subscription dropped):
# streams then compare every version they follow.
RESYNC: Final = "resync"
_READS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Change:
    owner_id: uuid.UUID
    # tasks (bumps the data version) | projects | comments | members | membership | notification
    # | profile
    kind: str


_marks: ContextVar[set[Change] | None] = ContextVar("taskapp_changes", default=None)


def changed(owner_id: uuid.UUID, kind: str = "tasks") -> None:
    """Note that this unit of work changed `owner_id`'s partition; published after it ends.
    Outside a collecting scope (a test calling a service directly) there is nobody to tell."""
    marks = _marks.get()
    if marks is not None:
        marks.add(Change(owner_id, kind))


@dataclass(eq=False)
class Listener:
    """One stream's mailbox: the changes of the owners it follows, coalesced (a burst of writes
    to one partition wakes it once), so it needs no bound."""

    owners: set[uuid.UUID] = field(default_factory=set)
    _pending: set[Change] = field(default_factory=set)
    _resync: bool = False
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _following_anyone: bool = False

    def deliver(self, change: Change) -> None:
        if self._following_anyone or change.owner_id in self.owners:
            self._pending.add(change)
            self._wake.set()

    async def follow(
        self, read: Callable[[], Awaitable[dict[uuid.UUID, int]]]
    ) -> dict[uuid.UUID, int]:
        """Read the versions of the owners to follow, and follow them from then on. Every
        notice is kept while the read runs: a write to an owner the read adds, committed after
        the read's snapshot, could otherwise be noticed before that owner is followed, and be
        missed until the next one. Once the owners are known, the others' notices are dropped."""
        self._following_anyone = True
        try:
            followed = await read()
        finally:
            self._following_anyone = False
        self.owners = set(followed)
        self._pending = {change for change in self._pending if change.owner_id in self.owners}
        return followed

    def resync(self) -> None:
        self._resync = True
        self._wake.set()

    async def wait(self, seconds: float) -> tuple[set[Change], bool] | None:
        """The changes since the last call and whether to compare everything, or None if
        nothing came within `seconds`."""
        try:
            await asyncio.wait_for(self._wake.wait(), seconds)
        except TimeoutError:
            return None
        self._wake.clear()
        pending, self._pending = self._pending, set()
        resync, self._resync = self._resync, False
        return pending, resync


class ChangeFeed:
    def __init__(self, redis_url: str | None, publisher: Redis | None, registry: CollectorRegistry):
        self._redis_url = redis_url
        self._publisher = publisher
        self._listeners: set[Listener] = set()
        self._subscriber: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()
        self.published = Counter(
            "taskapp_live_notices_published",
            "Change notices published after a write, by outcome.",
            ["outcome"],
            registry=registry,
        )
        self.streams = Gauge(
            "taskapp_live_streams", "Open live-update streams in this process.", registry=registry
        )
        for outcome in ("ok", "failed"):
            self.published.labels(outcome)

    @contextlib.asynccontextmanager
    async def collecting(self) -> AsyncIterator[None]:
        """Collect the changes marked inside, and publish them when it ends (even on an error:
        a commit may have happened before it, and a spurious notice is harmless)."""
        marks: set[Change] = set()
        token = _marks.set(marks)
        try:
            yield
        finally:
            _marks.reset(token)
            if marks:
                await self.publish(marks)

    async def publish(self, changes: Iterable[Change]) -> None:
        """Never raises: the write it follows has committed already."""
        changes = sorted(changes, key=lambda change: (str(change.owner_id), change.kind))
        if self._publisher is None:
            for change in changes:
                self._hand_over(change)
            self.published.labels("ok").inc(len(changes))
            return
        for change in changes:
            notice = json.dumps({"owner_id": str(change.owner_id), "kind": change.kind})
            try:
                await self._publisher.publish(f"{CHANNEL_PREFIX}{change.owner_id}", notice)
            except (RedisError, OSError) as exc:
                self.published.labels("failed").inc()
                logger.warning("live notice for %s not published: %r", change.owner_id, exc)
            else:
                self.published.labels("ok").inc()

    def _hand_over(self, change: Change) -> None:
        for listener in self._listeners:
            listener.deliver(change)

    @contextlib.asynccontextmanager
    async def listening(self) -> AsyncIterator[Listener]:
        listener = Listener()
        self._listeners.add(listener)
        self.streams.inc()
        if self._redis_url is not None:
            if self._subscriber is None or self._subscriber.done():
                self._subscriber = asyncio.create_task(self._subscribe(self._redis_url))
            # A stream reads its versions after this: a write committed after that read must
            # find the subscription in place. Bounded: without Redis the stream still serves
            # its heartbeats, and is told to compare everything once the subscription is back.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._subscribed.wait(), 2.0)
        try:
            yield listener
        finally:
            self._listeners.discard(listener)
            self.streams.dec()

    async def _subscribe(self, url: str) -> None:
        """One pattern subscription per process, from the first stream until the app stops.
        Each time it is in place every stream is told to compare its versions: notices published
        before went nowhere (a lost connection, or a first subscription slower than the wait in
        `listening`, after which a stream serves without it). A stream that is still waiting
        only reads once more."""
        # Its own client: the cache's 50 ms socket timeout would end a blocking read.
        redis = Redis.from_url(url, socket_connect_timeout=2, health_check_interval=15)
        delay = 0.1
        try:
            while True:
                try:
                    async with redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                        await pubsub.psubscribe(f"{CHANNEL_PREFIX}*")
                        for listener in self._listeners:
                            listener.resync()
                        self._subscribed.set()
                        delay = 0.1
                        while True:
                            message = await pubsub.get_message(timeout=1.0)
                            if message is not None:
                                self._hand_over(_parse(message["data"]))
                except (RedisError, OSError, ValueError) as exc:
                    self._subscribed.clear()
                    logger.warning("live notices: subscription lost, retrying: %r", exc)
                    for listener in self._listeners:
                        listener.resync()
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
        finally:
            await redis.aclose()

    async def close(self) -> None:
        if self._subscriber is not None:
            self._subscriber.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._subscriber


def _parse(data: bytes | str) -> Change:
    notice = json.loads(data)
    return Change(uuid.UUID(notice["owner_id"]), str(notice["kind"]))


class PublishChangesMiddleware:
    """Publishes what each unsafe request marked as changed, after its response (so after its
    commit). Reads mark nothing and skip the scope."""

    def __init__(self, app: ASGIApp, feed: ChangeFeed) -> None:
        self.app = app
        self.feed = feed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _READS:
            await self.app(scope, receive, send)
            return
        async with self.feed.collecting():
            await self.app(scope, receive, send)
