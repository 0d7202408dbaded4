"""The event stream's loop (live/stream.py) against the in-process change feed, with the reads of
its versions scripted: the interleavings a test through the app can only hit by chance (a notice
arriving while the stream reads which partitions it follows) happen here every time."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry

from taskapp.changefeed import Change, ChangeFeed
from taskapp.live.stream import StreamTimings, Versions, events

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
        if chunk.startswith("id: ") and "event: ready" in chunk:
            await feed.publish([Change(USER, "membership")])
        if "event: change" in chunk:
            found.append(json.loads(chunk.rsplit("data: ", 1)[1]))
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
