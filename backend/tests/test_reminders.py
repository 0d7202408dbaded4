"""Reminders, notifications and the worker (docs/adr/0017): reminders follow their task's due,
only the task's reader sets them, a due reminder fires exactly once into one notification and
one mail (read back from a real SMTP server, aiosmtpd), mail is retried with backoff, the digest
mails the day's tasks, and `make run`'s in-process loop fires them without a worker process."""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from taskapp import migrate
from taskapp.changefeed import ChangeFeed
from taskapp.db import utcnow
from taskapp.mail import Mailer
from taskapp.mail.outbox import OutboxMail
from taskapp.main import create_app
from taskapp.observability.logging import configure_logging
from taskapp.reminders import service as reminder_service
from taskapp.reminders.models import Notification, Reminder
from taskapp.settings import Settings
from taskapp.worker.loop import JobLoop
from taskapp.worker.server import probe_app
from tests.conftest import (
    Account,
    Inbox,
    app_on,
    client_for,
    create_task,
    free_port,
    register_and_login,
    smtp_settings,
)
from tests.test_dates import complete
from tests.test_shared_tasks import share

API = "/api/v1"


@pytest.fixture(scope="module")
def mail_settings(make_settings: Callable[..., Settings], smtp: tuple[Inbox, int]) -> Settings:
    return make_settings(
        **smtp_settings(smtp[1]),
        worker_in_process=False,  # these tests tick the loop themselves
    )


@pytest.fixture(scope="module")
async def mail_app(mail_settings: Settings) -> AsyncIterator[FastAPI]:
    async with app_on(mail_settings) as application:
        yield application


APP_FIXTURE = "mail_app"  # the app conftest's `http` fixture is a client of


def _loop(application: FastAPI, settings: Settings | None = None) -> JobLoop:
    """A worker's loop on the app's database (its own registry, as a worker process has), with
    the app's settings unless a test gives others (a broken or hung SMTP server)."""
    services = application.state.services
    settings = settings or services.settings
    registry = CollectorRegistry()
    return JobLoop(
        settings, services.session_factory, Mailer(settings, registry), registry, services.feed
    )


async def _count(application: FastAPI, model: Any, *where: Any) -> int:
    async with application.state.services.session_factory() as session:
        return (await session.scalar(select(func.count()).select_from(model).where(*where))) or 0


async def _unfired_reminders(application: FastAPI, account: Account) -> int:
    """How many of the account's reminders no pass has fired (or spent) yet."""
    return await _count(
        application,
        Reminder,
        Reminder.fired_at.is_(None),
        Reminder.user_id == uuid.UUID(account.user_id),
    )


def _worker_mail(inbox: Inbox, address: str) -> list[EmailMessage]:
    """The worker's mail to the address (registration also mails a verification link)."""
    return [m for m in inbox.to(address) if not m["Subject"].startswith("Confirm your email")]


