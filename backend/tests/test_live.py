"""Live updates (issue 19, docs/adr/0019): GET /api/v1/events against the real app, on SQLite
with the in-process hand-over and on PostgreSQL with Redis pub/sub (the PostgreSQL run sets
TASKAPP_TEST_REDIS_URL, so notices then travel through a real Redis channel).

Each stream is read as a browser reads it: `stream_while` reads it through conftest's
`read_stream` (httpx's ASGI transport answers only once a stream has ended), runs the test's
writes once the stream says `ready`, and hangs up only after the writes have answered and the
stream has then stayed open for QUIET_BEATS heartbeats. So a slow machine makes a test slower,
never wrong: no write can land after the stream it was meant for has closed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from taskapp.mail import Mailer
from taskapp.main import create_app
from taskapp.settings import Settings
from taskapp.worker.loop import JobLoop
from tests.conftest import (
    Account,
    RedisServer,
    app_on,
    client_for,
    create_task,
    read_stream,
    register_and_login,
)
from tests.test_attachments import attach
from tests.test_shared_tasks import share

API = "/api/v1"
HEARTBEAT = 0.5  # seconds between a stream's heartbeats in these tests
# Heartbeats a stream stays open for after the test's writes have answered: at least one whole
# interval for their notices (already published when a write answers) to reach the stream.
QUIET_BEATS = 2
LIFETIME = 60.0  # only a cap: a stream that never settles fails its test instead of hanging


@dataclass
class Event:
    name: str
    id: str | None
    data: dict[str, Any]


def parse(text: str) -> tuple[list[Event], int, int | None]:
    """The events, the heartbeat comments and the retry hint of a stream's text."""
    events, beats, retry = [], 0, None
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if line == ": heartbeat":
                beats += 1
            elif line.startswith("retry: "):
                retry = int(line.removeprefix("retry: "))
            elif ": " in line and not line.startswith(":"):
                key, _, value = line.partition(": ")
                fields[key] = value
        if "event" in fields:
            events.append(Event(fields["event"], fields.get("id"), json.loads(fields["data"])))
    return events, beats, retry


@pytest.fixture(scope="module")
async def live_app(make_settings: Callable[..., Settings]) -> AsyncIterator[FastAPI]:
    settings = make_settings(events_max_seconds=LIFETIME, events_heartbeat_seconds=HEARTBEAT)
    async with app_on(settings) as application:
        yield application
        await application.state.services.feed.close()


APP_FIXTURE = "live_app"  # the app conftest's `http` fixture is a client of


async def stream_while(
    app: FastAPI,
    account: Account,
    meanwhile: Callable[[], Awaitable[None]] | None = None,
    last_event_id: str | None = None,
    quiet_beats: int = QUIET_BEATS,
) -> httpx.Response:
    """Open one stream and read it until the server ends it, or until `meanwhile` (run once the
    stream has sent `ready`, so it is listening) has returned and `quiet_beats` heartbeats have
    followed; then hang up, as a browser closing the tab does."""
    headers = dict(account.headers)
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    ready = asyncio.Event()
    beats = 0
    hang_up_at_beats: int | None = None

    def hang_up(body: bytes) -> bool:
        nonlocal beats
        beats = body.count(b": heartbeat\n\n")
        if b"event: ready\n" in body:
            ready.set()
        return hang_up_at_beats is not None and beats >= hang_up_at_beats

    reading = asyncio.create_task(read_stream(app, f"{API}/events", headers, hang_up))
    try:
        if meanwhile is not None:
            opening = asyncio.create_task(ready.wait())
            await asyncio.wait([opening, reading], return_when=asyncio.FIRST_COMPLETED)
            opening.cancel()
            if ready.is_set():  # not when refused (401): nothing to run the writes beside
                await meanwhile()
    except BaseException:
        hang_up_at_beats = 0  # a failed write fails the test; the stream leaves at its next line
        await asyncio.wait([reading])
        raise
    hang_up_at_beats = beats + quiet_beats
    return await reading


