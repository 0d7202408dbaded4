"""`make bench`: taskapp in production mode (PostgreSQL + Redis, access log off) against a fair
yardstick, then the same reads as one user's tasks grow. A benchmark, not a test: it asserts
nothing; it prints Markdown tables and writes them with the raw numbers to artifacts/bench/.

Placement: the server under test alone on core 0, wrk on core 1; PostgreSQL and Redis are left
unpinned (pinning the database onto wrk's core starved it and made the yardstick database-bound).
This machine is a shared VM whose speed drifts over minutes, so each taskapp endpoint is measured
right after its yardstick and each ratio is to that adjacent run. `--rounds` such pairs (3) are
measured one after another and the row shows the pair with the median ratio, every pair's ratio
beside it: one pair's ratio moved by up to ±0.15 with the yardstick alone. Each server's CPU time
per request (all its processes) is reported too: PostgreSQL, unpinned, also runs on core 0 at
times, which moves requests/s but not the server's own CPU per request (docs/adr/0006). Every
run, warm-up included, starts on a freshly vacuumed users table, so no run inherits the dead
versions of the owner's row that the previous write run left.

1. Speed (64 connections, one user with 10,000 tasks): GET /tasks?limit=50 with the cache warm
   and off, GET /tasks/{id}, POST and PATCH /tasks, GET /health, against bench/baseline.py (raw
   Starlette + asyncpg, orjson, the same pool size; a write endpoint that inserts and bumps the
   owner's data version in one transaction).
2. Workers: GET /tasks?limit=50 (cache off) with `taskapp serve --workers 2` on both cores
   against one worker on core 0 (wrk stays on core 1, so the two workers share it with wrk),
   `--rounds` times in turn, the median pair shown.
   Its CPU ratio is one worker's CPU per request over the two workers': 1.00 means a second
   worker costs nothing per request, so with a core each two would serve twice the rate.
3. Scale (16 connections, cache off, one user in Europe/Berlin with 10,000, 100,000 then
   1,000,000 tasks seeded with COPY, a fifth of them due on a day, three fifths at a time, one
   in fifty repeating weekly): the first page of GET /tasks, the first page sorted by due date
   with status and priority filters, `q=quarterly` (1 task in 1,000 matches), GET /tasks/stats,
   Today and Upcoming (GET /tasks/today, GET /tasks/agenda over the next 14 days), and the
   widest agenda (62 days from today, the repeating tasks' later weeks projected into it).

Ports: PostgreSQL TASKAPP_PG_PORT, Redis TASKAPP_REDIS_PORT (as scripts/services.sh); the two
HTTP servers take free ports.
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
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from taskapp.tasks.search import document

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = ROOT / "artifacts" / "bench"
PG_PORT = int(os.environ.get("TASKAPP_PG_PORT", "55432"))
REDIS_PORT = int(os.environ.get("TASKAPP_REDIS_PORT", "56379"))
DB = "taskapp_bench"
DSN = f"postgresql://taskapp@127.0.0.1:{PG_PORT}/{DB}"
PASSWORD = "benchmark password"  # noqa: S105  (a throwaway account in a throwaway database)
SPEED_TASKS = 10_000
SCALE_SIZES = (10_000, 100_000, 1_000_000)
BENCH_ZONE = "Europe/Berlin"
RARE_EVERY = 1_000  # one task in this many has "Quarterly" in its title
SCALE_PAGE = "sort=due_date&status=pending&status=in_progress&priority=high&priority=urgent"
# The same aggregations as revisions 0003 and 0016 fill with: COPY bypasses the ORM that keeps
# the counts.
COUNT_OWNER = """
INSERT INTO task_counts (owner_id, status, priority, due_day, count)
SELECT owner_id, status, priority,
       COALESCE((due_date AT TIME ZONE 'UTC')::date, DATE '9999-12-31') AS due_day, count(*)
