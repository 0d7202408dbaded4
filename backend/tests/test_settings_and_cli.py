"""Configuration guards, the CLI, and the migrations matching the models."""

from __future__ import annotations

import asyncio
import gc
import json
import signal
import socket
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pydantic import ValidationError
from sqlalchemy import Connection, text

from taskapp import cli, migrate
from taskapp.db import Base, create_engine
from taskapp.main import create_served_app
from taskapp.settings import DEFAULT_SECRET_KEY, Settings
from tests.conftest import PRODUCTION_SECRET


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="TASKAPP_SECRET_KEY"):
        Settings(env="production", secret_key=DEFAULT_SECRET_KEY)


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(env="production", secret_key="short-but-not-default")


def test_production_accepts_a_long_random_secret() -> None:
    assert Settings(env="production", secret_key=PRODUCTION_SECRET).is_production


@pytest.mark.parametrize(
    "secret",
    [
        "s" * 48,  # long, one character
        "ab" * 32,  # long, a repeat
        "0123456789abcdefghijklmnopqrstuvwxyz",  # long, a sequence
        "password-password-password-password",  # long, words
    ],
)
def test_production_refuses_a_long_but_guessable_secret(secret: str) -> None:
    with pytest.raises(ValidationError, match=r"TASKAPP_SECRET_KEY.*too easy to guess"):
        Settings(env="production", secret_key=secret)


def test_production_refuses_cors_from_any_origin() -> None:
    with pytest.raises(ValidationError, match="TASKAPP_CORS_ORIGINS"):
        Settings(
            env="production", secret_key=PRODUCTION_SECRET, cors_origins="https://a.example, *"
        )


def test_development_may_allow_any_origin() -> None:
    assert Settings(cors_origins="*").cors_origins == ["*"]


def test_settings_come_from_taskapp_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKAPP_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("TASKAPP_ACCESS_TOKEN_TTL", "60")
    monkeypatch.setenv("TASKAPP_REFRESH_TOKEN_TTL", "P1D")
    settings = Settings()
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.access_token_ttl.total_seconds() == 60
    assert settings.refresh_token_ttl.total_seconds() == 86400


def test_cli_refuses_to_start_in_production_with_the_default_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TASKAPP_ENV", "production")
    monkeypatch.delenv("TASKAPP_SECRET_KEY", raising=False)
    assert cli.main(["migrate"]) == 2
    assert "TASKAPP_SECRET_KEY" in capsys.readouterr().err


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path}/nested/cli.db"
    monkeypatch.setenv("TASKAPP_DATABASE_URL", url)
    monkeypatch.setenv("TASKAPP_PASSWORD_TIME_COST", "1")
    monkeypatch.setenv("TASKAPP_PASSWORD_MEMORY_COST", "1024")
    return url


