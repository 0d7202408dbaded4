"""Chaos suite: two production replicas behind nginx on real PostgreSQL + Redis, faults in turn.

Clients create tasks (with an Idempotency-Key, retried), list, read and patch them while the driver
kills a replica (-9), stops Redis, crashes PostgreSQL (`pg_ctl stop -m immediate`), restarts the
replicas one by one with SIGTERM, and floods the login endpoint. Live updates (issue 19): a
stream on one replica sees a write made through the other within 1 s, and after kill -9 of the
replica serving a stream the client reconnects through nginx with Last-Event-ID and is told of
the writes made while it was away. `--only <phase>` runs one phase (e.g. `--only live_updates`).
Every raw response is counted per phase; at the end every acknowledged write is looked up again
(none lost, none duplicated).

Started by scripts/chaos.sh, which installs nginx, starts PostgreSQL + Redis on the suite's own
ports, migrates a fresh database and passes everything through environment variables (below).
Prints a per-phase table (also artifacts/chaos/summary.md and summary.json) and exits 1 when an
expectation of the issue fails, naming it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import pct, spawn_serve

ROOT = Path(__file__).resolve().parents[2]
ENV = os.environ
LB_PORT = int(ENV.get("CHAOS_LB_PORT", "8910"))
REPLICA_PORTS = [int(p) for p in ENV.get("CHAOS_REPLICA_PORTS", "8911,8912").split(",")]
PG_PORT = int(ENV.get("TASKAPP_PG_PORT", "55732"))
REDIS_PORT = int(ENV.get("TASKAPP_REDIS_PORT", "56679"))
DATABASE_URL = ENV["CHAOS_DATABASE_URL"]
REDIS_URL = ENV["CHAOS_REDIS_URL"]
PG_BIN = Path(ENV["CHAOS_PG_BIN"])
PG_DATA = Path(ENV["CHAOS_PG_DATA"])
WORK = Path(ENV.get("CHAOS_DIR", str(ROOT / "var" / "chaos")))
ARTIFACTS = Path(ENV.get("CHAOS_ARTIFACTS", str(ROOT / "artifacts" / "chaos")))
# What AWS's Application Load Balancer keeps an idle connection to a target open for: the
# balancer here reuses upstream connections for as long, as an ALB would.
BALANCER_IDLE_SECONDS = 60
# The backend chart's memory limit (deploy/helm/taskapp-backend values): a replica above it is
# OOM-killed in the cluster.
MEMORY_LIMIT_MIB = 512
USERS = 8
CLIENTS_PER_USER = 2
# A throwaway account on a throwaway database.
PASSWORD = "chaos-Suite-passphrase-7291"
RETRIES = 6


def log(message: str) -> None:
    print(f"chaos: {message}", file=sys.stderr, flush=True)


# --- counting -------------------------------------------------------------------------------


@dataclass
class PhaseStats:
    name: str
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    signed_in_latencies_ms: list[float] = field(default_factory=list)
    failed_operations: int = 0  # an operation that still failed after all its retries
    bad_5xx: list[str] = field(default_factory=list)  # 5xx that is not a 503 problem+json
    max_rss_mib: float = 0.0
    notes: list[str] = field(default_factory=list)

    def count(self, elapsed_ms: float, status: int | None, *, signed_in: bool) -> None:
        self.requests += 1
        self.latencies_ms.append(elapsed_ms)
        if signed_in:
            self.signed_in_latencies_ms.append(elapsed_ms)
        if status is None:
            self.transport_errors += 1
        else:
            self.statuses[status] += 1

    def row(self) -> dict[str, object]:

        by_class = Counter(status // 100 for status in self.statuses.elements())
        return {
            "phase": self.name,
            "requests": self.requests,
            "2xx": by_class[2],
            "4xx": by_class[4],
            "5xx": by_class[5],
            "transport_errors": self.transport_errors,
            "failed_operations": self.failed_operations,
            "p50_ms": round(pct(self.latencies_ms, 0.50), 1),
            "p99_ms": round(pct(self.latencies_ms, 0.99), 1),
            "signed_in_p99_ms": round(pct(self.signed_in_latencies_ms, 0.99), 1),
            "statuses": dict(sorted(self.statuses.items())),
            "max_rss_mib": round(self.max_rss_mib, 1),
        }


class Recorder:
    def __init__(self) -> None:
        self.phases: list[PhaseStats] = []
        self.current = PhaseStats("setup")

    def begin(self, name: str) -> PhaseStats:
        self.current = PhaseStats(name)
        self.phases.append(self.current)
        log(f"phase {name}")
        return self.current


# --- processes ------------------------------------------------------------------------------


class Replica:
    def __init__(self, port: int, secret: str) -> None:
        self.port = port
        self.secret = secret
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = WORK / f"replica-{port}.log"

    def start(self) -> None:
        env = {
            "TASKAPP_DATABASE_URL": DATABASE_URL,
            "TASKAPP_REDIS_URL": REDIS_URL,
            "TASKAPP_SECRET_KEY": self.secret,
            "TASKAPP_SHUTDOWN_GRACE_SECONDS": "10",
            "TASKAPP_METRICS_REFRESH_SECONDS": "5",
        }
        self.process = spawn_serve(ROOT / "backend", self.port, env, self.log_path)

    async def wait_ready(self, within: float = 30.0) -> None:
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(timeout=2.0) as client:
            while time.monotonic() < deadline:
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"http://127.0.0.1:{self.port}/ready")).status_code == 200:
                        return
                await asyncio.sleep(0.1)
        raise RuntimeError(f"replica :{self.port} not ready within {within} s ({self.log_path})")

    def kill(self, sig: int) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)

    async def wait_exit(self, within: float = 30.0) -> int | None:
        """The exit code, or None when the process is still running after `within` seconds."""
        deadline = time.monotonic() + within
        while self.process and time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                return code
            await asyncio.sleep(0.05)
        return None

    def rss_mib(self) -> float:
        """Resident memory of the server process (the pod's working set in the cluster)."""
        if not self.process or self.process.poll() is not None:
            return 0.0
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return 0.0
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


class Balancer:
    """nginx in front of the replicas, configured as an ALB behaves toward its targets."""

    def __init__(self) -> None:
        self.prefix = WORK / "nginx"
        self.conf = self.prefix / "nginx.conf"

    def start(self) -> None:
        self.prefix.mkdir(parents=True, exist_ok=True)
        (self.prefix / "logs").mkdir(exist_ok=True)
        self.write_config(drained=set())
        subprocess.run(["nginx", "-p", str(self.prefix), "-c", str(self.conf)], check=True)

    def drain(self, drained: set[int]) -> None:
        """Take replicas out of rotation (as Kubernetes removes a terminating pod's endpoint
        before its preStop pause ends) or put them back: new requests go to the others."""
        self.write_config(drained)
        subprocess.run(
            ["nginx", "-p", str(self.prefix), "-c", str(self.conf), "-s", "reload"], check=True
        )

    def write_config(self, drained: set[int]) -> None:
        servers = "\n".join(
            f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=2s"
            f"{' down' if port in drained else ''};"
            for port in REPLICA_PORTS
        )
        self.conf.write_text(
            f"""daemon on;
pid {self.prefix}/nginx.pid;
error_log {self.prefix}/logs/error.log warn;
worker_processes 1;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {self.prefix}/body;
  proxy_temp_path {self.prefix}/proxy;
  fastcgi_temp_path {self.prefix}/fastcgi;
  uwsgi_temp_path {self.prefix}/uwsgi;
  scgi_temp_path {self.prefix}/scgi;
  upstream taskapp {{
{servers}
    keepalive 64;
    keepalive_timeout {BALANCER_IDLE_SECONDS}s;
  }}
  server {{
    listen 127.0.0.1:{LB_PORT};
    keepalive_timeout 75s;
    location / {{
      proxy_pass http://taskapp;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_connect_timeout 1s;
      proxy_read_timeout 30s;
    }}
  }}
}}
"""
        )

    def stop(self) -> None:
        subprocess.run(
            ["nginx", "-p", str(self.prefix), "-c", str(self.conf), "-s", "stop"], check=False
        )

    def error_lines(self) -> list[str]:
        """What nginx logged about its upstreams (resets, premature closes, no live upstreams)."""
        path = self.prefix / "logs" / "error.log"
        if not path.exists():
            return []
        lines = path.read_text(errors="replace").splitlines()
        return [line for line in lines if "[error]" in line or "[warn]" in line]


def as_postgres(*argv: str) -> subprocess.CompletedProcess[bytes]:
    command = list(argv)
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=False, capture_output=True)


