"""`make bench`: taskapp in production mode (PostgreSQL + Redis, one worker, access log off) pinned
to core 0, wrk pinned to core 1, 64 connections, 15 s per endpoint after a warm-up, against a user
owning 10,000 tasks; plus a raw asyncpg + Starlette baseline on the same core.

Core 0 runs only the server under test: PostgreSQL and Redis are moved to core 1 beside wrk for the
run (and given all cores back after), so the database's own work does not count against whichever
server makes more queries. This machine is a shared VM whose speed drifts by up to a third over
minutes, so the baseline is measured right before each endpoint and each ratio is to that
adjacent baseline; the baseline row shows the median of those runs.

Prints a Markdown table (requests/s, p50, p99, errors, ratio to the baseline) and writes it with
the raw numbers to artifacts/bench/. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = ROOT / "artifacts" / "bench"
PG_PORT = int(os.environ.get("TASKAPP_PG_PORT", "55432"))
REDIS_PORT = int(os.environ.get("TASKAPP_REDIS_PORT", "56379"))
DB = "taskapp_bench"
DSN = f"postgresql://taskapp@127.0.0.1:{PG_PORT}/{DB}"
APP_PORT, BASELINE_PORT = 8801, 8802
EMAIL, PASSWORD = "bench@example.com", "benchmark password"
TASKS = 10_000


@dataclass
class Result:
    endpoint: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def python() -> str:
    return str(ROOT / "backend" / ".venv" / "bin" / "python")


async def reset_database() -> None:
    admin = await asyncpg.connect(f"postgresql://taskapp@127.0.0.1:{PG_PORT}/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    await admin.close()


async def seed(owner_id: uuid.UUID) -> None:
    conn = await asyncpg.connect(DSN)
    now = datetime.now(UTC)
    rows = [
        (
            uuid.uuid4(),
            owner_id,
            f"Task {i:05d}",
            "Seeded for the benchmark" if i % 2 else None,
            ("pending", "in_progress", "done")[i % 3],
            1 + i % 4,
            now + timedelta(days=i % 30 - 10) if i % 5 else None,
            ["bench", f"l{i % 7}"],
            now - timedelta(seconds=TASKS - i),
            now - timedelta(seconds=TASKS - i),
            now if i % 3 == 2 else None,
            1,
        )
        for i in range(TASKS)
    ]
    await conn.copy_records_to_table(
        "tasks",
        records=rows,
        columns=[
            "id",
            "owner_id",
            "title",
            "description",
            "status",
            "priority",
            "due_date",
            "labels",
            "created_at",
            "updated_at",
            "completed_at",
            "version",
        ],
    )
    await conn.execute("ANALYZE tasks")
    await conn.close()


@contextmanager
def server(
    args: list[str], env: dict[str, str], port: int, probe: str = "/health"
) -> Iterator[None]:
    process = subprocess.Popen(
        ["taskset", "-c", "0", *args],
        env=env,
        cwd=ROOT / "backend",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}{probe}", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    error = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"server exited: {error}") from None
                time.sleep(0.2)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def app_env(cache_ttl: int) -> dict[str, str]:
    return {
        **os.environ,
        "TASKAPP_ENV": "production",
        "TASKAPP_SECRET_KEY": secrets.token_urlsafe(48),
        "TASKAPP_DATABASE_URL": f"postgresql+asyncpg://taskapp@127.0.0.1:{PG_PORT}/{DB}",
        "TASKAPP_REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/14",
        "TASKAPP_CACHE_TTL": str(cache_ttl),
        "TASKAPP_LOG_LEVEL": "WARNING",  # access log off
    }


LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(name: str, url: str, script: str, env: dict[str, str], seconds: int) -> Result:
    command = [
        "taskset",
        "-c",
        "1",
        "wrk",
        "-t1",
        "-c64",
        "--latency",
        "-s",
        str(BENCH / "lua" / script),
    ]
    subprocess.run([*command, "-d3s", url], env=env, capture_output=True, check=True)  # warm-up
    output = subprocess.run(
        [*command, f"-d{seconds}s", url], env=env, capture_output=True, text=True, check=True
    ).stdout
    latencies = {p: float(v) * UNIT[u] for p, v, u in LATENCY.findall(output)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(g) for g in socket.groups()) if socket else 0
    )
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    log(f"{name}: {rps:.0f} req/s, p50 {latencies['50']:.1f} ms, p99 {latencies['99']:.1f} ms")
    return Result(name, rps, latencies["50"], latencies["99"], errors, total)


@contextmanager
def services_beside_wrk() -> Iterator[None]:
    """PostgreSQL (every process, so new backends inherit it) and Redis on core 1 for the run."""
    pids = [
        pid
        for name in ("postgres", "redis-server")
        for pid in subprocess.run(
            ["pgrep", "-x", name], capture_output=True, text=True, check=False
        ).stdout.split()
    ]
    everywhere = f"0-{(os.cpu_count() or 2) - 1}"

    def pin(cores: str) -> None:
        for pid in pids:
            subprocess.run(
                ["taskset", "-a", "-p", "-c", cores, pid], capture_output=True, check=False
            )

    pin("1")
    try:
        yield
    finally:
        pin(everywhere)


@dataclass
class Measured:
    result: Result
    baseline: Result  # measured right before it


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    seconds = parser.parse_args().seconds
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (make bench installs Debian's wrk)")
    asyncio.run(reset_database())
    env = app_env(60)
    subprocess.run(
        [python(), "-m", "taskapp.cli", "migrate"],
        env=env,
        cwd=ROOT / "backend",
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [python(), "-m", "taskapp.cli", "create-user", "--email", EMAIL, "--password", PASSWORD],
        env=env,
        cwd=ROOT / "backend",
        check=True,
        capture_output=True,
    )
    owner = asyncio.run(_owner_id())
    log(f"seeding {TASKS} tasks")
    asyncio.run(seed(owner))

    base = f"http://127.0.0.1:{APP_PORT}"
    serve = [python(), "-m", "taskapp.cli", "serve", "--port", str(APP_PORT)]
    baseline_env = {**os.environ, "BASELINE_DSN": DSN, "BASELINE_OWNER_ID": str(owner)}
    uvicorn = [
        python(),
        "-m",
        "uvicorn",
        "--app-dir",
        str(BENCH),
        "baseline:app",
        "--port",
        str(BASELINE_PORT),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    measured: list[Measured] = []
    with services_beside_wrk(), server(uvicorn, baseline_env, BASELINE_PORT, probe="/tasks"):

        def run(name: str, url: str, script: str, wenv: dict[str, str]) -> None:
            yardstick = wrk(
                "baseline: Starlette + asyncpg, 50 rows",
                f"http://127.0.0.1:{BASELINE_PORT}/tasks",
                "auth.lua",
                wenv,
                seconds,
            )
            measured.append(Measured(wrk(name, url, script, wenv, seconds), yardstick))

        with server(serve, env, APP_PORT):
            token = httpx.post(
                f"{base}/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}
            ).json()["access_token"]
            ids = [
                t["id"]
                for t in httpx.get(
                    f"{base}/api/v1/tasks?limit=200", headers={"Authorization": f"Bearer {token}"}
                ).json()["items"]
            ]
            wenv = {**os.environ, "TOKEN": token, "TASK_IDS": ",".join(ids)}
            run("GET /health", f"{base}/health", "auth.lua", wenv)
            run(
                "GET /api/v1/tasks?limit=50 (cache warm)",
                f"{base}/api/v1/tasks?limit=50",
                "auth.lua",
                wenv,
            )
            run("GET /api/v1/tasks/{id}", f"{base}/api/v1/tasks/{ids[0]}", "auth.lua", wenv)
        with server(serve, app_env(0), APP_PORT):
            token = httpx.post(
                f"{base}/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}
            ).json()["access_token"]
            wenv = {**wenv, "TOKEN": token}
            run(
                "GET /api/v1/tasks?limit=50 (cache disabled)",
                f"{base}/api/v1/tasks?limit=50",
                "auth.lua",
                wenv,
            )
            run("POST /api/v1/tasks", f"{base}/api/v1/tasks", "post.lua", wenv)
            run("PATCH /api/v1/tasks/{id}", base, "patch.lua", wenv)
    report(measured)
    return 0


async def _owner_id() -> uuid.UUID:
    conn = await asyncpg.connect(DSN)
    owner: uuid.UUID = await conn.fetchval("SELECT id FROM users WHERE email = $1", EMAIL)
    await conn.close()
    return owner


def report(measured: list[Measured]) -> None:
    baselines = sorted((m.baseline for m in measured), key=lambda r: r.requests_per_second)
    median = baselines[len(baselines) // 2]
    lines = [
        f"taskapp benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: server on core 0; wrk, "
        "PostgreSQL and Redis on core 1; 64 connections, 1 worker, 10,000 tasks; each ratio is "
        "to the baseline measured just before that endpoint",
        "",
        "| endpoint | requests/s | p50 ms | p99 ms | errors | baseline requests/s | × baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in measured:
        r, b = m.result, m.baseline
        lines.append(
            f"| {r.endpoint} | {r.requests_per_second:,.0f} | {r.p50_ms:.1f} | "
            f"{r.p99_ms:.1f} | {r.errors} | {b.requests_per_second:,.0f} | "
            f"{r.requests_per_second / b.requests_per_second:.2f} |"
        )
    lines.append(
        f"| {median.endpoint} (median of {len(baselines)} runs) | "
        f"{median.requests_per_second:,.0f} | {median.p50_ms:.1f} | "
        f"{median.p99_ms:.1f} | {median.errors} | | 1.00 |"
    )
    table = "\n".join(lines)
    print(table)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.md").write_text(table + "\n")
    (OUT / "results.json").write_text(
        json.dumps(
            {"results": [{**asdict(m.result), "baseline": asdict(m.baseline)} for m in measured]},
            indent=2,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
