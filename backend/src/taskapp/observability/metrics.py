"""Process and HTTP metrics with fixed names (dashboards and alerts rely on them).

The registry is the app's (Services.registry): each part registers its own metrics on it, so this
module names no domain. The cache counts its lookups (cache.py), auth its events
(auth/metrics.py), and ops/gauges.py keeps the database-wide gauges.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine

from taskapp import __version__
from taskapp.perf.driver import lending_pool_of

# 5 ms .. 10 s; 0.3 s is the latency SLO's threshold, so it must be a bucket boundary.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)


class _PoolCollector(Collector):
    """Reads the connection pool at scrape time (no I/O: counters the pool keeps anyway)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[Metric]:
        pool = self._engine.sync_engine.pool
        checked_out = getattr(pool, "checkedout", lambda: 0)()
        size = getattr(pool, "size", lambda: 1)()
        lending = lending_pool_of(self._engine)
        if lending is not None:
            # The pool counts a lease as checked out while it is held; it is active only while
            # it runs a statement (perf/lending.py).
            checked_out -= lending.idle
        yield GaugeMetricFamily(
            "database_connections_active",
            "Pool connections in use now (an idle lending-pool lease is not counted)",
            value=checked_out,
        )
        yield GaugeMetricFamily("database_pool_size", "Configured pool size", value=size)


class Metrics:
    """The process, the pool and the HTTP requests (observed by http/observe.py)."""

    def __init__(self, registry: CollectorRegistry, engine: AsyncEngine) -> None:
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
        Info("taskapp_build", "Build of this process", registry=registry).info(
            {"version": __version__, "commit": os.environ.get("TASKAPP_BUILD_COMMIT", "unknown")}
        )
