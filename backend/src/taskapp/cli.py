"""The `taskapp` command: serve | worker | migrate | create-user | seed-demo | openapi."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import signal
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError
from sqlalchemy import make_url

from taskapp import migrate
from taskapp.auth.models import User
from taskapp.auth.schemas import UserCreate
from taskapp.db import create_engine, create_session_factory
from taskapp.errors import ProblemError, database_unavailable
from taskapp.projects import models as _projects  # noqa: F401  (every new account's Inbox)
from taskapp.settings import Settings
from taskapp.tasks.stats import recount_open_days


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn  # noqa: PLC0415 - only `serve` needs the server

    from taskapp.observability.logging import configure_logging  # noqa: PLC0415

    configure_logging(json_logs=settings.is_production, level=settings.log_level)
    # Uvicorn drains on SIGTERM/SIGINT, then re-raises the signal for the previous handler.
    # A drained shutdown is a success: exit 0 (Kubernetes reads anything else as a crash).
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, _drained)
    uvicorn.run(
        "taskapp.main:create_served_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        access_log=False,  # our middleware writes one structured line per request
        log_config=None,
        server_header=False,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        timeout_keep_alive=settings.keepalive_seconds,
    )
    return 0


def _drained(signum: int, _frame: object) -> None:
    import structlog  # noqa: PLC0415

    structlog.get_logger("taskapp.cli").info("stopped", signal=signal.Signals(signum).name)


def _worker(_args: argparse.Namespace, settings: Settings) -> int:
    from taskapp.observability.logging import configure_logging  # noqa: PLC0415
    from taskapp.worker.server import run_worker  # noqa: PLC0415

    configure_logging(json_logs=settings.is_production, level=settings.log_level)
    asyncio.run(run_worker(settings))
    return 0


def _migrate(_args: argparse.Namespace, settings: Settings) -> int:
    migrate.upgrade(settings.database_url)
    print("database is at the latest schema revision")
    return 0


async def _create_user(settings: Settings, data: UserCreate) -> User:
    from taskapp.auth.service import register  # noqa: PLC0415
    from taskapp.security import PasswordHasher  # noqa: PLC0415

    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            return await register(
                session,
                PasswordHasher(settings),
                email=data.email,
                password=data.password,
                full_name=data.full_name,
            )
    finally:
        await engine.dispose()


def _create_user_cmd(args: argparse.Namespace, settings: Settings) -> int:
    password = args.password or getpass.getpass("Password (8-128 characters): ")
    try:
        data = UserCreate(email=args.email, password=password, full_name=args.full_name)
        user = asyncio.run(_create_user(settings, data))
    except ValidationError as exc:
        for error in exc.errors():
            print(f"error: {'.'.join(map(str, error['loc']))}: {error['msg']}", file=sys.stderr)
        return 2
    except ProblemError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    print(f"created user {user.email} ({user.id})")
    return 0


def _seed_demo_cmd(_args: argparse.Namespace, settings: Settings) -> int:
    from taskapp import demo  # noqa: PLC0415

    seeded = asyncio.run(demo.seed(settings))
    print(
        f"demo account {demo.DEMO_EMAIL} / {demo.DEMO_PASSWORD}: {seeded.projects_added}"
        f" projects and {seeded.tasks_added} sample tasks added"
    )
    return 0


async def _recount(settings: Settings) -> int:
    engine = create_engine(settings)
    try:
        return await recount_open_days(engine)
    finally:
        await engine.dispose()


def _recount_cmd(_args: argparse.Namespace, settings: Settings) -> int:
    owners = asyncio.run(_recount(settings))
    print(f"rebuilt the due-day counts of {owners} user{'' if owners == 1 else 's'}")
    return 0


def _openapi(_args: argparse.Namespace, settings: Settings) -> int:
    from taskapp.main import create_app  # noqa: PLC0415

    print(json.dumps(create_app(settings).openapi(), indent=2, sort_keys=True))
    return 0


Handler = Callable[[argparse.Namespace, Settings], int]


def _on_migrated_schema(handler: Handler) -> Handler:
    """For commands that read and write the tables: a database this release has not migrated
    is one clear line, not a traceback about a missing table."""

    def checked(args: argparse.Namespace, settings: Settings) -> int:
        # Which database, since a relative SQLite path depends on the working directory.
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        try:
            reason = asyncio.run(migrate.not_ready(settings))
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            print(f"error: cannot reach the database ({where}): {exc}", file=sys.stderr)
            return 1
        if reason is not None:
            print(f"error: {reason} ({where}): run `taskapp migrate` first", file=sys.stderr)
            return 1
        return handler(args, settings)

    return checked


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="taskapp", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="proxies whose X-Forwarded-* headers are trusted (e.g. '*' behind an ALB)",
    )
    serve.set_defaults(handler=_serve)

    commands.add_parser(
        "worker",
        help="run the background job loop (reminders, digests, mail retries) with /metrics and"
        " /healthz on TASKAPP_WORKER_METRICS_PORT",
    ).set_defaults(handler=_worker)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(handler=_migrate)

    create_user = commands.add_parser("create-user", help="create an account")
    create_user.add_argument("--email", required=True)
    create_user.add_argument("--password", help="prompted for when omitted")
    create_user.add_argument("--full-name")
    create_user.set_defaults(handler=_on_migrated_schema(_create_user_cmd))

    commands.add_parser("seed-demo", help="create the demo account with sample tasks").set_defaults(
        handler=_on_migrated_schema(_seed_demo_cmd)
    )
    commands.add_parser(
        "recount",
        help="rebuild each user's due-day counts (task_open_days) from their tasks; safe while"
        " the service runs (after a rollout from a release before revision 0016)",
    ).set_defaults(handler=_on_migrated_schema(_recount_cmd))
    commands.add_parser("openapi", help="print the OpenAPI description as JSON").set_defaults(
        handler=_openapi
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        for error in exc.errors():
            print(f"configuration error: {error['msg']}", file=sys.stderr)
        return 2
    code: int = args.handler(args, settings)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