def changes_of(events: list[Event], owner: Account) -> list[Event]:
    return [e for e in events if e.name == "change" and e.data["owner_id"] == owner.user_id]


async def shared_project(
    app: FastAPI, http: httpx.AsyncClient, role: str
) -> tuple[Account, Account, str]:
    owner = await register_and_login(http)
    member = await register_and_login(http)
    made = await http.post(f"{API}/projects", json={"name": "Live"}, headers=owner.headers)
    await share(app, http, owner, made.json()["id"], member, role)
    project: str = made.json()["id"]
    return owner, member, project


async def test_the_stream_is_an_uncached_unbuffered_event_stream_with_a_retry_hint(
    live_app: FastAPI, http: httpx.AsyncClient
) -> None:
    account = await register_and_login(http)
    response = await stream_while(live_app, account)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-accel-buffering"] == "no"
    events, beats, retry = parse(response.text)
    assert retry == 2000
    assert [e.name for e in events] == ["ready"]
    assert events[0].id == f"{account.user_id.replace('-', '')}:0"
    assert beats >= QUIET_BEATS  # one each HEARTBEAT seconds while it was open


async def test_a_teammates_write_reaches_the_members_stream(
    live_app: FastAPI, http: httpx.AsyncClient
) -> None:
    owner, member, project = await shared_project(live_app, http, "viewer")
    before = changes_of(parse((await stream_while(live_app, member)).text)[0], owner)
    assert before == []

    async def write() -> None:
        await create_task(http, owner, title="Seen live", project_id=project)

    events = parse((await stream_while(live_app, member, write)).text)[0]
    (change,) = changes_of(events, owner)
    assert change.data["kind"] == "tasks"
    assert change.id is not None
    assert f"{owner.user_id.replace('-', '')}:{change.data['data_version']}" in change.id
    # No payload that could leak: which partition moved and to which version, nothing else.
    assert set(change.data) == {"owner_id", "data_version", "kind"}


async def test_a_file_attached_and_deleted_by_a_teammate_reaches_the_members_stream(
    live_app: FastAPI, http: httpx.AsyncClient
) -> None:
    owner, member, project = await shared_project(live_app, http, "viewer")
    task = await create_task(http, owner, title="With a file", project_id=project)

    async def attach_then_delete() -> None:
        made = await attach(http, owner, task["id"])
        gone = await http.delete(
            f"{API}/tasks/{task['id']}/attachments/{made['id']}", headers=owner.headers
        )
        assert gone.status_code == 204, gone.text

    events = parse((await stream_while(live_app, member, attach_then_delete)).text)[0]
    assert [e.data["kind"] for e in changes_of(events, owner)] == ["attachments", "attachments"]


async def test_a_removed_members_stream_stops_getting_the_owners_events_at_once(
    live_app: FastAPI, http: httpx.AsyncClient
) -> None:
    owner, member, project = await shared_project(live_app, http, "editor")

    async def remove_then_write() -> None:
        removed = await http.delete(
            f"{API}/projects/{project}/members/{member.user_id}", headers=owner.headers
        )
        assert removed.status_code == 204
        await create_task(http, owner, title="Not for the removed", project_id=project)
        await create_task(http, owner, title="Nor this")

    events = parse((await stream_while(live_app, member, remove_then_write)).text)[0]
    assert changes_of(events, owner) == []
    # Their own stream is told that what they follow changed (the web app drops the project).
    # Notices are at-least-once: the invitation's acceptance, published just before the stream
    # opened, may arrive too through Redis; a repeated notice only makes the client refetch.
    mine = changes_of(events, member)
    assert mine
    assert {e.data["kind"] for e in mine} == {"membership"}
    assert owner.user_id.replace("-", "") not in (mine[-1].id or "")


