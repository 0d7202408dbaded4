"""SIGTERM on a real server process: in-flight requests finish, new ones are refused, exit 0."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from taskapp import migrate
from tests.conftest import answers_200, free_port

# Each test serves a SQLite file of its own, whichever database the run uses: once is enough.
pytestmark = pytest.mark.no_database

SLOW_REQUESTS = 4


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    yield from _serve(tmp_path)


def _serve(tmp_path: Path, **settings: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`taskapp serve` in a process of its own, with TASKAPP_* `settings` on top."""
    database_url = f"sqlite+aiosqlite:///{tmp_path}/shutdown.db"
    migrate.upgrade(database_url)
    port = free_port()
    env = {
        **os.environ,
        "TASKAPP_DATABASE_URL": database_url,
        "TASKAPP_PASSWORD_TIME_COST": "1",
        "TASKAPP_PASSWORD_MEMORY_COST": "1024",
        "TASKAPP_SHUTDOWN_GRACE_SECONDS": "20",
        **{f"TASKAPP_{name.upper()}": value for name, value in settings.items()},
    }
    env.pop("TASKAPP_REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "taskapp.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    if not answers_200(f"{base}/health", 30):
        process.kill()
        pytest.fail(f"server did not start: {process.stdout.read() if process.stdout else ''!r}")
    yield process, base
    if process.poll() is None:
        process.kill()
        process.wait()


def test_sigterm_drains_in_flight_requests_and_exits_zero(
    server: tuple[subprocess.Popen[bytes], str],
) -> None:
    process, base = server
    with httpx.Client(base_url=base, timeout=30) as http:
        email, password = "drain@example.com", "drain password"
        http.post("/api/v1/auth/register", json={"email": email, "password": password})
        token = http.post("/api/v1/auth/login", json={"email": email, "password": password}).json()
    headers = {
        "Authorization": f"Bearer {token['access_token']}",
        "Content-Type": "application/json",
    }

    started = threading.Barrier(SLOW_REQUESTS + 1)
    results: list[int] = []

    def slow_create(index: int) -> None:
        def body() -> Iterator[bytes]:
            yield b'{"title": "slow '
            started.wait()
            for _ in range(10):  # ~2 s of upload: still in flight when SIGTERM arrives
                time.sleep(0.2)
                yield b"."
            yield f' {index}"}}'.encode()

        response = httpx.post(f"{base}/api/v1/tasks", content=body(), headers=headers, timeout=30)
        results.append(response.status_code)

    threads = [threading.Thread(target=slow_create, args=(i,)) for i in range(SLOW_REQUESTS)]
    for thread in threads:
        thread.start()
    started.wait()
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)

    time.sleep(0.5)
    with pytest.raises(httpx.TransportError):  # no longer accepting
        httpx.get(f"{base}/health", timeout=2)

    for thread in threads:
        thread.join(timeout=30)
    assert results == [201] * SLOW_REQUESTS
    assert process.wait(timeout=30) == 0


def _get_on(connection: socket.socket) -> bytes:
    """One GET /health on an open connection: the whole response, or b"" if it was closed."""
    connection.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
    response = b""
    while b"\r\n\r\n" not in response or not response.endswith(b"}"):
        chunk = connection.recv(4096)
        if not chunk:
            break
        response += chunk
    return response


def test_serve_keeps_idle_connections_as_long_as_the_keepalive_setting(tmp_path: Path) -> None:
    """TASKAPP_KEEPALIVE_SECONDS reaches uvicorn: an idle connection is kept that long, then
    closed (production's 75 s outlasts the balancer's 60 s; 1 s here keeps the test short,
    and is far from uvicorn's own 5 s default)."""
    servers = _serve(tmp_path, keepalive_seconds="1")
    _process, base = next(servers)
    host, port = base.removeprefix("http://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=5) as connection:
            assert _get_on(connection).startswith(b"HTTP/1.1 200")
            time.sleep(0.3)
            assert _get_on(connection).startswith(b"HTTP/1.1 200")  # idle, but kept
            time.sleep(2.5)
            # Closed by the server after 1 s idle: end of stream (or a reset, depending on
            # timing), never an answer.
            try:
                answer = _get_on(connection)
            except ConnectionResetError:
                answer = b""
            assert answer == b""
    finally:
        next(servers, None)