def postgres_crash() -> None:
    as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(PG_DATA), "-m", "immediate", "-w", "stop")


def postgres_start() -> None:
    result = as_postgres(
        str(PG_BIN / "pg_ctl"), "-D", str(PG_DATA), "-l", str(PG_DATA / "server.log"),
        "-w", "-t", "60", "start", "-o",
        f"-p {PG_PORT} -k {PG_DATA} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c max_connections=200",
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"PostgreSQL did not start: {result.stderr.decode()}")


def postgres_accepting() -> bool:
    result = as_postgres(str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(PG_PORT))
    return result.returncode == 0


async def until(condition: Callable[[], bool], within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{condition.__name__} still false after {within} s")
        await asyncio.sleep(0.05)


def redis_stop() -> None:
    subprocess.run(
        ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], check=False, capture_output=True
    )


def redis_start() -> None:
    subprocess.run([str(ROOT / "scripts" / "services.sh"), "start", "redis"], check=True)


# --- the clients ----------------------------------------------------------------------------


@dataclass
class User:
    email: str
    token: str = ""
    acked: dict[str, str] = field(default_factory=dict)  # title -> task id
    versions: dict[str, int] = field(default_factory=dict)  # task id -> highest acked version


class Suite:
    def __init__(self, recorder: Recorder, base_url: str) -> None:
        self.recorder = recorder
        self.base = base_url
        self.client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(15.0),
            # A new connection to the balancer per request: what is under test is the balancer's
            # side (its kept-alive upstream connections), and a reload of nginx (draining a
            # replica) closes idle client connections, which would count as the app's errors.
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=0),
        )
        self.users: list[User] = []
        self.stale_reads: list[str] = []
        self.duplicate_creates: list[str] = []

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        signed_in: bool = True,
    ) -> httpx.Response | None:
        phase = self.recorder.current
        started = time.perf_counter()
        try:
            response = await self.client.request(
                method, path, json=json, params=params, headers=headers
            )
        except httpx.TransportError as error:
            phase.count((time.perf_counter() - started) * 1000, None, signed_in=signed_in)
            phase.notes.append(f"{method} {path}: {type(error).__name__}")
            return None
        phase.count(
            (time.perf_counter() - started) * 1000, response.status_code, signed_in=signed_in
        )
        if response.status_code >= 500:
            content_type = response.headers.get("content-type", "")
            if response.status_code != 503 or not content_type.startswith(
                "application/problem+json"
            ):
                phase.bad_5xx.append(f"{response.status_code} {content_type} {method} {path}")
        return response

    async def with_retries(
        self, make: Callable[[], Awaitable[httpx.Response | None]]
    ) -> httpx.Response | None:
        """Retry transport errors and 5xx with backoff, as a careful client does; 503 honours
        Retry-After (bounded)."""
        delay = 0.1
        for _ in range(RETRIES):
            response = await make()
            if response is not None and response.status_code < 500:
                return response
            wait = delay
            if response is not None and response.status_code == 503:
                with contextlib.suppress(ValueError):
                    wait = min(2.0, float(response.headers.get("retry-after", delay)))
            await asyncio.sleep(wait)
            delay = min(1.6, delay * 2)
        self.recorder.current.failed_operations += 1
        return None

    def auth(self, user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {user.token}"}

    async def sign_up(self, index: int) -> User:
        user = User(email=f"chaos-{index}-{uuid.uuid4().hex[:8]}@example.test")
        response = await self.with_retries(
            lambda: self.request(
                "POST", "/api/v1/auth/register", json={"email": user.email, "password": PASSWORD}
            )
        )
        if response is None or response.status_code != 201:
            raise RuntimeError(f"register failed: {response and response.text}")
        response = await self.with_retries(
            lambda: self.request(
                "POST", "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
            )
        )
        if response is None or response.status_code != 200:
            raise RuntimeError(f"login failed: {response and response.text}")
        user.token = response.json()["access_token"]
        return user

    async def create(self, user: User, seq: int, client_id: int) -> None:
        title = f"chaos {client_id}-{seq}"
        key = str(uuid.uuid4())
        # One body per key: a retry must send exactly what the first attempt sent.
        body = {"title": title, "priority": random.choice(["low", "medium", "high"])}
        response = await self.with_retries(
            lambda: self.request(
                "POST",
                "/api/v1/tasks",
                json=body,
                headers={**self.auth(user), "Idempotency-Key": key},
            )
        )
        if response is None:
            return
        if response.status_code != 201:
            self.recorder.current.notes.append(f"create: {response.status_code} {response.text}")
            self.recorder.current.failed_operations += 1
            return
        body = response.json()
        if title in user.acked and user.acked[title] != body["id"]:
            self.duplicate_creates.append(title)
        user.acked[title] = body["id"]
        user.versions[body["id"]] = body["version"]

    async def read(self, user: User) -> None:
        if not user.acked:
            return
        task_id = random.choice(list(user.acked.values()))
        expected = user.versions.get(task_id, 0)
        response = await self.with_retries(
            lambda: self.request("GET", f"/api/v1/tasks/{task_id}", headers=self.auth(user))
        )
        if response is not None and response.status_code == 200:
            if response.json()["version"] < expected:
                self.stale_reads.append(f"{task_id}: v{response.json()['version']} < v{expected}")
        elif response is not None:
            self.recorder.current.failed_operations += 1
            self.recorder.current.notes.append(f"read: {response.status_code}")

    async def patch(self, user: User) -> None:
        if not user.acked:
            return
        task_id = random.choice(list(user.acked.values()))
        priority = random.choice(["low", "medium", "high", "urgent"])
        response = await self.with_retries(
            lambda: self.request(
                "PATCH",
                f"/api/v1/tasks/{task_id}",
                json={"priority": priority},
                headers=self.auth(user),
            )
        )
        if response is not None and response.status_code == 200:
            version = response.json()["version"]
            user.versions[task_id] = max(user.versions.get(task_id, 0), version)
        elif response is not None:
            self.recorder.current.failed_operations += 1
            self.recorder.current.notes.append(f"patch: {response.status_code}")

    async def list_page(self, user: User) -> None:
        response = await self.with_retries(
            lambda: self.request("GET", "/api/v1/tasks?limit=20", headers=self.auth(user))
        )
        if response is not None and response.status_code != 200:
            self.recorder.current.failed_operations += 1

    async def stats(self, user: User) -> None:
        response = await self.with_retries(
            lambda: self.request("GET", "/api/v1/tasks/stats", headers=self.auth(user))
        )
        if response is not None and response.status_code != 200:
            self.recorder.current.failed_operations += 1

    async def worker(self, client_id: int, stop: asyncio.Event, *, stats_only: bool) -> None:
        user = self.users[client_id % len(self.users)]
        seq = 0
        while not stop.is_set():
            if stats_only:
                await self.stats(user)
                await asyncio.sleep(0.05)
                continue
            roll = random.random()
            if roll < 0.35:
                seq += 1
                await self.create(user, seq + 1_000_000 * self.round, client_id)
            elif roll < 0.6:
                await self.read(user)
            elif roll < 0.8:
                await self.list_page(user)
            else:
                await self.patch(user)
            await asyncio.sleep(0.01)

    round = 0

    async def run_load(self, seconds: float, *, stats_only: bool = False) -> None:
        self.round += 1
        stop = asyncio.Event()
        workers = [
            asyncio.create_task(self.worker(i, stop, stats_only=stats_only))
            for i in range(USERS * CLIENTS_PER_USER)
        ]
        await asyncio.sleep(seconds)
        stop.set()
        await asyncio.gather(*workers)

    async def verify(self) -> tuple[int, list[str], list[str]]:
        """Every acknowledged create is there exactly once."""
        lost: list[str] = []
        duplicated: list[str] = []
        acked = 0
        for user in self.users:
            titles: Counter[str] = Counter()
            cursor: str | None = None
            while True:
                response = await self.with_retries(
                    functools.partial(
                        self.request,
                        "GET",
                        "/api/v1/tasks",
                        params={"limit": "200", **({"cursor": cursor} if cursor else {})},
                        headers=self.auth(user),
                    )
                )
                if response is None or response.status_code != 200:
                    raise RuntimeError("could not read the tasks back")
                page = response.json()
                titles.update(item["title"] for item in page["items"])
                cursor = page["next_cursor"]
                if not cursor:
                    break
            acked += len(user.acked)
            lost += [title for title in user.acked if titles[title] == 0]
            duplicated += [title for title, n in titles.items() if n > 1]
        return acked, lost, duplicated


# --- the phases -----------------------------------------------------------------------------


async def connection_survives_idle(port: int, idle_seconds: float) -> bool:
    """Whether a replica still answers on a keep-alive connection after it idled that long.
    A balancer that keeps upstream connections longer than the server will, sooner or later,
    send a request on one the server is closing: a 502 for the client."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    try:
        for attempt in range(2):
            if attempt:
                await asyncio.sleep(idle_seconds)
            writer.write(request)
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
            lengths = [
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ]
            await reader.readexactly(lengths[0] if lengths else 0)
    except (OSError, asyncio.IncompleteReadError, TimeoutError):
        return False
    finally:
        writer.close()
    return True


# --- live updates (docs/adr/0019) -------------------------------------------------------------


@dataclass
class Received:
    at: float  # time.monotonic() when the event was read
    name: str
    id: str | None
    data: dict[str, Any]


class LiveClient:
    """A Server-Sent Events client, as the web app is: reads /api/v1/events, remembers the last
    id, and after a lost stream reconnects (after the stream's retry hint) with Last-Event-ID."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base = base_url
        self.token = token
        self.events: asyncio.Queue[Received] = asyncio.Queue()
        self.last_id: str | None = None
        self.retry_seconds = 2.0
        self.disconnects = 0

    async def read_once(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        if self.last_id is not None:
            headers["Last-Event-ID"] = self.last_id
        timeout = httpx.Timeout(5.0, read=None)
        async with (
            httpx.AsyncClient(base_url=self.base, timeout=timeout) as client,
            client.stream("GET", "/api/v1/events", headers=headers) as response,
        ):
            if response.status_code != 200:
                raise RuntimeError(f"events: {response.status_code} {await response.aread()!r}")
            fields: dict[str, str] = {}
            async for line in response.aiter_lines():
                if line:
                    if not line.startswith(":"):
                        name, _, value = line.partition(": ")
                        fields[name] = value
                    continue
                if "retry" in fields:
                    self.retry_seconds = int(fields.pop("retry")) / 1000
                if "event" in fields:
                    self.last_id = fields.get("id", self.last_id)
                    data = json.loads(fields.get("data", "{}"))
                    await self.events.put(
                        Received(time.monotonic(), fields["event"], fields.get("id"), data)
                    )
                fields = {}

    async def run(self, reconnected: asyncio.Event) -> None:
        while True:
            # A lost stream, or a refused reconnection (a 502 while nginx finds the live
            # replica): try again after the retry hint, as EventSource does.
            with contextlib.suppress(httpx.TransportError, RuntimeError):
                await self.read_once()
            self.disconnects += 1
            await asyncio.sleep(self.retry_seconds)
            reconnected.set()

    async def next_event(self, name: str, within: float) -> Received | None:
        deadline = time.monotonic() + within
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = await asyncio.wait_for(self.events.get(), left)
            except TimeoutError:
                return None
            if event.name == name:
                return event
        return None


async def live_streams(port: int) -> float:
    """taskapp_live_streams of one replica: which one serves an open stream."""
    async with httpx.AsyncClient(timeout=2.0) as client:
        with contextlib.suppress(httpx.HTTPError):
            text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
            for line in text.splitlines():
                if line.startswith("taskapp_live_streams "):
                    return float(line.split()[1])
    return 0.0


class Chaos:
    """The phases in turn, each under client load, and the expectations checked after each."""

    def __init__(self, seconds: float, only: set[str] | None = None) -> None:
        self.seconds = seconds
        self.only = only
        secret = uuid.uuid4().hex + uuid.uuid4().hex
        self.replicas = [Replica(port, secret) for port in REPLICA_PORTS]
        self.balancer = Balancer()
        self.recorder = Recorder()
        self.suite = Suite(self.recorder, f"http://127.0.0.1:{LB_PORT}")
        self.failures: list[str] = []

    async def under_load(self, seconds: float, fault: Callable[[], Awaitable[None]]) -> None:
        await asyncio.gather(self.suite.run_load(seconds), fault())

    async def steady(self) -> None:
        self.recorder.begin("steady")
        await self.suite.run_load(self.seconds)

    async def live_updates(self) -> None:
        """Issue 19's proof: a stream on replica B sees a write made through replica A within
        1 s; then kill -9 of the replica serving a stream (through nginx): the client
        reconnects through nginx with Last-Event-ID and is told of every write made while it
        was away."""
        phase = self.recorder.begin("live updates")
        started = time.monotonic()
        user = self.suite.users[0]
        writer = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{self.replicas[0].port}", timeout=10.0
        )

        async def write(title: str) -> None:
            made = await writer.post(
                "/api/v1/tasks", json={"title": title}, headers=self.suite.auth(user)
            )
            if made.status_code != 201:
                raise RuntimeError(f"live write: {made.status_code} {made.text}")
            user.acked[title] = made.json()["id"]

        # 1. Across replicas: stream from B, write through A.
        direct = LiveClient(f"http://127.0.0.1:{self.replicas[1].port}", user.token)
        reading = asyncio.create_task(direct.read_once())
        await direct.next_event("ready", 10)
        latencies = []
        for n in range(10):
            sent = time.monotonic()
            await write(f"live {n}")
            change = await direct.next_event("change", 5)
            if change is None:
                self.failures.append(f"live updates: write {n} through A never reached B")
                break
            latencies.append((change.at - sent) * 1000)
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError, httpx.TransportError):
            await reading
        worst = max(latencies, default=float("inf"))
        phase.notes.append(
            f"write on A -> event on B: p50 {pct(latencies, 0.5):.0f} ms, max {worst:.0f} ms "
            f"({len(latencies)} writes)"
        )
        if worst >= 1000:
            self.failures.append(f"live updates: a write took {worst:.0f} ms to reach B (>= 1 s)")

        # 2. kill -9 of the replica serving a stream through nginx.
        reconnected = asyncio.Event()
        client = LiveClient(self.suite.base, user.token)
        running = asyncio.create_task(client.run(reconnected))
        ready = await client.next_event("ready", 10)
        counts = await asyncio.gather(*(live_streams(r.port) for r in self.replicas))
        serving = [r for r, n in zip(self.replicas, counts, strict=True) if n >= 1]
        if ready is None or len(serving) != 1:
            self.failures.append(f"live updates: no single replica serves the stream ({counts})")
            running.cancel()
            await writer.aclose()
            return
        victim = serving[0]
        survivor = next(r for r in self.replicas if r is not victim)
        writer.base_url = httpx.URL(f"http://127.0.0.1:{survivor.port}")
        victim.kill(signal.SIGKILL)
        await victim.wait_exit()
        missed = [f"live while down {n}" for n in range(3)]
        for title in missed:  # before the client is back: only the resume can tell it
            await write(title)
        back = await client.next_event("change", 15)
        resumed = await client.next_event("ready", 5)
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        if back is None or resumed is None or not reconnected.is_set():
            self.failures.append("live updates: no change after reconnecting with Last-Event-ID")
        else:
            listed = await self.suite.client.get(
                "/api/v1/tasks",
                params={"q": "live while down", "limit": "200"},
                headers=self.suite.auth(user),
            )
            titles = {item["title"] for item in listed.json()["items"]}
            if not set(missed) <= titles:
                self.failures.append(f"live updates: refetch misses {set(missed) - titles}")
            phase.notes.append(
                f"kill -9 of :{victim.port} serving the stream: reconnected through nginx, "
                f"change to data_version {back.data['data_version']} for the "
                f"{len(missed)} writes made while away"
            )
        await writer.aclose()
        victim.start()
        await victim.wait_ready()
        phase.notes.append(f"scenario took {time.monotonic() - started:.1f} s")

    async def idle_keep_alive(self) -> None:
        self.recorder.begin("idle keep-alive")
        idle = max(6.0, self.seconds)
        survived, _ = await asyncio.gather(
            asyncio.gather(*(connection_survives_idle(port, idle) for port in REPLICA_PORTS)),
            self.idle_bursts(rounds=3),
        )
        if not all(survived):
            self.failures.append(
                f"idle keep-alive: a replica closed an idle connection within {idle:.0f} s "
                f"(a balancer keeps them {BALANCER_IDLE_SECONDS} s, so it meets that race: 502)"
            )

    async def idle_bursts(self, rounds: int) -> None:
        """Bursts of writes separated by about uvicorn's default keep-alive (5 s)."""
        for round_number in range(rounds):
            await asyncio.gather(
                *(
                    self.suite.create(user, 2_000_000 + round_number * 100 + i, 900 + i)
                    for i, user in enumerate(self.suite.users * 4)
                )
            )
            await asyncio.sleep(random.uniform(4.8, 5.2))

    async def replica_kill(self) -> None:
        self.recorder.begin("replica kill -9")
        victim = self.replicas[0]

        async def fault() -> None:
            await asyncio.sleep(1)
            victim.kill(signal.SIGKILL)
            await victim.wait_exit()
            await asyncio.sleep(2)
            victim.start()
            await victim.wait_ready()

        await self.under_load(self.seconds, fault)

    async def redis_loss(self) -> None:
        self.recorder.begin("redis stopped")

        async def fault() -> None:
            await asyncio.sleep(1)
            redis_stop()
            await asyncio.sleep(max(2.0, self.seconds - 3))
            redis_start()

        await self.under_load(self.seconds, fault)

    async def postgres_crash(self) -> None:
        phase = self.recorder.begin("postgresql crash")
        recovery: dict[str, float] = {}

        async def fault() -> None:
            await asyncio.sleep(1)
            postgres_crash()
            await asyncio.sleep(3)
            postgres_start()
            await until(postgres_accepting)
            recovery["accepting"] = time.monotonic()
            recovery["back"] = await self.first_database_answer(recovery["accepting"] + 30)

        await self.under_load(self.seconds + 4, fault)
        back_after = recovery["back"] - recovery["accepting"]
        phase.notes.append(f"service back {back_after:.2f} s after PostgreSQL accepted")
        if back_after > 2.0:
            self.failures.append(f"postgresql crash: service back after {back_after:.2f} s (> 2 s)")
        if phase.bad_5xx or phase.transport_errors:
            self.failures.append(
                f"postgresql crash: {len(phase.bad_5xx)} responses other than 503 problem+json, "
                f"{phase.transport_errors} transport errors (e.g. {phase.bad_5xx[:3]})"
            )

    async def first_database_answer(self, deadline: float) -> float:
        """When a database-backed request through the balancer first succeeds (inf: never)."""
        user = self.suite.users[0]
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                response = await self.suite.client.get(
                    "/api/v1/tasks/stats", headers=self.suite.auth(user)
                )
                if response.status_code == 200:
                    return time.monotonic()
            await asyncio.sleep(0.05)
        return float("inf")

    async def rolling_restart(self) -> None:
        phase = self.recorder.begin("rolling SIGTERM restart")

        async def fault() -> None:
            await asyncio.sleep(1)
            for replica in self.replicas:
                self.balancer.drain({replica.port})
                await asyncio.sleep(1)  # the chart's preStop pause, shortened
                replica.kill(signal.SIGTERM)
                code = await replica.wait_exit()
                if code != 0:
                    self.failures.append(f"replica :{replica.port} exited {code} on SIGTERM")
                replica.start()
                await replica.wait_ready()
                self.balancer.drain(set())

        await self.under_load(self.seconds, fault)
        phase.notes.append("both replicas restarted one after the other")

    async def login_flood(self) -> None:
        phase = self.recorder.begin("login flood")
        stop = asyncio.Event()

        async def sample_memory() -> None:
            while not stop.is_set():
                phase.max_rss_mib = max([phase.max_rss_mib, *(r.rss_mib() for r in self.replicas)])
                await asyncio.sleep(0.2)

        async def flooder() -> None:
            async with httpx.AsyncClient(base_url=self.suite.base, timeout=30.0) as client:
                while not stop.is_set():
                    email = f"nobody-{uuid.uuid4().hex[:10]}@example.test"
                    started = time.perf_counter()
                    status: int | None = None
                    with contextlib.suppress(httpx.TransportError):
                        status = (
                            await client.post(
                                "/api/v1/auth/login",
                                json={"email": email, "password": "wrong-password-1"},
                            )
                        ).status_code
                    phase.count((time.perf_counter() - started) * 1000, status, signed_in=False)

        async def stop_later() -> None:
            await asyncio.sleep(self.seconds)
            stop.set()

        await asyncio.gather(
            self.suite.run_load(self.seconds, stats_only=True),
            sample_memory(),
            stop_later(),
            *(flooder() for _ in range(16)),
        )
        p99 = pct(phase.signed_in_latencies_ms, 0.99)
        if p99 > 500:
            self.failures.append(f"login flood: signed-in p99 {p99:.0f} ms (> 500)")
        if phase.max_rss_mib > MEMORY_LIMIT_MIB:
            self.failures.append(
                f"login flood: a replica used {phase.max_rss_mib:.0f} MiB (> {MEMORY_LIMIT_MIB})"
            )

    def judge_phases(self) -> None:
        no_failed_operations = {
            "steady",
            "idle keep-alive",
            "replica kill -9",
            "redis stopped",
            "rolling SIGTERM restart",
        }
        no_server_errors = {
            "steady",
            "idle keep-alive",
            "redis stopped",
            "rolling SIGTERM restart",
        }
        for stats in self.recorder.phases:
            if stats.name in no_failed_operations and stats.failed_operations:
                self.failures.append(f"{stats.name}: {stats.failed_operations} failed operations")
            if stats.name in no_server_errors and (stats.statuses[502] or stats.transport_errors):
                self.failures.append(
                    f"{stats.name}: {stats.statuses[502]} x 502, "
                    f"{stats.transport_errors} transport errors"
                )
            if stats.statuses[500]:
                self.failures.append(f"{stats.name}: {stats.statuses[500]} x 500")

    async def run(self) -> dict[str, Any]:
        for replica in self.replicas:
            replica.start()
        try:
            await asyncio.gather(*(r.wait_ready() for r in self.replicas))
            self.balancer.start()
            self.suite.users = [await self.suite.sign_up(i) for i in range(USERS)]
            phases = (
                self.steady,
                self.live_updates,
                self.idle_keep_alive,
                self.replica_kill,
                self.redis_loss,
                self.postgres_crash,
                self.rolling_restart,
                self.login_flood,
            )
            for phase in phases:
                if self.only and phase.__name__ not in self.only:
                    continue
                await phase()
            self.recorder.begin("verify")
            acked, lost, duplicated = await self.suite.verify()
            await self.suite.client.aclose()
        finally:
            self.balancer.stop()
            for replica in self.replicas:
                replica.kill(signal.SIGKILL)
        if lost:
            self.failures.append(f"{len(lost)} acknowledged creates lost (e.g. {lost[:3]})")
        if duplicated or self.suite.duplicate_creates:
            self.failures.append(f"duplicates: {duplicated[:3]} {self.suite.duplicate_creates[:3]}")
        if self.suite.stale_reads:
            self.failures.append(f"stale reads after a write: {self.suite.stale_reads[:3]}")
        self.judge_phases()
        return {
            "phases": [stats.row() for stats in self.recorder.phases],
            "notes": {stats.name: stats.notes[:20] for stats in self.recorder.phases},
            "acknowledged_creates": acked,
            "lost": lost,
            "duplicated": duplicated,
            "balancer_log": self.balancer.error_lines()[:50],
            "failures": self.failures,
        }


def render(result: dict[str, Any]) -> str:
    rows: list[dict[str, object]] = result["phases"]
    columns = ["requests", "2xx", "4xx", "5xx", "transport_errors", "failed_operations"]
    lines = [
        "| phase | requests | 2xx | 4xx | 5xx | transport errors | failed ops | p50 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        cells = [row["phase"], *(row[c] for c in columns), row["p50_ms"], row["p99_ms"]]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    failures: list[str] = result["failures"]
    lines += [
        "",
        f"acknowledged creates: {result['acknowledged_creates']}, "
        f"lost: {len(result['lost'])}, duplicated: {len(result['duplicated'])}",
        "result: " + ("PASS" if not failures else "FAIL"),
        *(f"- {failure}" for failure in failures),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="client load per phase")
    parser.add_argument(
        "--only", action="append", help="run only this phase (a method name, e.g. live_updates)"
    )
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    result = asyncio.run(Chaos(args.seconds, set(args.only or ())).run())
    text = render(result)
    print(text)
    (ARTIFACTS / "summary.md").write_text(text + "\n")
    (ARTIFACTS / "summary.json").write_text(json.dumps(result, indent=2) + "\n")
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