async def test_a_new_member_starts_following_the_owner_without_reconnecting(
    live_app: FastAPI, http: httpx.AsyncClient
) -> None:
    owner = await register_and_login(http)
    guest = await register_and_login(http)
    made = await http.post(f"{API}/projects", json={"name": "Later"}, headers=owner.headers)

    async def join_then_write() -> None:
        await share(live_app, http, owner, made.json()["id"], guest, "viewer")
        await create_task(http, owner, title="After joining", project_id=made.json()["id"])

    events = parse((await stream_while(live_app, guest, join_then_write)).text)[0]
    kinds = [e.data["kind"] for e in changes_of(events, owner)]
    assert kinds[0] == "membership"  # follows the owner from then on (the project list)
    # The write arrives as a change of its own, or inside the membership change when it committed
    # before the stream read the versions again (membership refetches tasks too, see
    # frontend/src/features/live/follow.ts). Either way the last id the guest saw includes it:
    # reconnecting with that id has nothing to catch up on.
    again = parse((await stream_while(live_app, guest, last_event_id=events[-1].id)).text)[0]
    assert [e.name for e in again] == ["ready"]


async def test_a_strangers_stream_never_sees_another_partition(
    live_app: FastAPI, http: httpx.AsyncClient
) -> None:
    owner, _member, project = await shared_project(live_app, http, "editor")
    stranger = await register_and_login(http)

    async def writes() -> None:
        task = await create_task(http, owner, title="Private", project_id=project)
        await http.post(
            f"{API}/tasks/{task['id']}/comments", json={"body": "hi"}, headers=owner.headers
        )
        await http.patch(f"{API}/projects/{project}", json={"name": "R"}, headers=owner.headers)

    events = parse((await stream_while(live_app, stranger, writes)).text)[0]
    assert [e.name for e in events] == ["ready"]
    assert events[0].id == f"{stranger.user_id.replace('-', '')}:0"


async def test_resuming_after_a_gap_sends_the_change_missed_meanwhile(
    live_app: FastAPI, http: httpx.AsyncClient
) -> None:
    owner, member, project = await shared_project(live_app, http, "viewer")
    first = parse((await stream_while(live_app, member)).text)[0]
    last_id = first[-1].id
    # Away: two writes, whose notices nobody received.
    await create_task(http, owner, project_id=project)
    await create_task(http, owner, project_id=project)

    resumed = parse((await stream_while(live_app, member, last_event_id=last_id)).text)[0]
    assert [e.name for e in resumed] == ["change", "ready"]
    assert resumed[0].data["owner_id"] == owner.user_id
    assert resumed[0].data["kind"] == "tasks"
    # Resuming from the newest id: nothing was missed, nothing is sent again.
    again = parse((await stream_while(live_app, member, last_event_id=resumed[-1].id)).text)[0]
    assert [e.name for e in again] == ["ready"]


async def test_a_revoked_sessions_stream_ends_at_the_next_heartbeat(
    live_app: FastAPI, http: httpx.AsyncClient
) -> None:
    account = await register_and_login(http)

    async def logout() -> None:
        ended = await http.post(f"{API}/auth/logout", json={"refresh_token": account.refresh_token})
        assert ended.status_code == 204

    response = await stream_while(live_app, account, logout)
    events, _beats, _retry = parse(response.text)
    assert [e.name for e in events] == ["ready", "end"]
    assert events[-1].data == {"reason": "session-ended"}
    # And it cannot be opened again.
    assert (await http.get(f"{API}/events", headers=account.headers)).status_code == 401


async def test_notices_are_published_only_after_the_write_and_counted(
    live_app: FastAPI, http: httpx.AsyncClient
) -> None:
    account = await register_and_login(http)
    before = published(live_app, "ok")
    await create_task(http, account)
    await http.get(f"{API}/tasks", headers=account.headers)  # a read publishes nothing
    assert published(live_app, "ok") == before + 1


def published(application: FastAPI, outcome: str) -> float:
    registry = application.state.services.registry
    value = registry.get_sample_value("taskapp_live_notices_published_total", {"outcome": outcome})
    return value or 0.0


