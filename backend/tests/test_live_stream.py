"""The event stream's loop (live/stream.py) against the in-process change feed, with the reads of
its versions scripted: the interleavings a test through the app can only hit by chance (a notice
arriving while the stream reads which partitions it follows) happen here every time."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from taskapp.changefeed import Change, ChangeFeed
from taskapp.live.stream import StreamTimings, Versions, events
from tests.conftest import RedisServer
from tests.test_live import parse

TIMINGS = StreamTimings(heartbeat_seconds=0.05, max_seconds=0.6, retry_ms=2000)
USER, OWNER = uuid.UUID(int=1), uuid.UUID(int=2)


def scripted_reads(
    *steps: tuple[Versions, Callable[[], Awaitable[None]] | None],
) -> Callable[[], Awaitable[Versions]]:
    """Each call answers the next step's versions, after running its `while_reading` (what
    happens on the server while the stream's query is in flight); the last step repeats."""
    calls = 0

    async def read() -> Versions:
        nonlocal calls
        versions, while_reading = steps[min(calls, len(steps) - 1)]
        calls += 1
        if while_reading is not None:
            await while_reading()
        return dict(versions)

    return read


async def alive() -> bool:
    return True


async def changes(
    feed: ChangeFeed, read: Callable[[], Awaitable[Versions]]
) -> list[dict[str, object]]:
    """The `change` events of one stream, run to its end, with a membership notice for USER
    delivered once it is ready (the user was just added to OWNER's project)."""
    found: list[dict[str, object]] = []
    async for chunk in events(feed, USER, None, read, alive, TIMINGS):
        for event in parse(chunk)[0]:
            if event.name == "ready":
                await feed.publish([Change(USER, "membership")])
            elif event.name == "change":
                found.append(event.data)
    return found


async def test_a_write_to_a_partition_the_stream_starts_following_mid_read_is_not_missed() -> None:
    feed = ChangeFeed(None, None, CollectorRegistry())

    async def owner_writes() -> None:
        # The owner's write commits after this read's snapshot (so the read answers version 5)
        # and its notice arrives before the read returns, while OWNER is not yet followed.
        await feed.publish([Change(OWNER, "tasks")])
        await asyncio.sleep(0)

    read = scripted_reads(
        ({USER: 0}, None),  # on opening
        ({USER: 0, OWNER: 5}, owner_writes),  # after the membership notice
        ({USER: 0, OWNER: 6}, None),  # after the write's notice
    )
    found = await changes(feed, read)
    owners = [(c["data_version"], c["kind"]) for c in found if c["owner_id"] == str(OWNER)]
    assert owners == [(5, "membership"), (6, "tasks")]


async def test_a_notice_for_a_partition_the_stream_does_not_follow_wakes_nothing() -> None:
    feed = ChangeFeed(None, None, CollectorRegistry())
    stranger = uuid.UUID(int=3)

    async def strangers_write() -> None:
        await feed.publish([Change(stranger, "tasks")])
        await asyncio.sleep(0)

    reads = 0
    scripted = scripted_reads(({USER: 0}, None), ({USER: 0}, strangers_write), ({USER: 0}, None))

    async def read() -> Versions:
        nonlocal reads
        reads += 1
        return await scripted()

    found = await changes(feed, read)
    # The membership notice is answered (a read, and the change it reports); the stranger's
    # notice, kept while that read ran, is dropped once it is known not to be followed.
    assert [c["kind"] for c in found] == ["membership"]
    assert reads == 2


@asynccontextmanager
async def slow_to_answer(port: int, delay: float) -> AsyncIterator[str]:
    """A TCP proxy to 127.0.0.1:`port` that accepts at once and holds each connection's first
    request for `delay` seconds (so a subscription is not in place before then, whatever the
    client sends first): a Redis that is up, but slow. Yields the proxy's URL."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, hold: float) -> None:
        try:
            while data := await reader.read(65536):
                await asyncio.sleep(hold)
                hold = 0
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()

    async def handle(client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        upstream, to_upstream = await asyncio.open_connection("127.0.0.1", port)
        await asyncio.gather(
            pipe(client, to_upstream, delay), pipe(upstream, to_client, 0), return_exceptions=True
        )

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield f"redis://127.0.0.1:{server.sockets[0].getsockname()[1]}/0"
    finally:
        server.close()


async def first_change(
    feed: ChangeFeed,
    read: Callable[[], Awaitable[Versions]],
    timings: StreamTimings,
    on_ready: Callable[[], Awaitable[None]],
) -> list[tuple[object, object]]:
    """Run one stream of USER's until its first `change` or its end, running `on_ready` once it
    is ready, then close the feed: the data version and kind of that change, if any."""
    try:
        async for chunk in events(feed, USER, None, read, alive, timings):
            for event in parse(chunk)[0]:
                if event.name == "ready":
                    await on_ready()
                elif event.name == "change":
                    return [(event.data["data_version"], event.data["kind"])]
        return []
    finally:
        await feed.close()


async def test_a_stream_that_stopped_waiting_for_a_slow_subscription_compares_once_it_is_up(
    redis_server: RedisServer,
) -> None:
    # The stream waits 2 s for the process's subscription, then serves without it; a write whose
    # notice went out before the subscription was in place reached nobody.
    async with (
        Redis.from_url(redis_server.url) as publisher,
        slow_to_answer(redis_server.port, delay=3.0) as slow_url,
    ):
        feed = ChangeFeed(slow_url, publisher, CollectorRegistry())

        async def write() -> None:
            await feed.publish([Change(USER, "tasks")])  # lost: nobody subscribed yet

        read = scripted_reads(({USER: 0}, None), ({USER: 1}, None))
        timings = StreamTimings(heartbeat_seconds=0.2, max_seconds=5.0, retry_ms=2000)
        assert await first_change(feed, read, timings, write) == [(1, "tasks")]


async def test_a_write_while_redis_restarts_reaches_the_open_stream_once_it_is_back(
    redis_server: RedisServer,
) -> None:
    registry = CollectorRegistry()
    async with Redis.from_url(redis_server.url, socket_connect_timeout=0.5) as publisher:
        feed = ChangeFeed(redis_server.url, publisher, registry)

        async def stop_redis() -> None:
            redis_server.stop()

        async def write_while_redis_is_down() -> None:
            # This write commits after the stream's read, and its notice cannot go out while
            # Redis is down; then Redis comes back. No notice of it ever reaches the stream: only
            # a comparison of versions (on losing or regaining the subscription) can bring it.
            await feed.publish([Change(USER, "tasks")])
            redis_server.start()

        read = scripted_reads(
            ({USER: 0}, None), ({USER: 0}, write_while_redis_is_down), ({USER: 1}, None)
        )
        timings = StreamTimings(heartbeat_seconds=0.2, max_seconds=8.0, retry_ms=2000)
        assert await first_change(feed, read, timings, stop_redis) == [(1, "tasks")]
    failed = registry.get_sample_value(
        "taskapp_live_notices_published_total", {"outcome": "failed"}
    )
    assert failed == 1
