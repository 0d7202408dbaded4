"""The job loop: each tick fires due reminders, queues due digests, delivers outbox mail and
deletes the stored files of deleted attachments and tasks.

Every job claims its rows in the database (docs/adr/0018), so any number of loops may run at once
(worker replicas, and `taskapp serve` in-process) and a restart at any moment loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taskapp.attachments import service as attachments
from taskapp.attachments.storage import Store, build_store
from taskapp.changefeed import ChangeFeed
from taskapp.db import utcnow
from taskapp.mail import Mailer
from taskapp.mail.outbox import deliver_due
from taskapp.reminders import service as reminders
from taskapp.settings import Settings

log = structlog.get_logger(__name__)
T = TypeVar("T")
BATCH = 100


class WorkerMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.jobs = Counter(
            "taskapp_jobs",
            "Jobs the worker ran, by job and outcome (ok, retry: failed and retried later, failed:"
            " given up or crashed).",
            ["job", "outcome"],
            registry=registry,
        )
        self.duration = Histogram(
            "taskapp_job_duration_seconds",
            "How long one job took: a reminder fired, a day's digests queued, a mail delivered.",
            ["job"],
            registry=registry,
        )
        self.reminders_due = Gauge(
            "taskapp_reminders_due",
            "Reminders whose time has come that have not fired yet (at the last tick).",
            registry=registry,
        )
        self.rearm_round = Gauge(
            "taskapp_reminders_rearm_round_seconds",
            "How long this worker's last round over the fired reminders before the due took, a"
            " window a tick: a reminder whose task's due moved is armed again within about this"
            " long (0 until the first round ends).",
            registry=registry,
        )
        self.last_tick = Gauge(
            "taskapp_worker_last_tick_timestamp_seconds",
            "When the worker last finished a tick (Unix time).",
            registry=registry,
        )


class JobLoop:
    def __init__(
        self,
        settings: Settings,
        factory: async_sessionmaker[AsyncSession],
        mailer: Mailer,
        registry: CollectorRegistry,
        feed: ChangeFeed,
        store: Store | None = None,
    ) -> None:
        self._settings = settings
        self._feed = feed
        self._store = store if store is not None else build_store(settings)
        self._limits = attachments.Limits.of(settings)
        self._factory = factory
        self._mailer = mailer
        self.registry = registry
        self.metrics = WorkerMetrics(registry)
        self.last_tick_monotonic: float | None = None
        self._started = time.monotonic()
        # Where this loop's next window of fired reminders starts (reminders.due_reminders),
        # and when its current round over them began.
        self._rearm_after: uuid.UUID | None = None
        self._round_started = time.monotonic()
        # The error each job failed with at its last run, if it did: an outage fails every tick
        # the same way, and a traceback per job per tick is noise (and CPU, rendered in dev).
        self._failing: dict[str, str] = {}

    async def _timed(self, job: str, work: Awaitable[T]) -> T:
        started = time.perf_counter()
        try:
            return await work
        finally:
            self.metrics.duration.labels(job=job).observe(time.perf_counter() - started)

    async def fire_reminders(self, now: datetime) -> None:
        async with self._factory() as session:
            scan = await reminders.due_reminders(
                session, now, reminders.RELATIVE_SCAN, self._rearm_after
            )
        self._rearm_after = scan.rearm_after
        if scan.rearm_after is None:  # the round is over: the next tick starts the next one
            ended = time.monotonic()
            self.metrics.rearm_round.set(ended - self._round_started)
            self._round_started = ended
        self.metrics.reminders_due.set(len(scan.due))
        for item in scan.due[:BATCH]:
            fire = reminders.fire(self._factory, item.reminder_id, now, self._settings.public_url)
            async with self._feed.collecting():  # the recipient's bell, after the commit
                fired = await self._timed("reminder", fire)
            if fired:
                self.metrics.jobs.labels(job="reminder", outcome="ok").inc()

    async def _digests(self, now: datetime) -> None:
        queued = await self._timed("digest", reminders.claim_digests(self._factory, now))
        if queued:
            self.metrics.jobs.labels(job="digest", outcome="ok").inc(queued)

    async def _mail(self, _now: datetime) -> None:
        outcomes = await deliver_due(
            self._factory,
            self._mailer,
            now=utcnow(),
            max_attempts=self._settings.mail_max_attempts,
        )
        for outcome, seconds in outcomes:
            self.metrics.jobs.labels(job="mail", outcome=outcome).inc()
            self.metrics.duration.labels(job="mail").observe(seconds)

    async def purge_files(self, now: datetime) -> None:
        outcomes = await self._timed(
            "attachment_purge",
            attachments.purge_due(self._factory, self._store, self._limits, now),
        )
        for outcome in outcomes:
            self.metrics.jobs.labels(job="attachment_purge", outcome=outcome).inc()

    async def tick(self) -> None:
        """One pass over every job; a failing job is counted and the others still run."""
        now = utcnow()
        jobs: dict[str, Callable[[datetime], Awaitable[None]]] = {
            "reminder": self.fire_reminders,
            "digest": self._digests,
            "mail": self._mail,
            # Objects of deleted files and tasks, and uploads never completed (docs/adr/0020).
            "attachment_purge": self.purge_files,
        }
        for job, run in jobs.items():
            try:
                await run(now)
            except Exception as exc:  # e.g. the database is away: counted, tried next tick
                self.metrics.jobs.labels(job=job, outcome="failed").inc()
                error = repr(exc)
                if self._failing.get(job) == error:
                    log.warning("job_still_failing", job=job, error=error)
                else:
                    log.exception("job_failed", job=job, error=error)
                self._failing[job] = error
            else:
                if self._failing.pop(job, None) is not None:
                    log.info("job_recovered", job=job)
        self.last_tick_monotonic = time.monotonic()
        self.metrics.last_tick.set(time.time())

    def alive(self) -> bool:
        """A tick finished recently (or the loop has just started and not yet had the time)."""
        last = self.last_tick_monotonic or self._started
        return time.monotonic() - last < self._settings.worker_stuck_seconds

    async def stop(self, running: asyncio.Task[None], stop: asyncio.Event, grace: float) -> None:
        """Let the pass in progress finish, for at most `grace` seconds, then cancel it: a
        cancelled claim rolls back whole, and a mail sent but not yet marked is sent again after
        its lease (at least once, docs/adr/0018). An SMTP server that hangs cannot hold a pod's
        termination past its grace period."""
        stop.set()
        try:
            await asyncio.wait_for(running, grace)
        except TimeoutError:
            log.warning("worker_cancelled", grace_seconds=grace)

    async def run(self, stop: asyncio.Event) -> None:
        self._started = time.monotonic()
        log.info("worker_started", poll_seconds=self._settings.worker_poll_seconds)
        while not stop.is_set():
            await self.tick()
            with contextlib.suppress(TimeoutError):  # the poll interval passed: tick again
                await asyncio.wait_for(stop.wait(), timeout=self._settings.worker_poll_seconds)
        log.info("worker_stopped")