async def test_a_failed_publish_is_counted_and_never_fails_the_write(
    make_settings: Callable[..., Settings], redis_server: RedisServer
) -> None:
    application = create_app(make_settings(redis_url=redis_server.url))
    try:
        async with client_for(application) as client:
            account = await register_and_login(client)
            redis_server.stop()  # the write commits; its notice cannot go out
            before = published(application, "failed")
            created = await client.post(
                f"{API}/tasks", json={"title": "Kept"}, headers=account.headers
            )
            assert created.status_code == 201
            assert published(application, "failed") == before + 1
            read = await client.get(f"{API}/tasks/{created.json()['id']}", headers=account.headers)
            assert read.json()["title"] == "Kept"
    finally:
        await application.state.services.engine.dispose()


async def test_a_fired_reminder_rings_the_recipients_bell_live(
    live_app: FastAPI, http: httpx.AsyncClient
) -> None:
    account = await register_and_login(http)
    task = await create_task(http, account)
    due_now = (datetime.now(UTC) - timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    made = await http.post(
        f"{API}/tasks/{task['id']}/reminders", json={"at": due_now}, headers=account.headers
    )
    assert made.status_code == 201, made.text
    services = live_app.state.services
    registry = CollectorRegistry()
    # A worker's pass on the app's database, publishing through the app's feed as
    # `taskapp worker` does through Redis.
    worker = JobLoop(
        services.settings,
        services.session_factory,
        Mailer(services.settings, registry),
        registry,
        services.feed,
    )

    events = parse((await stream_while(live_app, account, worker.tick)).text)[0]
    assert [e.data["kind"] for e in changes_of(events, account)] == ["notification"]


async def test_a_profile_change_reaches_the_users_other_tabs_and_their_teammates(
    live_app: FastAPI, http: httpx.AsyncClient
) -> None:
    owner, member, _ = await shared_project(live_app, http, "editor")

    async def patch_me(body: dict[str, object]) -> None:
        response = await http.patch(f"{API}/users/me", json=body, headers=owner.headers)
        assert response.status_code == 200, response.text

    async def week_start() -> None:
        await patch_me({"week_start": "sunday"})
        await patch_me({"week_start": "sunday"})  # no change: nothing to tell

    events = parse((await stream_while(live_app, owner, week_start)).text)[0]
    assert [e.data["kind"] for e in changes_of(events, owner)] == ["profile"]

    async def zone() -> None:
        await patch_me({"time_zone": "Asia/Tokyo"})

    # A new zone moves the user's days (tasks) as well as their profile.
    events = parse((await stream_while(live_app, owner, zone)).text)[0]
    assert sorted(e.data["kind"] for e in changes_of(events, owner)) == ["profile", "tasks"]

    async def rename() -> None:
        await patch_me({"full_name": "Ada Lovelace"})

    # A teammate shows the owner's name (members, assignees): their stream hears of it too.
    events = parse((await stream_while(live_app, member, rename)).text)[0]
    assert [e.data["kind"] for e in changes_of(events, owner)] == ["profile"]


async def test_the_stream_requires_authentication(http: httpx.AsyncClient) -> None:
    response = await http.get(f"{API}/events")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_an_open_stream_is_not_a_slow_request_in_the_metrics(
    live_app: FastAPI, http: httpx.AsyncClient
) -> None:
    account = await register_and_login(http)
    await stream_while(live_app, account, quiet_beats=3)  # open 1.5 s: past the 1 s bucket
    metrics = (await http.get("/metrics")).text
    route = 'route="/api/v1/events"'
    assert f'http_requests_total{{method="GET",{route},status="200"}}' in metrics

    # Refused (401) requests of the route are observed, as any request; a stream never is (this
    # one would show above the 1 s bucket).
    def sample(name: str) -> float:
        found = [line for line in metrics.splitlines() if line.startswith(name) and route in line]
        return float(found[0].rsplit(" ", 1)[1]) if found else 0.0

    under_a_second = sample('http_request_duration_seconds_bucket{le="1.0"')
    assert sample("http_request_duration_seconds_count") == under_a_second
    assert "taskapp_live_streams 0.0" in metrics
