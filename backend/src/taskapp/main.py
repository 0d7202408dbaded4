"""create_app(): wires settings, services, middleware, routers and the web app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter
from prometheus_client import CollectorRegistry

from taskapp import __version__
from taskapp.account.router import router as account_router
from taskapp.attachments.router import router as attachments_router
from taskapp.attachments.router import store_router as attachment_store_router
from taskapp.attachments.storage import FORM_OVERHEAD_BYTES, LOCAL_UPLOAD_PATH, build_store
from taskapp.auth.router import router as auth_router
from taskapp.auth.wiring import build_auth_services
from taskapp.cache import build_cache, redis_client
from taskapp.changefeed import ChangeFeed, PublishChangesMiddleware
from taskapp.comments.router import router as comments_router
from taskapp.db import create_app_engine, create_session_factory
from taskapp.deps import Services
from taskapp.errors import ErrorBoundaryMiddleware, install_error_handlers
from taskapp.http.body_limit import BodySizeLimitMiddleware
from taskapp.http.cors import ProblemCORSMiddleware
from taskapp.http.headers import SecurityHeadersMiddleware, html_csp
from taskapp.http.request_id import REQUEST_ID_HEADER, is_valid_request_id
from taskapp.http.routes import RouteResolver
from taskapp.live.router import router as live_router
from taskapp.mail import Mailer
from taskapp.observability.logging import configure_logging
from taskapp.observability.metrics import Metrics
from taskapp.observability.requests import RequestObservabilityMiddleware
from taskapp.observability.tracing import setup_tracing, stop_tracing
from taskapp.openapi import document_malformed_bodies, document_validation_errors
from taskapp.ops.gauges import DatabaseGauges
from taskapp.ops.router import router as ops_router
from taskapp.perf.heap import freeze_after_start
from taskapp.projects.public import router as public_router
from taskapp.projects.router import invitations_router
from taskapp.projects.router import router as projects_router
from taskapp.reminders.router import router as reminders_router
from taskapp.saved_views.router import router as views_router
from taskapp.security import PasswordHasher, TokenCodec
from taskapp.settings import Settings, get_settings
from taskapp.tasks.reads import build_task_services
from taskapp.tasks.router import router as tasks_router
from taskapp.users.router import router as users_router
from taskapp.web import SinglePageApp
from taskapp.worker.loop import JobLoop


def build_services(settings: Settings) -> Services:
    """The core services every domain may use (deps.Services); domains build their own."""
    engine = create_app_engine(settings)
    registry = CollectorRegistry(auto_describe=True)
    redis = redis_client(settings)
    return Services(
        settings=settings,
        engine=engine,
        read_engine=engine.execution_options(isolation_level="AUTOCOMMIT"),
        session_factory=create_session_factory(engine),
        hasher=PasswordHasher(settings),
        tokens=TokenCodec(settings),
        registry=registry,
        cache=build_cache(settings, registry, redis),
        redis=redis,
        mailer=Mailer(settings, registry),
        feed=ChangeFeed(settings.redis_url, redis, registry),
    )


def create_served_app(settings: Settings | None = None) -> FastAPI:
    """The app as `taskapp serve` runs it (in every worker): its start-up heap frozen."""
    return freeze_after_start(create_app(settings))


def create_app(
    settings: Settings | None = None, *, span_exporter: SpanExporter | None = None
) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(json_logs=settings.is_production, level=settings.log_level)
    services = build_services(settings)
    store = build_store(settings)
    metrics = Metrics(services.registry, services.engine)
    gauges = DatabaseGauges(services.registry, services.session_factory)
    # `make run` (SQLite) fires reminders and delivers outbox mail without a worker process.
    jobs = (
        JobLoop(
            settings,
            services.session_factory,
            services.mailer,
            services.registry,
            services.feed,
            store,
        )
        if settings.runs_worker_in_process
        else None
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        running = asyncio.create_task(jobs.run(stop)) if jobs is not None else None
        async with gauges.refreshed_in_background(settings.metrics_refresh_seconds):
            yield
        if jobs is not None and running is not None:
            await jobs.stop(running, stop, settings.shutdown_grace_seconds)
        # Mail scheduled by the last requests goes out before the process ends (bounded).
        await services.mailer.drain(settings.smtp_timeout_seconds)
        await services.feed.close()
        await services.cache.close()
        await services.engine.dispose()
        if tracer_provider is not None:
            stop_tracing(tracer_provider)

    app = FastAPI(
        title="taskapp API",
        version=__version__,
        description="Accounts, sessions, projects and tasks. Errors are RFC 9457 problem details.",
        lifespan=lifespan,
        openapi_url="/openapi.json",
        redoc_url=None,  # one documentation UI is enough; /docs is Swagger UI
        # Tracing is OpenTelemetry's FastAPI instrumentation when configured (observability/
        # tracing.py) and metrics are prometheus-client's: FastAPI's own telemetry would ask
        # OpenTelemetry for its providers on every request to find it has nothing to do.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        openapi_tags=[
            {"name": "auth", "description": "Accounts, sessions and tokens."},
            {"name": "users", "description": "The signed-in user's profile and password."},
            {"name": "tasks", "description": "Tasks: list, search, filter, board, stats."},
            {"name": "projects", "description": "Projects (the Inbox among them), publishing."},
            {"name": "comments", "description": "Comments on tasks (Markdown, sanitized)."},
            {"name": "attachments", "description": "Files on tasks (S3 or local disk)."},
            {"name": "notifications", "description": "Reminders, notifications, the digest."},
            {"name": "live", "description": "Live updates: a Server-Sent Events stream."},
            {"name": "views", "description": "Saved views: named filters of the task list."},
            {"name": "public", "description": "Published projects, readable without an account."},
            {"name": "operations", "description": "Health, readiness and metrics."},
        ],
    )
    app.state.services = services
    # Each domain's own per-app services, next to the core ones (deps.py knows no domain).
    app.state.auth = build_auth_services(settings, services.redis, services.registry)
    app.state.tasks = build_task_services(services)
    app.state.attachments = store
    app.state.gauges = gauges
    app.state.jobs = jobs
    install_error_handlers(app)
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        return document_validation_errors(document_malformed_bodies(default_openapi()))

    app.openapi = openapi  # type: ignore[method-assign]

    # Routers carry their full prefix, so each route's template is its complete path
    # (what access logs and metrics label requests with). Routing tries routes in order and
    # no two routers share a path, so the busiest go first; `openapi_tags` keeps the docs' order.
    # Their routes join the app's own router rather than going through `include_router`: an
    # included router is a branch that FastAPI matches twice per request, after walking its
    # routes for a version number, a measurable share of every request (docs/adr/0006). Each route
    # is complete (prefix, tags, responses come from its router) and none is added later.
    for router in (
        tasks_router,
        projects_router,
        invitations_router,
        comments_router,
        attachments_router,
        reminders_router,
        views_router,
        auth_router,
        users_router,
        account_router,
        public_router,
        live_router,
        attachment_store_router,
        ops_router,
    ):
        app.router.routes.extend(router.routes)

    # Added innermost first: the request id wraps everything so even a 413, a 500 or a 503
    # carries one (the error boundary renders them inside it, along with the security headers).
    app.add_middleware(ErrorBoundaryMiddleware, outages=app.state.outages)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        # The local store's upload form carries the file itself (S3 takes it in production).
        path_limits={LOCAL_UPLOAD_PATH: settings.attachments_max_bytes + FORM_OVERHEAD_BYTES},
    )
    # Around the routes: what a write marked as changed is published once its response is out,
    # so after its commit (taskapp/changefeed.py).
    app.add_middleware(PublishChangesMiddleware, feed=services.feed)
    app.add_middleware(
        RequestObservabilityMiddleware,
        metrics=metrics,
        resolver=RouteResolver(app.routes),
    )
    if settings.cors_origins:
        # Only when another origin is allowed: the web app is served from the API's own origin,
        # and a layer that allows nobody still costs every request its pass (docs/adr/0006).
        app.add_middleware(
            ProblemCORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "Idempotency-Key",
                "X-Request-ID",
            ],
            expose_headers=[
                "ETag",
                "Location",
                "Retry-After",
                "X-Request-ID",
                "Idempotent-Replayed",
            ],
        )
    csp = html_csp(store.upload_origins)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.is_production, csp=csp)
    app.add_middleware(
        CorrelationIdMiddleware,
        header_name=REQUEST_ID_HEADER,
        validator=is_valid_request_id,
    )

    tracer_provider = setup_tracing(app, services.engine, services.redis, span_exporter)
    if tracer_provider is not None:
        services.tracer = tracer_provider.get_tracer("taskapp")
    app.state.tracer_provider = tracer_provider
    if settings.web_dir is not None and (settings.web_dir / "index.html").is_file():
        app.mount("/", SinglePageApp(settings.web_dir, csp=csp), name="web")
    return app
