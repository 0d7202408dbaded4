"""Test fixtures: one real database per run (SQLite by default, PostgreSQL when
TASKAPP_TEST_DATABASE_URL is set), migrated with Alembic, and an app talking to it."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from redis import Redis as SyncRedis
from sqlalchemy import text
from starlette.types import Message, Scope

from taskapp import migrate
from taskapp.db import create_engine
from taskapp.main import create_app
from taskapp.settings import Settings

TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256-0123456789"
# Strong enough for TASKAPP_ENV=production's secret check (a fixed random token).
PRODUCTION_SECRET = "Vd0jS4pXw-7Qm2kRbT9zLhN1eYcA8uGfJ3oWqE6iZ5sPxK_r"
PASSWORD = "correct horse battery"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--expect-dialect",
        choices=("sqlite", "postgresql"),
        help="fail at once unless the suite runs on this database (make passes it)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Every app a test starts (subprocess servers included) writes mail to a temporary folder,
    # never into the checkout, unless the test points it at a real SMTP server.
    os.environ["TASKAPP_MAIL_DIR"] = tempfile.mkdtemp(prefix="taskapp-test-mail-")
    # Files on tasks likewise (the local store, when no bucket is configured).
    os.environ["TASKAPP_ATTACHMENTS_DIR"] = tempfile.mkdtemp(prefix="taskapp-test-files-")
    expected = config.getoption("--expect-dialect")
    actual = (os.environ.get("TASKAPP_TEST_DATABASE_URL") or "sqlite").split("+")[0].split(":")[0]
    if expected and actual != expected:
        raise pytest.UsageError(f"--expect-dialect={expected}, but this run would use {actual}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Behaviour only a database server has (its connections can be killed) does not exist on
    # the embedded SQLite: those tests are left out of that run, not skipped (no server, no case).
    if (os.environ.get("TASKAPP_TEST_DATABASE_URL") or "sqlite").startswith("postgresql"):
        # A test that opens no database proves the same on both runs: once is enough, and the
        # PostgreSQL run's coverage tracing makes hypothesis 4x slower (19 s against 4.5 s).
        once = [item for item in items if item.get_closest_marker("no_database")]
        if once:
            config.hook.pytest_deselected(items=once)
            items[:] = [item for item in items if not item.get_closest_marker("no_database")]
        return
    server_only = [item for item in items if item.get_closest_marker("postgres_only")]
    if server_only:
        config.hook.pytest_deselected(items=server_only)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("TASKAPP_TEST_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_dir}/test.db"


async def _reset_postgres(url: str) -> None:
    engine = create_engine(Settings(database_url=url))
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = _database_url(tmp_path_factory.mktemp("db"))
    if url.startswith("postgresql"):
        asyncio.run(_reset_postgres(url))
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session", autouse=True)
def fresh_test_redis() -> None:
    """The PostgreSQL run's Redis database starts empty, as its PostgreSQL schema does: counters
    an earlier run left (per-source limits live for an hour) would refuse this run's sign-ins."""
    url = os.environ.get("TASKAPP_TEST_REDIS_URL")
    if url:
        client = SyncRedis.from_url(url)
        try:
            client.flushdb()
        finally:
            client.close()


@pytest.fixture(scope="session")
def make_settings(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., Settings]:
    mail_dir = tmp_path_factory.mktemp("mail")
    attachments_dir = tmp_path_factory.mktemp("attachments")

    def factory(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "secret_key": TEST_SECRET,
            # Cheap argon2 parameters: the suite hashes hundreds of passwords.
            "password_time_cost": 1,
            "password_memory_cost": 1024,
            "cors_origins": ["http://localhost:5173"],
            # Every request in the suite comes from one address: the per-source limits are
            # raised here, and tests that exercise them lower them again.
            "source_max_password_failures": 1_000_000,
            "source_max_registrations": 1_000_000,
            "source_max_refresh_failures": 1_000_000,
            "source_max_mail_requests": 1_000_000,
            # No SMTP server: registrations' verification mails land here, not in var/mail.
            "mail_dir": mail_dir,
            "attachments_dir": attachments_dir,
            "login_free_failures": 10,  # no progressive delay unless a test asks for it
            # The PostgreSQL run also puts the cache and the lockout counters in real Redis.
            "redis_url": os.environ.get("TASKAPP_TEST_REDIS_URL"),
        }
        values.update(overrides)
        return Settings(**values)

    return factory


@pytest.fixture(scope="session")
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    yield application
    await application.state.services.engine.dispose()


def client_for(application: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application), base_url="http://testserver"
    )


async def read_stream(
    application: FastAPI,
    path: str,
    headers: Mapping[str, str],
    hang_up: Callable[[bytes], bool],
) -> httpx.Response:
    """GET a streamed answer through the app's ASGI interface and read it as a client does,
    leaving (a disconnect) once `hang_up(what has arrived so far)` is true, or when the answer
    ends. httpx's ASGI transport cannot leave early: it answers once a stream has ended."""
    started: dict[str, Any] = {}
    body = bytearray()
    left = asyncio.Event()
    requested = False

    async def receive() -> Message:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await left.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
            return
        body.extend(message.get("body", b""))
        if not message.get("more_body", False) or hang_up(bytes(body)):
            left.set()

    scope: Scope = {
        "type": "http",
        # 2.3: Starlette's streaming response then listens for the disconnect (as under uvicorn).
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in {"Host": "testserver", **headers}.items()
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    await application(scope, receive, send)
    return httpx.Response(
        started["status"],
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in started["headers"]],
        content=bytes(body),
    )