FROM tasks WHERE owner_id = $1 GROUP BY owner_id, status, priority, due_day
"""
COUNT_OPEN_DAYS = """
INSERT INTO task_open_days (owner_id, due_on, count)
SELECT owner_id, due_on, count(*) FROM tasks
WHERE owner_id = $1 AND due_on IS NOT NULL AND status <> 'done' GROUP BY owner_id, due_on
"""


@dataclass
class Result:
    endpoint: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    # The server's own CPU time (user + system) over the measured run, per request: unlike
    # requests/s it does not move when PostgreSQL or other work takes the server's core.
    server_cpu_us: float | None = None


@dataclass
class Measured:
    result: Result
    baseline: Result | None  # measured right before it
    # Every round's (measured, reference) pair in measuring order; `result` and `baseline` are
    # the pair with the median ratio.
    pairs: list[tuple[Result, Result]] = field(default_factory=list)

    @property
    def pair_ratios(self) -> list[float]:
        return [pair_ratio(pair) for pair in self.pairs]


def pair_ratio(pair: tuple[Result, Result]) -> float:
    measured, reference = pair
    return measured.requests_per_second / reference.requests_per_second


def median_pair(pairs: list[tuple[Result, Result]]) -> Measured:
    """The pair with the median requests/s ratio (the lower middle one for an even count),
    keeping every pair."""
    middle = sorted(pairs, key=pair_ratio)[(len(pairs) - 1) // 2]
    return Measured(*middle, pairs)


def log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def python() -> str:
    return str(ROOT / "backend" / ".venv" / "bin" / "python")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def vacuum_users() -> None:
    """VACUUM the users table. A write run (20 pooled writers bumping one owner's row) leaves
    that row thousands of dead versions and multixacts from the foreign-key locks; the next run,
    whichever server it measures, would pay for the previous one's (docs/adr/0006)."""
    connection = await asyncpg.connect(DSN)
    try:
        await connection.execute("VACUUM users")
    finally:
        await connection.close()


async def reset_database() -> None:
    admin = await asyncpg.connect(f"postgresql://taskapp@127.0.0.1:{PG_PORT}/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    await admin.close()


def task_rows(owner_id: uuid.UUID, count: int) -> Iterator[dict[str, object]]:
    now = datetime.now(UTC)
    for i in range(count):
        title = f"Quarterly review {i:07d}" if i % RARE_EVERY == 7 else f"Task {i:07d}"
        description = "Seeded for the benchmark" if i % 2 else None
        labels = ["bench", f"l{i % 7}"]
        status = ("pending", "in_progress", "done")[i % 3]
        # Spread over 61 days and the hours of each day. 61 is prime: with a period that shares
        # a factor with status (3) or priority (4), every task due on the earliest days had the
        # same status and priority, and a filtered page sorted by due date first skipped tens
        # of thousands of rows no real user has. One in five is due on a day (i % 5 == 1), one
        # in five has no due (i % 5 == 0). One in fifty repeats weekly (all due at a time), so
        # the agenda projects their later occurrences: 13,000 open repeating tasks at 1M.
        due = now + timedelta(days=i % 61 - 20, minutes=(i * 37) % 1440)
        yield {
            "id": uuid.uuid4(),
            "owner_id": owner_id,
            "title": title,
            "description": description,
            "status": status,
            "priority": 1 + i % 4,
            "due_date": due if i % 5 > 1 else None,
            "due_on": due.date() if i % 5 == 1 else None,
            "labels": labels,
            "recurrence": "FREQ=WEEKLY" if i % 50 == 3 else None,
            "created_at": now - timedelta(seconds=count - i),
            "updated_at": now - timedelta(seconds=count - i),
            "completed_at": now if status == "done" else None,
            "version": 1,
            "search_text": document(title, description, labels),
        }


async def seed(owner_id: uuid.UUID, count: int) -> None:
    conn = await asyncpg.connect(DSN)
    rows = task_rows(owner_id, count)
    batch = 100_000
    while chunk := [row for _, row in zip(range(batch), rows, strict=False)]:
        columns = list(chunk[0])  # the rest take the table's defaults
        records = [tuple(row.values()) for row in chunk]
        await conn.copy_records_to_table("tasks", records=records, columns=columns)
    await conn.execute(COUNT_OWNER, owner_id)
    await conn.execute(COUNT_OPEN_DAYS, owner_id)
    await conn.close()
    # VACUUM (not in a transaction): index-only scans need the visibility map.
    conn = await asyncpg.connect(DSN)
    await conn.execute("VACUUM ANALYZE tasks")
    await conn.execute("VACUUM ANALYZE task_counts")
    await conn.execute("VACUUM ANALYZE task_open_days")
    await conn.close()


def create_user(env: dict[str, str], email: str) -> uuid.UUID:
    subprocess.run(
        [python(), "-m", "taskapp.cli", "create-user", "--email", email, "--password", PASSWORD],
        env=env,
        cwd=ROOT / "backend",
        check=True,
        capture_output=True,
    )
    return asyncio.run(_user_id(email))


async def _user_id(email: str) -> uuid.UUID:
    conn = await asyncpg.connect(DSN)
    owner: uuid.UUID = await conn.fetchval("SELECT id FROM users WHERE email = $1", email)
    await conn.close()
    return owner


@contextmanager
def server(
    args: list[str], env: dict[str, str], port: int, cores: str = "0", probe: str = "/health"
) -> Iterator[int]:
    """Runs a server on `cores` until the block ends; yields its process id."""
    process = subprocess.Popen(
        ["taskset", "-c", cores, *args],
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
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()  # a stuck drain must not stop the run; the figures are taken
            process.wait()


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


def serve_command(port: int, workers: int = 1) -> list[str]:
    return [
        python(),
        *("-m", "taskapp.cli", "serve", "--port", str(port), "--workers", str(workers)),
    ]


def login(base: str, email: str) -> str:
    response = httpx.post(
        f"{base}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=30
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a server process and every process under it (the
    worker processes of `serve --workers N`). proc(5): after the command name (which may hold
    spaces, hence the split at the last ")"), the parent id is field 4 and the times fields 14
    and 15 of stat. A process that exits meanwhile is left out."""
    processes: dict[int, tuple[int, int]] = {}  # pid -> (parent pid, CPU ticks)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            processes[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
        except (OSError, IndexError, ValueError):
            continue  # gone between the listing and the read
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, (of, _) in processes.items() if of == parent]
        tree.update(children)
        frontier.extend(children)
    return sum(processes[member][1] for member in tree if member in processes) / CLOCK_TICKS


def wrk(
    name: str,
    url: str,
    script: str,
    env: dict[str, str],
    seconds: int,
    connections: int,
    server_pid: int | None = None,
) -> Result:
    """VACUUM users, then wrk against `url` after a 3 s warm-up; with `server_pid`, also the CPU
    time per request of that server's processes over the measured run."""
    asyncio.run(vacuum_users())
    command = [
        *("taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", "--latency"),
        *("-s", str(BENCH / "lua" / script)),
    ]
    subprocess.run([*command, "-d3s", url], env=env, capture_output=True, check=True)  # warm-up
    cpu_before = cpu_seconds(server_pid) if server_pid is not None else 0.0
    output = subprocess.run(
        [*command, f"-d{seconds}s", url], env=env, capture_output=True, text=True, check=True
    ).stdout
    cpu_used = cpu_seconds(server_pid) - cpu_before if server_pid is not None else None
    latencies = {p: float(v) * UNIT[u] for p, v, u in LATENCY.findall(output)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(g) for g in socket_errors.groups()) if socket_errors else 0
    )
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    cpu_us = None if cpu_used is None or not total else 1e6 * cpu_used / total
    log(
        f"{name}: {rps:.0f} req/s, p50 {latencies['50']:.1f} ms, p99 {latencies['99']:.1f} ms"
        + ("" if cpu_us is None else f", server CPU {cpu_us:.0f} µs/request")
    )
    return Result(name, rps, latencies["50"], latencies["99"], errors, total, cpu_us)


def check_same_work(api: str, yardstick: str, headers: dict[str, str]) -> None:
    """Refuse to measure unless the yardstick answers what taskapp answers: the same first page
    (every field of every task, and a next page to follow) and a created task with the same
    fields. A yardstick that reads fewer columns, or none past the page, flatters itself."""
    ours = httpx.get(f"{api}/api/v1/tasks?limit=50", headers=headers, timeout=30).json()
    theirs = httpx.get(yardstick, timeout=30).json()
    if len(ours["items"]) != len(theirs["items"]):
        sys.exit(
            f"the yardstick's page has {len(theirs['items'])} tasks, taskapp's {len(ours['items'])}"
        )
    for index, (mine, reference) in enumerate(zip(ours["items"], theirs["items"], strict=True)):
        if differ := sorted(
            name
            for name in mine.keys() | reference.keys()
            if mine.get(name, "(missing)") != reference.get(name, "(missing)")
        ):
            sys.exit(f"the yardstick's task {index} differs from taskapp's in {differ}")
    if (ours["next_cursor"] is None) != (theirs["next_cursor"] is None):
        sys.exit("the yardstick and taskapp disagree on whether a next page follows")
    body = {"title": "same work check", "priority": "high", "labels": ["bench"]}
    created = httpx.post(f"{api}/api/v1/tasks", json=body, headers=headers, timeout=30)
    made = httpx.post(yardstick, json=body, timeout=30)
    if created.json().keys() != made.json().keys():
        sys.exit(
            "the yardstick's created task has other fields than taskapp's: "
            f"{sorted(created.json().keys() ^ made.json().keys())}"
        )


def speed(seconds: int, rounds: int, owner: uuid.UUID, email: str) -> list[Measured]:
    port, baseline_port = free_port(), free_port()
    base, yardstick = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{baseline_port}/tasks"
    baseline_env = {**os.environ, "BASELINE_DSN": DSN, "BASELINE_OWNER_ID": str(owner)}
    uvicorn = [
        *(python(), "-m", "uvicorn", "--app-dir", str(BENCH), "baseline:app"),
        *("--port", str(baseline_port), "--loop", "uvloop", "--http", "httptools"),
        *("--no-access-log", "--log-level", "warning"),
    ]
    measured: list[Measured] = []

    def run(name: str, url: str, script: str, env: dict[str, str], against: str | None) -> None:
        if against is None:
            measured.append(Measured(wrk(name, url, script, env, seconds, 64, app_pid), None))
            return
        label = (
            "baseline POST (insert + version bump)"
            if against == "post.lua"
            else "baseline GET, 50 rows"
        )
        pairs = []
        for _ in range(rounds):
            reference = wrk(label, yardstick, against, env, seconds, 64, yardstick_pid)
            pairs.append((wrk(name, url, script, env, seconds, 64, app_pid), reference))
        measured.append(median_pair(pairs))

    with server(uvicorn, baseline_env, baseline_port, probe="/tasks") as yardstick_pid:
        with server(serve_command(port), app_env(60), port) as app_pid:
            token = login(base, email)
            headers = {"Authorization": f"Bearer {token}"}
            check_same_work(base, yardstick, headers)
            page = httpx.get(f"{base}/api/v1/tasks?limit=200", headers=headers, timeout=30)
            ids = [task["id"] for task in page.json()["items"]]
            env = {**os.environ, "TOKEN": token, "TASK_IDS": ",".join(ids)}
            run("GET /health", f"{base}/health", "auth.lua", env, None)
            list_url = f"{base}/api/v1/tasks?limit=50"
            run("GET /api/v1/tasks?limit=50 (cache warm)", list_url, "auth.lua", env, "auth.lua")
            one = f"{base}/api/v1/tasks/{ids[0]}"
            run("GET /api/v1/tasks/{id} (cache warm)", one, "auth.lua", env, "auth.lua")
        with server(serve_command(port), app_env(0), port) as app_pid:
            env = {**env, "TOKEN": login(base, email)}
            run("GET /api/v1/tasks?limit=50 (cache off)", list_url, "auth.lua", env, "auth.lua")
            run("POST /api/v1/tasks", f"{base}/api/v1/tasks", "post.lua", env, "post.lua")
            run("PATCH /api/v1/tasks/{id}", base, "patch.lua", env, None)
    return measured


def workers(seconds: int, rounds: int, email: str) -> list[Measured]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/api/v1/tasks?limit=50"
    pairs: list[tuple[Result, Result]] = []
    for _ in range(rounds):
        results: list[Result] = []
        for count, cores in ((1, "0"), (2, "0-1")):
            with server(serve_command(port, count), app_env(0), port, cores=cores) as pid:
                env = {**os.environ, "TOKEN": login(base, email)}
                name = (
                    f"GET /api/v1/tasks?limit=50 (cache off), {count} worker(s) on core(s) {cores}"
                )
                results.append(wrk(name, url, "auth.lua", env, seconds, 64, pid))
        pairs.append((results[1], results[0]))
    return [median_pair(pairs)]


def scale(seconds: int, sizes: tuple[int, ...]) -> list[Result]:
    results: list[Result] = []
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    for size in sizes:
        email = f"scale-{size}@example.com"
        owner = create_user(app_env(0), email)
        started = time.monotonic()
        asyncio.run(seed(owner, size))
        log(f"seeded {size:,} tasks with COPY in {time.monotonic() - started:.0f} s")
        with server(serve_command(port), app_env(0), port) as pid:
            token = login(base, email)
            env = {**os.environ, "TOKEN": token}
            httpx.patch(
                f"{base}/api/v1/users/me",
                json={"time_zone": BENCH_ZONE},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).raise_for_status()
            today = datetime.now(ZoneInfo(BENCH_ZONE)).date()
            upcoming = f"from={today + timedelta(days=1)}&to={today + timedelta(days=14)}"
            # The Calendar's widest answer: 62 days, every repeating task's weeks in it.
            calendar = f"from={today}&to={today + timedelta(days=61)}"
            for label, path in (
                ("GET /tasks (first page)", "/api/v1/tasks"),
                ("first page, sort=due_date, status+priority", f"/api/v1/tasks?{SCALE_PAGE}"),
                ("q=quarterly", "/api/v1/tasks?q=quarterly"),
                ("GET /tasks/stats", "/api/v1/tasks/stats"),
                ("Today: GET /tasks/today", "/api/v1/tasks/today"),
                ("Upcoming: GET /tasks/agenda, 14 days", f"/api/v1/tasks/agenda?{upcoming}"),
                ("GET /tasks/agenda, 62 days", f"/api/v1/tasks/agenda?{calendar}"),
            ):
                results.append(
                    wrk(f"{size:,} tasks: {label}", base + path, "auth.lua", env, seconds, 16, pid)
                )
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=list(SCALE_SIZES),
        help="task counts for the scale cases (none: skip them)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="measured pairs (yardstick, then taskapp) per compared speed row; the median is shown",
    )
    parser.add_argument("--skip-speed", action="store_true", help="only the scale cases")
    args = parser.parse_args()
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (make bench installs Debian's wrk)")
    started = datetime.now(UTC)
    asyncio.run(reset_database())
    subprocess.run(
        [python(), "-m", "taskapp.cli", "migrate"],
        env=app_env(0),
        cwd=ROOT / "backend",
        check=True,
        capture_output=True,
    )
    measured: list[Measured] = []
    if not args.skip_speed:
        email = "bench@example.com"
        owner = create_user(app_env(0), email)
        log(f"seeding {SPEED_TASKS:,} tasks")
        asyncio.run(seed(owner, SPEED_TASKS))
        measured = speed(args.seconds, args.rounds, owner, email) + workers(
            args.seconds, args.rounds, email
        )
    scaled = scale(args.seconds, tuple(args.sizes))
    report(started, args.rounds, measured, scaled)
    return 0


def _cpu_columns(result: Result, reference: Result | None) -> tuple[str, str, str]:
    mine = result.server_cpu_us
    theirs = reference.server_cpu_us if reference else None
    ratio = f"{theirs / mine:.2f}" if mine and theirs else ""
    return (f"{mine:,.0f}" if mine else "", f"{theirs:,.0f}" if theirs else "", ratio)


def report(started: datetime, rounds: int, measured: list[Measured], scaled: list[Result]) -> None:
    lines = [
        f"taskapp benchmark, {started:%Y-%m-%d %H:%M} UTC: server on core 0, wrk on core 1, "
        "PostgreSQL and Redis unpinned; production mode, 1 worker unless stated",
        "",
    ]
    if measured:
        lines += [
            f"Speed: 64 connections, {SPEED_TASKS:,} tasks; each ratio is to the row measured "
            "just before it (the yardstick, or one worker for the workers row); compared rows "
            f"show the median of {rounds} such pairs",
            "",
            "| endpoint | requests/s | p50 ms | p99 ms | errors | reference requests/s | ratio "
            "| every pair's ratio | server CPU µs/request | reference's | CPU ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for m in measured:
            r, b = m.result, m.baseline
            reference = f"{b.requests_per_second:,.0f}" if b else ""
            ratio = f"{r.requests_per_second / b.requests_per_second:.2f}" if b else ""
            every = " / ".join(f"{pair:.2f}" for pair in m.pair_ratios)
            cpu, cpu_reference, cpu_ratio = _cpu_columns(r, b)
            lines.append(
                f"| {r.endpoint} | {r.requests_per_second:,.0f} | {r.p50_ms:.1f} | "
                f"{r.p99_ms:.1f} | {r.errors} | {reference} | {ratio} | {every} | {cpu} "
                f"| {cpu_reference} | {cpu_ratio} |"
            )
        lines += [
            "",
            "CPU ratio: the reference's server CPU per request over this one's, the ratio the "
            "requests/s would show if each server had its core to itself; for the workers row, "
            "1.00 means the second worker adds no CPU per request (linear on two free cores).",
            "",
        ]
    if scaled:
        lines += [
            "Scale: 16 connections, cache off, one user's tasks seeded with COPY",
            "",
            "| request | requests/s | p50 ms | p99 ms | errors | server CPU µs/request |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {r.endpoint} | {r.requests_per_second:,.0f} | {r.p50_ms:.1f} | "
            f"{r.p99_ms:.1f} | {r.errors} | {_cpu_columns(r, None)[0]} |"
            for r in scaled
        ]
    table = "\n".join(lines)
    print(table)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.md").write_text(table + "\n")
    (OUT / "results.json").write_text(
        json.dumps(
            {
                "started": started.isoformat(),
                "speed": [
                    {
                        **asdict(m.result),
                        "reference": m.baseline and asdict(m.baseline),
                        "pairs": [
                            {"measured": asdict(r), "reference": asdict(b)} for r, b in m.pairs
                        ],
                    }
                    for m in measured
                ],
                "scale": [asdict(r) for r in scaled],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
