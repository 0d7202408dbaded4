"""Database-wide gauges (tasks by status, active sessions), refreshed in the background.

They count rows of several domains' tables, so they live here in the composition layer rather
than in any one domain, and a scrape never runs a query: a task refreshes them every few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import structlog
from prometheus_client import CollectorRegistry, Gauge
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from taskapp.auth.models import AuthSession
from taskapp.db import utcnow
from taskapp.tasks.models import Task, TaskStatus

log = structlog.get_logger(__name__)


class DatabaseGauges:
    def __init__(
        self, registry: CollectorRegistry, session_factory: async_sessionmaker[AsyncSession]
    ) -> None:
        self._session_factory = session_factory
        self.tasks = Gauge(
            "tasks_total", "Tasks by status, all users", ["status"], registry=registry
        )
        self.active_sessions = Gauge(
            "active_sessions", "Unexpired, unrevoked login sessions", registry=registry
        )
        for status in TaskStatus:  # zeros from the start, not gaps
            self.tasks.labels(status=status.value)

    async def refresh(self) -> None:
        async with self._session_factory() as session:
            rows = await session.execute(select(Task.status, func.count()).group_by(Task.status))
            counts = dict(rows.all())
            sessions = await session.scalar(
                select(func.count())
                .select_from(AuthSession)
                .where(AuthSession.revoked_at.is_(None), AuthSession.expires_at > utcnow())
            )
        for status in TaskStatus:
            self.tasks.labels(status=status.value).set(counts.get(status, 0))
        self.active_sessions.set(sessions or 0)

    async def refresh_forever(self, interval: float) -> None:
        while True:
            try:
                await self.refresh()
            except Exception as exc:  # the database may be down: keep trying
                log.warning("metrics_refresh_failed", error=type(exc).__name__)
            await asyncio.sleep(interval)

    @contextlib.asynccontextmanager
    async def refreshed_in_background(self, interval: float) -> AsyncIterator[None]:
        task = asyncio.create_task(self.refresh_forever(interval))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