@asynccontextmanager
async def app_on(settings: Settings) -> AsyncIterator[FastAPI]:
    """An app of its own on these settings (not the session's), its engine disposed of at the
    end, failed test or not."""
    application = create_app(settings)
    try:
        yield application
    finally:
        await application.state.services.engine.dispose()


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of app_on(settings), for a test that needs no more of that app than its answers."""
    async with app_on(settings) as application, client_for(application) as http:
        yield http


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as http:
        yield http


@pytest.fixture
def module_app(request: pytest.FixtureRequest) -> FastAPI:
    """The module's own app (on settings of its own): the fixture its APP_FIXTURE names.
    Resolved in a plain fixture, outside the event loop, as that one may be async and not yet
    set up."""
    application: FastAPI = request.getfixturevalue(request.module.APP_FIXTURE)
    return application


@pytest.fixture
async def http(module_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the module's own app (see module_app), for modules that set APP_FIXTURE."""
    async with client_for(module_app) as client:
        yield client


@dataclass
class Account:
    email: str
    password: str
    access_token: str
    refresh_token: str
    user_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def if_match(self, tag: str) -> dict[str, str]:
        """The account's headers with an If-Match precondition (`tag` as sent, quotes and all)."""
        return {**self.headers, "If-Match": tag}

    def if_none_match(self, tag: str) -> dict[str, str]:
        return {**self.headers, "If-None-Match": tag}


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


async def login(http: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await http.post("/api/v1/auth/login", json={"email": email, "password": password})


async def register_and_login(
    http: httpx.AsyncClient, *, email: str | None = None, password: str = PASSWORD
) -> Account:
    email = email or unique_email()
    registered = await http.post(
        "/api/v1/auth/register", json={"email": email, "password": password}
    )
    assert registered.status_code == 201, registered.text
    signed_in = await login(http, email, password)
    assert signed_in.status_code == 200, signed_in.text
    tokens = signed_in.json()
    return Account(
        email=email,
        password=password,
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        user_id=registered.json()["id"],
    )


async def create_task(http: httpx.AsyncClient, account: Account, **fields: Any) -> dict[str, Any]:
    """POST /tasks (title defaults to "Task") and return the created task."""
    response = await http.post(
        "/api/v1/tasks", json={"title": "Task", **fields}, headers=account.headers
    )
    return json_object(response, 201)


@pytest.fixture
async def account(client: httpx.AsyncClient) -> Account:
    return await register_and_login(client)


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


async def recreate_database(admin_url: str, name: str) -> str:
    """A fresh, empty PostgreSQL database beside the suite's (dropped first if it exists)."""
    engine = create_engine(Settings(database_url=admin_url))
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def scratch_database_url(database_url: str, tmp_path: Path, name: str) -> str:
    """An empty database of the suite's kind for a test that migrates it up and down itself:
    `<suite database>_<name>` on PostgreSQL (so two suites on two databases can run at once),
    `<name>.db` in the test's folder on SQLite."""
    if database_url.startswith("postgresql"):
        suite_database = database_url.rsplit("/", 1)[1].split("?", 1)[0]
        return asyncio.run(recreate_database(database_url, f"{suite_database}_{name}"))
    return f"sqlite+aiosqlite:///{tmp_path}/{name}.db"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def json_object(response: httpx.Response, status: int) -> dict[str, Any]:
    """The JSON object a response carries, once its status is `status` (else fail, showing it)."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Every error is problem+json with type, title, status and detail."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    assert body["detail"]
    return body


def invalid_fields(response: httpx.Response) -> list[str]:
    """The fields a 422 problem (assert_problem) names as invalid, in its order."""
    return [error["field"] for error in assert_problem(response, 422)["errors"]]


def answers_200(url: str, seconds: float) -> bool:
    """Whether GET `url` answers 200 within `seconds`: a server process just started is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # after any miss: a 503 while starting must not spin the loop
    return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the time of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Inbox:
    """An aiosmtpd handler keeping every message it accepts, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server (aiosmtpd) on a free port for the module's tests: its inbox and port."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def smtp_settings(port: int) -> dict[str, Any]:
    """The settings that send the app's mail, in plain SMTP, to the test server on `port`."""
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_starttls": False,
        "smtp_from": "taskapp <noreply@taskapp.test>",
    }


class RedisServer:
    """A throwaway real redis-server on a free port, which tests may stop and start again."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed: run `scripts/services.sh install`")
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        # A second start would leave the first server running after the test, unowned.
        assert self.process is None, "redis-server already started"
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as conn:
                if conn.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        pytest.fail("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def tmp_web_dir(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>taskapp</title><div id=root></div>")
    (dist / "assets" / "app-abc123.js").write_text("console.log('taskapp')")
    return dist


@pytest.fixture
async def web_http(
    make_settings: Callable[..., Settings], tmp_web_dir: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app serving the web build in tmp_web_dir (which a module may override)."""
    async with serving(make_settings(web_dir=tmp_web_dir)) as http:
        yield http