def _jobs(loop: JobLoop, job: str, outcome: str) -> float:
    value = loop.registry.get_sample_value("taskapp_jobs_total", {"job": job, "outcome": outcome})
    return value or 0.0


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def test_a_reminder_before_the_due_follows_the_due_when_it_moves(
    http: httpx.AsyncClient,
) -> None:
    account = await register_and_login(http)
    due = datetime(2031, 5, 6, 12, 0, tzinfo=UTC)
    task = await create_task(http, account, due_date=_z(due))
    created = await http.post(
        f"{API}/tasks/{task['id']}/reminders", json={"before_due": 90}, headers=account.headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["fires_at"] == "2031-05-06T10:30:00Z"

    moved = await http.patch(
        f"{API}/tasks/{task['id']}",
        json={"due_date": _z(due + timedelta(days=1))},
        headers=account.headers,
    )
    assert moved.status_code == 200, moved.text
    listed = await http.get(f"{API}/tasks/{task['id']}/reminders", headers=account.headers)
    assert [r["fires_at"] for r in listed.json()] == ["2031-05-07T10:30:00Z"]


async def _reminders_of(
    http: httpx.AsyncClient, account: Account, task: dict[str, Any]
) -> list[tuple[str | None, bool]]:
    """(fires_at, fired) of each of the task's reminders."""
    listed = await http.get(f"{API}/tasks/{task['id']}/reminders", headers=account.headers)
    assert listed.status_code == 200, listed.text
    return [(r["fires_at"], r["fired_at"] is not None) for r in listed.json()]


async def _notified(http: httpx.AsyncClient, account: Account) -> list[tuple[str, str | None]]:
    page = (await http.get(f"{API}/notifications", headers=account.headers)).json()
    return [(n["title"], n["due_at"]) for n in page["items"]]


async def test_a_reminder_before_the_due_fires_again_for_each_new_due_and_once_for_each(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    """A daily task reminds an hour before every occurrence, whether it is completed (rolled on),
    skipped or postponed; two workers still fire each due once, and a due brought forward to a
    time already past does not remind again."""
    account = await register_and_login(http)
    due = datetime(2031, 5, 6, 12, 0, tzinfo=UTC)
    task = await create_task(
        http, account, title="Stretch", due_date=_z(due), recurrence="FREQ=DAILY"
    )
    added = await http.post(
        f"{API}/tasks/{task['id']}/reminders", json={"before_due": 60}, headers=account.headers
    )
    assert added.status_code == 201, added.text
    first, second = _loop(mail_app), _loop(mail_app)

    async def tick_at(moment: datetime) -> None:
        await asyncio.gather(first.fire_reminders(moment), second.fire_reminders(moment))

    await tick_at(due - timedelta(minutes=61))  # not yet
    assert await _notified(http, account) == []
    await tick_at(due - timedelta(minutes=59))
    assert await _reminders_of(http, account, task) == [("2031-05-06T11:00:00Z", True)]

    # Completed: the task rolls on to the 7th, and the reminder is armed for it.
    task = await complete(http, account, task)
    assert task["due_date"] == "2031-05-07T12:00:00Z"
    assert await _reminders_of(http, account, task) == [("2031-05-07T11:00:00Z", False)]
    await tick_at(due - timedelta(minutes=58))  # the same tick time again: nothing new
    await tick_at(due + timedelta(days=1, minutes=-59))
    await tick_at(due + timedelta(days=1, minutes=-58))

    # Skipped on the 8th: armed for the 9th; it fires then, and once.
    task = (await http.get(f"{API}/tasks/{task['id']}", headers=account.headers)).json()
    skipped = await http.post(
        f"{API}/tasks/{task['id']}/skip", json={"version": task["version"]}, headers=account.headers
    )
    assert skipped.status_code == 200, skipped.text
    assert skipped.json()["due_date"] == "2031-05-08T12:00:00Z"
    await tick_at(due + timedelta(days=2, minutes=-59))

    # Postponed by an hour after it fired: it fires again an hour before the new due.
    postponed = due + timedelta(days=2, hours=1)
    moved = await http.patch(
        f"{API}/tasks/{task['id']}", json={"due_date": _z(postponed)}, headers=account.headers
    )
    assert moved.status_code == 200, moved.text
    assert await _reminders_of(http, account, task) == [("2031-05-08T12:00:00Z", False)]
    await tick_at(postponed - timedelta(minutes=59))

    # Brought back to noon after that: its time (11:00) is before it last fired, so it is spent.
    back = await http.patch(
        f"{API}/tasks/{task['id']}",
        json={"due_date": _z(postponed - timedelta(hours=1))},
        headers=account.headers,
    )
    assert back.status_code == 200, back.text
    await tick_at(postponed - timedelta(minutes=58))
    assert await _reminders_of(http, account, task) == [("2031-05-08T11:00:00Z", True)]
    listed = await http.get(f"{API}/tasks/{task['id']}/reminders", headers=account.headers)
    assert listed.json()[0]["fired_at"] == _z(postponed - timedelta(minutes=59))  # its last firing

    assert await _notified(http, account) == [
        ("Stretch", "2031-05-08T13:00:00Z"),
        ("Stretch", "2031-05-08T12:00:00Z"),
        ("Stretch", "2031-05-07T12:00:00Z"),
        ("Stretch", "2031-05-06T12:00:00Z"),
    ]
    # One mail a firing (queued for the tick's time, in 2031).
    async with mail_app.state.services.session_factory() as session:
        mails = await session.scalars(
            select(OutboxMail.context)
            .where(OutboxMail.user_id == uuid.UUID(account.user_id))
            .order_by(OutboxMail.created_at)
        )
        assert [mail["due"] for mail in mails] == [
            "2031-05-06 12:00 UTC",
            "2031-05-07 12:00 UTC",
            "2031-05-08 12:00 UTC",
            "2031-05-08 13:00 UTC",
        ]
    # Every notification is its own row; only the latest keeps the reminder's link.
    linked = await _count(
        mail_app, Notification, Notification.reminder_id == uuid.UUID(added.json()["id"])
    )
    assert linked == 1


async def test_fired_reminders_are_read_a_window_a_tick_and_each_moved_one_is_found_once(
    mail_app: FastAPI, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a window of one, each tick reads one fired reminder before the due (whatever their
    number, so a tick costs the same), and one round over all of them finds every reminder whose
    task's due has moved, once."""
    account = await register_and_login(http)
    due = datetime(2032, 3, 1, 9, 0, tzinfo=UTC)
    moved: set[str] = set()
    for title in ("a", "b"):
        task = await create_task(http, account, title=title, due_date=_z(due))
        added = await http.post(
            f"{API}/tasks/{task['id']}/reminders", json={"before_due": 10}, headers=account.headers
        )
        moved.add(added.json()["id"])
        await _loop(mail_app).fire_reminders(due)
        later = await http.patch(
            f"{API}/tasks/{task['id']}",
            json={"due_date": _z(due + timedelta(hours=1))},
            headers=account.headers,
        )
        assert later.status_code == 200, later.text
    fired_relative = await _count(
        mail_app, Reminder, Reminder.at.is_(None), Reminder.fired_at.is_not(None)
    )
    monkeypatch.setattr(reminder_service, "REARM_WINDOW", 1)
    found: list[str] = []
    after: uuid.UUID | None = None
    ticks = 0
    async with mail_app.state.services.session_factory() as session:
        while True:
            ticks += 1
            scan = await reminder_service.due_reminders(
                session, due + timedelta(hours=1), 50, after
            )
            found += [str(item.reminder_id) for item in scan.due if str(item.reminder_id) in moved]
            if scan.rearm_after is None:
                break
            assert after is None or scan.rearm_after > after  # one row further each tick
            after = scan.rearm_after
    assert sorted(found) == sorted(moved)
    assert ticks == fired_relative + 1  # a window a reminder, then one that comes back empty

    # A worker's loop tells how long its round took, once it has gone round (ticked at a time
    # long past, so that nothing fires and the number of fired reminders stays the same).
    loop = _loop(mail_app)
    for _ in range(fired_relative):
        await loop.fire_reminders(datetime(2000, 1, 1, tzinfo=UTC))
    assert loop.registry.get_sample_value("taskapp_reminders_rearm_round_seconds") == 0
    await loop.fire_reminders(datetime(2000, 1, 1, tzinfo=UTC))
    assert (loop.registry.get_sample_value("taskapp_reminders_rearm_round_seconds") or 0) > 0


async def test_only_someone_who_can_read_the_task_sets_reminders_on_it(
    http: httpx.AsyncClient,
) -> None:
    owner = await register_and_login(http)
    stranger = await register_and_login(http)
    task = await create_task(http, owner)
    url = f"{API}/tasks/{task['id']}/reminders"
    body = {"at": "2031-01-01T09:00:00Z"}
    assert (await http.post(url, json=body, headers=stranger.headers)).status_code == 404
    assert (await http.get(url, headers=stranger.headers)).status_code == 404
    mine = (await http.post(url, json=body, headers=owner.headers)).json()
    gone = await http.delete(f"{url}/{mine['id']}", headers=stranger.headers)
    assert gone.status_code == 404
    both = await http.post(url, json={**body, "before_due": 5}, headers=owner.headers)
    assert both.status_code == 422


async def _due_reminder(http: httpx.AsyncClient, account: Account, title: str) -> str:
    task = await create_task(http, account, title=title)
    response = await http.post(
        f"{API}/tasks/{task['id']}/reminders",
        json={"at": _z(utcnow() - timedelta(seconds=1))},
        headers=account.headers,
    )
    assert response.status_code == 201, response.text
    reminder_id: str = response.json()["id"]
    return reminder_id


async def test_two_loops_fire_a_due_reminder_into_one_notification_and_one_mail(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    account = await register_and_login(http)
    await _due_reminder(http, account, "Water <the> plants")
    first, second = _loop(mail_app), _loop(mail_app)
    await asyncio.gather(first.tick(), second.tick())
    await asyncio.gather(first.tick(), second.tick())

    (mail,) = _worker_mail(smtp[0], account.email)
    assert mail["Subject"] == "Reminder: Water <the> plants"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None
    assert html is not None
    assert '"Water <the> plants"' in text.get_content()
    assert "<strong>Water &lt;the&gt; plants</strong>" in html.get_content()
    page = (await http.get(f"{API}/notifications", headers=account.headers)).json()
    assert page["unread_count"] == 1
    assert [(n["kind"], n["title"]) for n in page["items"]] == [("reminder", "Water <the> plants")]
    outcomes = [
        (_jobs(loop, "reminder", "ok"), _jobs(loop, "reminder", "failed"))
        for loop in (first, second)
    ]
    assert sorted(outcomes) == [(0.0, 0.0), (1.0, 0.0)]  # one loop fired it, no claim failed
    delivered = [
        loop.registry.get_sample_value("taskapp_job_duration_seconds_count", {"job": "mail"})
        for loop in (first, second)
    ]
    assert sorted(value or 0.0 for value in delivered) == [0.0, 1.0]


async def test_notifications_page_newest_first_and_are_marked_read(
    mail_app: FastAPI, http: httpx.AsyncClient
) -> None:
    account = await register_and_login(http)
    for title in ("one", "two", "three"):
        await _due_reminder(http, account, title)
        await _loop(mail_app).tick()
    first = (await http.get(f"{API}/notifications?limit=2", headers=account.headers)).json()
    assert [n["title"] for n in first["items"]] == ["three", "two"]
    rest = await http.get(
        f"{API}/notifications", params={"cursor": first["next_cursor"]}, headers=account.headers
    )
    assert [n["title"] for n in rest.json()["items"]] == ["one"]
    read = await http.post(
        f"{API}/notifications/read",
        json={"ids": [first["items"][0]["id"]]},
        headers=account.headers,
    )
    assert read.json() == {"unread_count": 2}
    everything = await http.post(
        f"{API}/notifications/read", json={"all": True}, headers=account.headers
    )
    assert everything.json() == {"unread_count": 0}
    forged = await http.get(
        f"{API}/notifications",
        params={"cursor": "x" + first["next_cursor"]},
        headers=account.headers,
    )
    assert forged.status_code == 422


async def test_snoozing_a_notification_reminds_again_later(
    mail_app: FastAPI, http: httpx.AsyncClient
) -> None:
    account = await register_and_login(http)
    await _due_reminder(http, account, "Call back")
    await _loop(mail_app).tick()
    (notification,) = (await http.get(f"{API}/notifications", headers=account.headers)).json()[
        "items"
    ]
    snoozed = await http.post(
        f"{API}/notifications/{notification['id']}/snooze",
        json={"minutes": 10},
        headers=account.headers,
    )
    assert snoozed.status_code == 201, snoozed.text
    fires = datetime.fromisoformat(snoozed.json()["fires_at"])
    assert timedelta(minutes=9) < fires - utcnow() <= timedelta(minutes=10)
    page = (await http.get(f"{API}/notifications", headers=account.headers)).json()
    assert page["unread_count"] == 0
    url = f"{API}/tasks/{notification['task_id']}/reminders"
    listed = (await http.get(url, headers=account.headers)).json()
    assert [r["id"] for r in listed if r["fired_at"] is None] == [snoozed.json()["id"]]
    deleted = await http.delete(f"{url}/{snoozed.json()['id']}", headers=account.headers)
    assert deleted.status_code == 204
    assert len((await http.get(url, headers=account.headers)).json()) == 1
    other = await register_and_login(http)
    stolen = await http.post(
        f"{API}/notifications/{notification['id']}/snooze",
        json={"minutes": 10},
        headers=other.headers,
    )
    assert stolen.status_code == 404


async def test_mail_that_fails_is_retried_with_backoff_then_sent(
    make_settings: Callable[..., Settings],
    mail_app: FastAPI,
    http: httpx.AsyncClient,
    smtp: tuple[Inbox, int],
) -> None:
    account = await register_and_login(http)
    await _due_reminder(http, account, "Retry me")
    down = make_settings(
        smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False, smtp_timeout_seconds=2
    )
    broken = _loop(mail_app, down)
    await broken.tick()
    assert _jobs(broken, "mail", "retry") >= 1  # this mail (the row below), maybe others'
    async with mail_app.state.services.session_factory() as session:
        row = await session.scalar(select(OutboxMail).where(OutboxMail.to == account.email))
        assert row is not None
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.next_attempt_at - utcnow() > timedelta(seconds=20)  # backed off
    await _loop(mail_app).tick()  # not due yet: nothing sent
    assert _worker_mail(smtp[0], account.email) == []
    async with mail_app.state.services.session_factory() as session:
        await session.execute(
            update(OutboxMail)
            .where(OutboxMail.to == account.email)
            .values(next_attempt_at=utcnow())
        )
        await session.commit()
    await _loop(mail_app).tick()
    (mail,) = _worker_mail(smtp[0], account.email)
    assert mail["Subject"] == "Reminder: Retry me"
    assert (
        await _count(
            mail_app, OutboxMail, OutboxMail.status == "sent", OutboxMail.to == account.email
        )
        == 1
    )


async def test_the_daily_digest_mails_the_days_tasks_once(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    account = await register_and_login(http)
    today = utcnow().date()  # the account's zone is UTC
    await create_task(http, account, title="Due today", due_on=today.isoformat())
    await create_task(
        http, account, title="Due later", due_on=(today + timedelta(days=3)).isoformat()
    )
    hour = 0  # any hour of the day is at or after it
    set_ = await http.put(
        f"{API}/notifications/settings", json={"digest_hour": hour}, headers=account.headers
    )
    assert set_.json() == {"digest_hour": hour}
    for _ in range(2):
        await _loop(mail_app).tick()
    (digest,) = _worker_mail(smtp[0], account.email)
    text = digest.get_body(("plain",))
    assert text is not None
    assert "- Due today" in text.get_content()
    assert "Due later" not in text.get_content()


async def test_the_in_process_loop_fires_reminders_without_a_worker(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(worker_in_process=True, worker_poll_seconds=0.1)
    application = create_app(settings)
    async with LifespanManager(application), client_for(application) as http:
        account = await register_and_login(http)
        await _due_reminder(http, account, "In process")
        for _ in range(100):
            page = (await http.get(f"{API}/notifications", headers=account.headers)).json()
            if page["items"]:
                break
            await asyncio.sleep(0.05)
        assert [n["title"] for n in page["items"]] == ["In process"]
    assert await _unfired_reminders(application, account) == 0
    await application.state.services.engine.dispose()


def test_the_loop_runs_in_process_by_default_on_sqlite_only() -> None:
    assert Settings(database_url="sqlite+aiosqlite:///x.db").runs_worker_in_process
    assert not Settings(database_url="postgresql+asyncpg://h/db").runs_worker_in_process
    assert not Settings(
        database_url="sqlite+aiosqlite:///x.db", worker_in_process=False
    ).runs_worker_in_process
    assert Notification.__table__.c.reminder_id.unique


async def test_the_worker_probe_answers_503_when_the_loop_is_stuck(
    make_settings: Callable[..., Settings], mail_app: FastAPI
) -> None:
    settings = make_settings(worker_stuck_seconds=0.2)
    loop = _loop(mail_app, settings)
    transport = httpx.ASGITransport(app=probe_app(loop, loop.registry))
    async with httpx.AsyncClient(transport=transport, base_url="http://worker") as probe:
        await loop.tick()
        assert (await probe.get("/healthz")).json() == {"status": "ok"}
        await asyncio.sleep(0.3)  # no pass finished since
        stuck = await probe.get("/healthz")
        assert (stuck.status_code, stuck.json()) == (503, {"status": "stuck"})
        metrics = await probe.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "taskapp_worker_last_tick_timestamp_seconds " in metrics.text


async def test_stopping_cancels_a_pass_stuck_on_smtp_within_the_grace(
    make_settings: Callable[..., Settings], mail_app: FastAPI, http: httpx.AsyncClient
) -> None:
    account = await register_and_login(http)
    await _due_reminder(http, account, "Hung server")
    with socket.socket() as silent:  # accepts connections, never greets: a hung SMTP server
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        hung = make_settings(
            smtp_host="127.0.0.1",
            smtp_port=silent.getsockname()[1],
            smtp_starttls=False,
            smtp_timeout_seconds=60,
        )
        loop = _loop(mail_app, hung)
        stop = asyncio.Event()
        running = asyncio.create_task(loop.run(stop))
        async with mail_app.state.services.session_factory() as session:
            for _ in range(100):  # until the pass has leased the mail and is waiting on SMTP
                row = await session.scalar(select(OutboxMail).where(OutboxMail.to == account.email))
                if row is not None and row.attempts == 1:
                    break
                await asyncio.sleep(0.05)
                session.expire_all()
        started = asyncio.get_running_loop().time()
        await loop.stop(running, stop, grace=0.5)
        assert asyncio.get_running_loop().time() - started < 2
        assert running.cancelled()
    async with mail_app.state.services.session_factory() as session:
        row = await session.scalar(select(OutboxMail).where(OutboxMail.to == account.email))
        assert row is not None
        # Still pending: another worker sends it once the lease is over.
        assert (row.status, row.attempts, row.sent_at) == ("pending", 1, None)
        assert row.next_attempt_at > utcnow()


async def test_a_member_removed_from_the_project_is_not_reminded_of_its_tasks(
    mail_app: FastAPI, http: httpx.AsyncClient, smtp: tuple[Inbox, int]
) -> None:
    # The notification and the mail would carry the title of a task the member may no longer read.
    owner, member = await register_and_login(http), await register_and_login(http)
    project = (
        await http.post(f"{API}/projects", json={"name": "Shared"}, headers=owner.headers)
    ).json()["id"]
    await share(mail_app, http, owner, project, member, "viewer")
    task = await create_task(http, owner, title="Secret plan", project_id=project)
    made = await http.post(
        f"{API}/tasks/{task['id']}/reminders",
        json={"at": _z(utcnow() - timedelta(seconds=1))},
        headers=member.headers,
    )
    assert made.status_code == 201, made.text
    gone = await http.delete(
        f"{API}/projects/{project}/members/{member.user_id}", headers=owner.headers
    )
    assert gone.status_code == 204
    loop = _loop(mail_app)
    await loop.tick()
    await loop.tick()

    page = (await http.get(f"{API}/notifications", headers=member.headers)).json()
    assert page["items"] == []
    reminders = [m for m in _worker_mail(smtp[0], member.email) if "Secret" in m["Subject"]]
    assert reminders == []  # (the invitation was mailed to them too)
    # Spent, not pending: no later pass picks it up again.
    assert await _unfired_reminders(mail_app, member) == 0


async def test_whole_numbers_are_json_integers_written_either_way_and_nothing_else(
    http: httpx.AsyncClient,
) -> None:
    # JSON Schema's integer admits 8.0 (schemathesis sent it and got 422); "8", true, 8.5 are not.
    account = await register_and_login(http)
    url = f"{API}/notifications/settings"
    accepted = await http.put(url, json={"digest_hour": 8.0}, headers=account.headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["digest_hour"] == 8
    for wrong in ("8", True, 8.5):
        refused = await http.put(url, json={"digest_hour": wrong}, headers=account.headers)
        assert refused.status_code == 422, (wrong, refused.text)
        assert refused.json()["errors"][0]["field"] == "body.digest_hour"
    task = await create_task(http, account, title="Due later", due_on="2031-05-01")
    reminder = await http.post(
        f"{API}/tasks/{task['id']}/reminders", json={"before_due": 10.0}, headers=account.headers
    )
    assert reminder.status_code == 201, reminder.text
    assert reminder.json()["before_due"] == 10


async def test_a_job_failing_the_same_way_every_tick_logs_its_traceback_once(
    make_settings: Callable[..., Settings], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`make run` on a database not yet migrated (or one that is away): every tick fails the
    same way. One traceback per job, then a line per tick, and a line when it recovers."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'unmigrated.db'}"
    settings = make_settings(database_url=url)
    engine = create_async_engine(url)
    registry = CollectorRegistry()
    feed = ChangeFeed(None, None, registry)
    loop = JobLoop(settings, async_sessionmaker(engine), Mailer(settings, registry), registry, feed)
    try:
        # As the app logs (through the standard library); structlog's capture_logs would miss
        # a logger another test had already used (its loggers are cached on first use).
        configure_logging(json_logs=True)
        logging.getLogger().addHandler(caplog.handler)  # configuring replaced the root's
        with caplog.at_level(logging.INFO, logger="taskapp.worker.loop"):
            for _ in range(3):
                await loop.tick()
            await asyncio.to_thread(migrate.upgrade, url)
            await loop.tick()
    finally:
        await engine.dispose()
    logs = [
        r.msg for r in caplog.records if r.name == "taskapp.worker.loop" and isinstance(r.msg, dict)
    ]
    failed = [e for e in logs if e["event"] == "job_failed"]
    every_job = ["attachment_purge", "digest", "mail", "reminder"]
    assert sorted(e["job"] for e in failed) == every_job
    assert all(e.get("exc_info") for e in failed)
    still = [e for e in logs if e["event"] == "job_still_failing"]
    assert len(still) == 2 * len(every_job)
    assert not any(e.get("exc_info") for e in still)
    assert "no such table" in still[0]["error"]
    recovered = [e["job"] for e in logs if e["event"] == "job_recovered"]
    assert sorted(recovered) == every_job
    assert _jobs(loop, "reminder", "failed") == 3
