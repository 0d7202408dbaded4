"""Prometheus metrics with fixed names (dashboards and alerts rely on them).

One registry per app, so several apps in one process (tests) never collide. The database-wide
gauges (tasks by status, active sessions) are refreshed in the background every few seconds, so a
scrape never runs a query.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterator

import structlog
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from taskapp import __version__
from taskapp.auth.models import AuthSession
from taskapp.db import utcnow
from taskapp.tasks.models import Task, TaskStatus

log = structlog.get_logger(__name__)

# 5 ms .. 10 s; 0.3 s is the latency SLO's threshold, so it must be a bucket boundary.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
AUTH_EVENTS = (
    "login_success",
    "login_failure",
    "lockout",
    "refresh",
    "refresh_reuse_detected",
    "logout",
)
CACHE_RESULTS = ("hit", "miss", "error")


class _PoolCollector(Collector):
    """Reads the connection pool at scrape time (no I/O: counters the pool keeps anyway)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[Metric]:
        pool = self._engine.sync_engine.pool
        checked_out = getattr(pool, "checkedout", lambda: 0)()
        size = getattr(pool, "size", lambda: 1)()
        yield GaugeMetricFamily(
            "database_connections_active", "Pool connections checked out now", value=checked_out
        )
        yield GaugeMetricFamily("database_pool_size", "Configured pool size", value=size)


class Metrics:
    def __init__(self, engine: AsyncEngine) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)
        registry.register(_PoolCollector(engine))

        self.requests = Counter(
            "http_requests", "HTTP requests", ["method", "route", "status"], registry=registry
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "HTTP request duration",
            ["method", "route"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        self.in_progress = Gauge(
            "http_requests_in_progress",
            "HTTP requests being served",
            ["method", "route"],
            registry=registry,
        )
        self.tasks = Gauge(
            "tasks_total", "Tasks by status, all users", ["status"], registry=registry
        )
        self.active_sessions = Gauge(
            "active_sessions", "Unexpired, unrevoked login sessions", registry=registry
        )
        self.cache = Counter("cache_requests", "Cache lookups", ["result"], registry=registry)
        self.auth = Counter("auth_events", "Authentication events", ["event"], registry=registry)
        Info("taskapp_build", "Build of this process", registry=registry).info(
            {"version": __version__, "commit": os.environ.get("TASKAPP_BUILD_COMMIT", "unknown")}
        )
        # Every known label value exists from the start: rate() and alerts see zeros, not gaps.
        for status in TaskStatus:
            self.tasks.labels(status=status.value)
        for event in AUTH_EVENTS:
            self.auth.labels(event=event)
        for result in CACHE_RESULTS:
            self.cache.labels(result=result)

    def auth_event(self, event: str) -> None:
        self.auth.labels(event=event).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    async def refresh_database_gauges(
        self, session_factory: async_sessionmaker[AsyncSession]
    ) -> None:
        async with session_factory() as session:
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

    async def refresh_forever(
        self, session_factory: async_sessionmaker[AsyncSession], interval: float
    ) -> None:
        while True:
            try:
                await self.refresh_database_gauges(session_factory)
            except Exception as exc:  # the database may be down: keep trying
                log.warning("metrics_refresh_failed", error=type(exc).__name__)
            await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def background_refresh(
    metrics: Metrics, session_factory: async_sessionmaker[AsyncSession], interval: float
) -> AsyncIterator[None]:
    task = asyncio.create_task(metrics.refresh_forever(session_factory, interval))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