def test_cli_migrate_create_user_and_seed_demo(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["migrate"]) == 0
    assert cli.main(["create-user", "--email", "Cli@Example.com", "--password", "long enough"]) == 0
    assert "created user cli@example.com" in capsys.readouterr().out
    assert cli.main(["create-user", "--email", "cli@example.com", "--password", "long enough"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert cli.main(["create-user", "--email", "x@example.com", "--password", "short"]) == 2
    assert "password" in capsys.readouterr().err

    assert cli.main(["seed-demo"]) == 0
    assert "2 projects and 14 sample tasks added" in capsys.readouterr().out
    assert cli.main(["seed-demo"]) == 0
    assert "0 projects and 0 sample tasks added" in capsys.readouterr().out
    assert cli.main(["recount"]) == 0
    assert "rebuilt the due-day counts of 2 users" in capsys.readouterr().out

    async def demo_tasks() -> list[tuple[str, str]]:
        engine = create_engine(Settings(database_url=cli_db))
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT title, position FROM tasks WHERE parent_id IS NULL ORDER BY position")
            )
            result = [(r[0], r[1]) for r in rows]
        await engine.dispose()
        return result

    # In the manual order as listed (tasks/ordering.py), after one another.
    placed = asyncio.run(demo_tasks())
    assert [title for title, _ in placed][:3] == [
        "Read “Designing Data-Intensive Applications”",
        "Buy a birthday present for Alex",
        "Ship release 2.0",
    ]
    assert len({position for _, position in placed}) == len(placed)


@pytest.mark.parametrize(
    "command",
    [
        ["create-user", "--email", "early@example.com", "--password", "long enough"],
        ["seed-demo"],
        ["recount"],
    ],
)
def test_cli_commands_on_an_unmigrated_database_say_to_migrate_first(
    cli_db: str, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """An operator who runs a command before `taskapp migrate` gets one line saying so, not a
    SQLAlchemy traceback about a missing table."""
    assert cli.main(command) == 1
    err = capsys.readouterr().err
    assert f"has no schema yet ({cli_db}): run `taskapp migrate` first" in err
    assert "Traceback" not in err

    assert cli.main(["migrate"]) == 0
    assert cli.main(command) == 0


def test_cli_commands_on_a_database_behind_this_release_say_to_migrate(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate.upgrade(cli_db, "0015")

    assert cli.main(["recount"]) == 1
    err = capsys.readouterr().err
    assert "is at revision 0015, behind this release's" in err
    assert f"({cli_db})" in err
    assert "run `taskapp migrate` first" in err


@pytest.mark.no_database
def test_cli_commands_on_an_unreachable_database_say_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+asyncpg://taskapp:secret@127.0.0.1:{port}/x"
    monkeypatch.setenv("TASKAPP_DATABASE_URL", url)

    assert cli.main(["recount"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot reach the database ({url.replace('secret', '***')}): ")
    assert "Traceback" not in err


def test_cli_create_user_prompts_for_the_password(
    cli_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["migrate"]) == 0
    monkeypatch.setattr("getpass.getpass", lambda _prompt: "typed password")
    assert cli.main(["create-user", "--email", "typed@example.com", "--full-name", "T"]) == 0
    assert "typed@example.com" in capsys.readouterr().out


def test_cli_openapi_prints_the_description(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["openapi"]) == 0
    spec = json.loads(capsys.readouterr().out)
    assert "/api/v1/tasks/{task_id}" in spec["paths"]


def test_cli_serve_runs_uvicorn_with_the_app_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []
    import uvicorn  # noqa: PLC0415

    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
    handlers: dict[int, object] = {}
    monkeypatch.setattr("signal.signal", lambda signum, handler: handlers.update({signum: handler}))
    assert cli.main(["serve", "--port", "9999"]) == 0
    assert calls[0]["app"] == "taskapp.main:create_served_app"
    assert calls[0]["factory"] is True
    assert calls[0]["port"] == 9999
    assert calls[0]["loop"] == "uvloop"
    assert calls[0]["http"] == "httptools"
    assert calls[0]["timeout_graceful_shutdown"] == 25
    assert set(handlers) == {signal.SIGTERM, signal.SIGINT}


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_engine(Settings(database_url=database_url))
    async with engine.connect() as connection:
        diff = await connection.run_sync(_diff)
    await engine.dispose()
    assert diff == []


def test_migrations_downgrade_and_upgrade_cleanly(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/roundtrip.db"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    migrate.upgrade(url)


async def test_the_served_app_freezes_its_start_up_heap_and_thaws_it_at_shutdown(
    settings: Settings,
) -> None:
    # The collector skips what start-up built (perf/heap.py); apps built by tests never freeze.
    assert gc.get_freeze_count() == 0
    app = create_served_app(settings)
    async with app.router.lifespan_context(app):
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # modules, routes, schemas: the whole start-up heap
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1  # what requests make later is still collected
        assert gc.get_freeze_count() == frozen
    assert gc.get_freeze_count() == 0
