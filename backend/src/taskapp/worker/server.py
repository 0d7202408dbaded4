"""`taskapp worker`: the job loop plus its probe and metrics endpoint (the chart's contract):
GET /metrics (Prometheus text) and GET /healthz (200 while the loop ticks, 503 when it is stuck)
on TASKAPP_WORKER_METRICS_PORT (9102)."""

from __future__ import annotations

import asyncio
import signal

import structlog
import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from taskapp.cache import redis_client
from taskapp.changefeed import ChangeFeed
from taskapp.db import create_engine, create_session_factory
from taskapp.mail import Mailer
from taskapp.settings import Settings
from taskapp.worker.loop import JobLoop

log = structlog.get_logger(__name__)


def probe_app(loop: JobLoop, registry: CollectorRegistry) -> Starlette:
    async def metrics(_request: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    async def healthz(_request: Request) -> Response:
        alive = loop.alive()
        return JSONResponse(
            {"status": "ok" if alive else "stuck"}, status_code=200 if alive else 503
        )

    return Starlette(routes=[Route("/metrics", metrics), Route("/healthz", healthz)])


async def run_worker(settings: Settings) -> None:
    registry = CollectorRegistry(auto_describe=True)
    engine = create_engine(settings)
    mailer = Mailer(settings, registry)
    # Notifications reach the API replicas' live streams through Redis (docs/adr/0019).
    publisher = redis_client(settings)
    feed = ChangeFeed(settings.redis_url, publisher, registry)
    loop = JobLoop(settings, create_session_factory(engine), mailer, registry, feed)
    server = uvicorn.Server(
        uvicorn.Config(
            probe_app(loop, registry),
            host=settings.worker_metrics_host,
            port=settings.worker_metrics_port,
            log_config=None,
            access_log=False,
            lifespan="off",
        )
    )
    # uvicorn takes SIGTERM/SIGINT while it serves, stops, then raises the signal again for the
    # handler it found: ours, which stops the loop (a tick in progress finishes, its claims
    # committed or rolled back whole). Exiting 0 then, as `taskapp serve` does.
    stop = asyncio.Event()
    event_loop = asyncio.get_running_loop()

    def stopping(_signum: int, _frame: object) -> None:
        event_loop.call_soon_threadsafe(stop.set)

    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, stopping)
    serving = asyncio.create_task(server.serve())
    serving.add_done_callback(lambda _task: stop.set())
    running = asyncio.create_task(loop.run(stop))
    try:
        await stop.wait()
        await loop.stop(running, stop, settings.shutdown_grace_seconds)
    finally:
        server.should_exit = True
        await serving
        if publisher is not None:
            await publisher.aclose()
        await engine.dispose()
