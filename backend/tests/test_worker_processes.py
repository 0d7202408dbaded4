"""The proof of docs/adr/0017 with real processes: two `taskapp worker` processes on real
PostgreSQL, one stopped (SIGTERM) and restarted and the other killed (SIGKILL) while reminders
come due, fire every reminder exactly once: one notification and one mail each, read back from a
real SMTP server (aiosmtpd). Their probe port answers /healthz and /metrics (the chart's
contract)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import distinct, func, select

from taskapp.db import create_engine, create_session_factory, utcnow
from taskapp.mail.outbox import OutboxMail
from taskapp.reminders.models import Notification
from taskapp.settings import Settings
from tests.conftest import (
    Account,
    Inbox,
    answers_200,
    create_task,
    free_port,
    register_and_login,
    serving,
)
from tests.test_reminders import _z

pytestmark = pytest.mark.postgres_only  # several processes on one database need a server

API = "/api/v1"
BATCH = 30  # reminders made due at once, twice


class Worker:
    def __init__(self, database_url: str, smtp_port: int, log: Path) -> None:
        self.port = free_port()
        self._log = log
        self._env = {
            **os.environ,
            "TASKAPP_DATABASE_URL": database_url,
            "TASKAPP_SMTP_HOST": "127.0.0.1",
            "TASKAPP_SMTP_PORT": str(smtp_port),
            "TASKAPP_SMTP_STARTTLS": "false",
            "TASKAPP_SMTP_FROM": "taskapp <noreply@taskapp.test>",
            "TASKAPP_WORKER_POLL_SECONDS": "0.2",
            "TASKAPP_WORKER_METRICS_HOST": "127.0.0.1",
            "TASKAPP_WORKER_METRICS_PORT": str(self.port),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def spawn(self) -> None:
        with self._log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "taskapp.cli", "worker"],
                env=self._env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def ready(self) -> None:
        # A loaded machine takes seconds to import the app.
        if answers_200(f"{self.url}/healthz", 60):
            return
        raise AssertionError(f"worker did not come up: {self._log.read_text()[-2000:]}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, sig: signal.Signals) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        return self.process.wait(timeout=20)


@pytest.fixture
def workers(
    database_url: str, smtp: tuple[Inbox, int], tmp_path: Path
) -> Iterator[tuple[Worker, Worker]]:
    pair = (
        Worker(database_url, smtp[1], tmp_path / "a.log"),
        Worker(database_url, smtp[1], tmp_path / "b.log"),
    )
    yield pair
    for worker in pair:
        if worker.process is not None and worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait()


def _wait_for(check: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)


async def _add_reminders(settings: Settings, account: Account | None) -> Account:
    """BATCH reminders due now for the account (a new one if None): absolute ones, and relative
    ones (1 min before a due 1 min away)."""
    async with serving(settings) as http:
        account = account or await register_and_login(http)
        now = utcnow()
        for n in range(BATCH):
            if n % 3:
                task = await create_task(http, account, title=f"R{n}")
                body: dict[str, object] = {"at": _z(now - timedelta(seconds=1))}
            else:
                due = _z(now + timedelta(minutes=1))
                task = await create_task(http, account, title=f"R{n}", due_date=due)
                body = {"before_due": 1}
            response = await http.post(
                f"{API}/tasks/{task['id']}/reminders", json=body, headers=account.headers
            )
            assert response.status_code == 201, response.text
    return account


async def _stored(database_url: str, user_id: uuid.UUID) -> tuple[int, int, int]:
    """Notifications, distinct reminders they came from, outbox mail not sent."""
    engine = create_engine(Settings(database_url=database_url))
    async with create_session_factory(engine)() as session:
        notes, fired = (
            await session.execute(
                select(func.count(), func.count(distinct(Notification.reminder_id))).where(
                    Notification.user_id == user_id
                )
            )
        ).one()
        unsent = await session.scalar(
            select(func.count()).where(OutboxMail.user_id == user_id, OutboxMail.status != "sent")
        )
    await engine.dispose()
    return notes, fired, unsent or 0


def test_two_workers_and_a_restart_fire_each_reminder_exactly_once(
    settings: Settings,
    database_url: str,
    smtp: tuple[Inbox, int],
    workers: tuple[Worker, Worker],
) -> None:
    inbox = smtp[0]

    def mailed() -> list[str]:
        return [
            m["Message-ID"] for m in inbox.to(account.email) if m["Subject"].startswith("Reminder:")
        ]

    first, second = workers
    for worker in workers:
        worker.spawn()
    for worker in workers:
        worker.ready()
    # Both workers race for the same due reminders.
    account = asyncio.run(_add_reminders(settings, None))
    _wait_for(lambda: len(mailed()) >= BATCH, 30)
    assert first.stop(signal.SIGTERM) == 0  # a drained stop is a clean exit
    second.stop(signal.SIGKILL)
    # Reminders come due while no worker runs; after the restart the backlog fires, and
    # what fired before the restart does not fire again.
    asyncio.run(_add_reminders(settings, account))
    for worker in workers:
        worker.spawn()
    for worker in workers:
        worker.ready()
    _wait_for(lambda: len(mailed()) >= 2 * BATCH, 30)
    time.sleep(1)  # five more ticks of each worker: time for a duplicate to show

    assert len(mailed()) == 2 * BATCH
    assert len(set(mailed())) == 2 * BATCH
    stored = asyncio.run(_stored(database_url, uuid.UUID(account.user_id)))
    assert stored == (2 * BATCH, 2 * BATCH, 0)

    for worker in workers:
        health = httpx.get(f"{worker.url}/healthz", timeout=2)
        assert (health.status_code, health.json()) == (200, {"status": "ok"})
        metrics = httpx.get(f"{worker.url}/metrics", timeout=2).text
        for name in (
            "# TYPE taskapp_jobs_total counter",
            "# TYPE taskapp_job_duration_seconds histogram",
            "taskapp_reminders_due 0.0",
            "taskapp_worker_last_tick_timestamp_seconds ",
        ):
            assert name in metrics, name
        failed_jobs = [
            line
            for line in metrics.splitlines()
            if line.startswith("taskapp_jobs_total") and 'outcome="failed"' in line
        ]
        assert failed_jobs == []  # e.g. a second claim of a fired reminder
        # The fired reminder's notice (the bell, live) went out (docs/adr/0019).
        assert 'taskapp_live_notices_published_total{outcome="failed"} 0.0' in metrics
