"""The event stream of one signed-in user (docs/adr/0019).

The stream follows the user's own partition and the owner's of every project they are a member
of. Events carry no data of a task or a project: `change` says which partition moved (its owner,
its new data version, what kind of change), and the client refetches what it shows, through the
endpoints that check access. Each event's id is the version of every followed partition, so a
client that reconnects with Last-Event-ID is sent a `change` for each partition that moved while
it was away: it misses nothing even if notices were lost meanwhile."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass

from taskapp.changefeed import ChangeFeed

Versions = dict[uuid.UUID, int]
# How the stream reads what it follows (tasks.interface.followed_versions on a short session)
# and whether the session behind it is still alive (auth.interface.session_alive).
ReadVersions = Callable[[], Awaitable[Versions]]
SessionAlive = Callable[[], Awaitable[bool]]

MEMBERSHIP = "membership"


def event_id(versions: Mapping[uuid.UUID, int]) -> str:
    """`<owner hex>:<version>` per followed partition, comma-separated, in a stable order."""
    return ",".join(f"{owner.hex}:{versions[owner]}" for owner in sorted(versions))


def parse_event_id(value: str | None) -> Versions | None:
    """The versions a Last-Event-ID names, or None if it names none we could have sent (the
    stream then starts afresh, as on a first connection)."""
    if not value:
        return None
    versions: Versions = {}
    try:
        for part in value.split(","):
            owner, _, version = part.partition(":")
            versions[uuid.UUID(hex=owner)] = int(version)
    except ValueError:
        return None
    return versions


def _event(name: str, ident: str, data: dict[str, object]) -> str:
    return f"id: {ident}\nevent: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def _change(owner: uuid.UUID, version: int, kind: str, ident: str) -> str:
    return _event("change", ident, {"owner_id": str(owner), "data_version": version, "kind": kind})


@dataclass(frozen=True, slots=True)
class StreamTimings:
    heartbeat_seconds: float
    max_seconds: float
    retry_ms: int


def differences(
    user_id: uuid.UUID, before: Versions, now: Versions, kinds: Mapping[uuid.UUID, set[str]]
) -> list[tuple[uuid.UUID, int, str]]:
    """What to tell the client going from `before` to `now`, given the kinds of change noticed
    per owner: a moved version (tasks), a partition followed or dropped (membership: the client
    refetches the project list; a dropped one's version is never sent), and the unversioned
    kinds noticed (projects, comments, members, notification)."""
    found: list[tuple[uuid.UUID, int, str]] = []
    dropped = set(before) - set(now)
    for owner in sorted(now):
        noticed = set(kinds.get(owner, ()))
        if owner not in before:
            noticed.add(MEMBERSHIP)
        elif now[owner] != before[owner]:
            noticed.add("tasks")
        else:
            noticed.discard("tasks")  # a notice of a write that did not commit, or a duplicate
        if owner == user_id and dropped:
            noticed.add(MEMBERSHIP)
        found.extend((owner, now[owner], kind) for kind in sorted(noticed))
    return found


async def events(
    feed: ChangeFeed,
    user_id: uuid.UUID,
    last_event_id: str | None,
    read: ReadVersions,
    alive: SessionAlive,
    timings: StreamTimings,
) -> AsyncIterator[str]:
    ends = time.monotonic() + timings.max_seconds
    async with feed.listening() as listener:
        # Listening before reading: a write committed after the read is noticed.
        versions = await listener.follow(read)
        yield f"retry: {timings.retry_ms}\n\n"
        ident = event_id(versions)
        resumed = parse_event_id(last_event_id)
        if resumed is not None:
            for owner, version, kind in differences(user_id, resumed, versions, {}):
                yield _change(owner, version, kind, ident)
        yield _event("ready", ident, {"following": len(versions)})
        beat = time.monotonic() + timings.heartbeat_seconds
        while (now := time.monotonic()) < ends:
            got = await listener.wait(max(0.0, min(beat, ends) - now))
            if got is None:
                if time.monotonic() < beat:
                    continue  # the lifetime ran out: the loop ends
                if not await alive():
                    yield _event("end", ident, {"reason": "session-ended"})
                    return
                yield ": heartbeat\n\n"
                beat = time.monotonic() + timings.heartbeat_seconds
                continue
            pending, resync = got
            kinds: dict[uuid.UUID, set[str]] = {}
            for change in pending:
                kinds.setdefault(change.owner_id, set()).add(change.kind)
            if not resync and not kinds:
                continue
            current = await listener.follow(read)
            found = differences(user_id, versions, current, kinds)
            versions = current
            ident = event_id(versions)
            for owner, version, kind in found:
                yield _change(owner, version, kind, ident)
