"""Live check: a real Prometheus scraping a real taskapp backend, with the project's rule files.

Started by scripts/monitoring-live.sh (which starts PostgreSQL and Redis on private ports and
migrates the database). This script:
  1. starts the backend (production mode) and Prometheus (scrape every 2s, rules every 5s);
  2. drives real traffic: register, login (and failures up to a lockout), refresh, refresh-token
     reuse, logout, task create/list/get/patch/delete, 404 on a template route and on an unknown
     path, 422s; Redis stopped for a while (cache errors, no 5xx); PostgreSQL stopped for a while
     (5xx, /ready 503);
  3. asks Prometheus' HTTP API and asserts: the rules loaded without errors; every taskapp metric
     is there with exactly the promised labels and label values, and no raw path, email, user id
     or task id in any label value; every SLO recording rule produces series; the availability
     burn-rate page is pending or firing after the 5xx phase;
  4. writes artifacts/monitoring/live-report.{json,md}.

Usage: live_check.py  (configuration from the environment; see scripts/monitoring-live.sh)
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(os.environ["ROOT"])
WORK = Path(os.environ["LIVE_WORK"])
PG_PORT = os.environ["TASKAPP_PG_PORT"]
REDIS_PORT = os.environ["TASKAPP_REDIS_PORT"]
DB_URL = os.environ["LIVE_DATABASE_URL"]
REDIS_URL = os.environ["LIVE_REDIS_URL"]
UV = str(ROOT / "scripts" / "uv")
ARTIFACTS = ROOT / "artifacts" / "monitoring"

# The contract (docs/observability.md, backend issue "production behaviours").
PROMISED: dict[str, set[str]] = {
    "http_requests_total": {"method", "route", "status"},
    "http_request_duration_seconds_bucket": {"method", "route", "le"},
    "http_request_duration_seconds_count": {"method", "route"},
    "http_request_duration_seconds_sum": {"method", "route"},
    "http_requests_in_progress": {"method", "route"},
    "tasks_total": {"status"},
    "database_connections_active": set(),
    "database_pool_size": set(),
    "active_sessions": set(),
    "cache_requests_total": {"result"},
    "auth_events_total": {"event"},
    "taskapp_build_info": {"version", "commit"},
}
TARGET_LABELS = {"__name__", "job", "instance", "namespace"}
AUTH_EVENTS = {
    "login_success",
    "login_failure",
    "lockout",
    "refresh",
    "refresh_reuse_detected",
    "logout",
}
CACHE_RESULTS = {"hit", "miss", "error"}
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

results: list[dict[str, Any]] = []


def check(name: str, ok: bool, detail: str = "") -> bool:
    results.append({"check": name, "ok": bool(ok), "detail": detail})
    print(
        f"  [{'ok' if ok else 'FAIL'}] {name}{(': ' + detail) if detail and not ok else ''}",
        flush=True,
    )
    return ok


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_url(url: str) -> str:
    """The URL, refused unless http(s): urlopen would also open file: and custom schemes."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url!r}")
    return url


class Http:
    def __init__(self, base: str) -> None:
        self.base = http_url(base)

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 15,
    ) -> tuple[int, Any, dict[str, str]]:
        req = urllib.request.Request(self.base + path, method=method)  # noqa: S310 - base checked
        if body is not None:
            req.data = json.dumps(body).encode()
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:  # noqa: S310 - base checked
                raw = r.read()
                status, hdrs = r.status, dict(r.headers)
        except urllib.error.HTTPError as e:
            raw, status, hdrs = e.read(), e.code, dict(e.headers)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
            return 0, str(e), {}
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw.decode(errors="replace")
        return status, data, hdrs


def prom_api(
    base: str, path: str, params: dict[str, str] | list[tuple[str, str]] | None = None
) -> Any:
    url = f"{http_url(base)}/api/v1/{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - base checked
        payload = json.loads(r.read())
    if payload.get("status") != "success":
        raise RuntimeError(f"Prometheus {path}: {payload}")
    return payload["data"]


def services(action: str, which: str) -> None:
    subprocess.run(
        [str(ROOT / "scripts" / "services.sh"), action, which],
        check=True,
        env={**os.environ, "TASKAPP_PG_PORT": PG_PORT, "TASKAPP_REDIS_PORT": REDIS_PORT},
    )


def wait_for(fn, timeout: float, what: str) -> Any:
    deadline = time.time() + timeout
    last: Any = None
    while time.time() < deadline:
        try:
            last = fn()
            if last:
                return last
        except Exception as e:
            last = e
        time.sleep(0.5)
    raise SystemExit(f"timed out waiting for {what} (last: {last})")


def start_backend(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "TASKAPP_ENV": "production",
        "TASKAPP_DATABASE_URL": DB_URL,
        "TASKAPP_REDIS_URL": REDIS_URL,
        "TASKAPP_SECRET_KEY": "live-check-" + uuid.uuid4().hex + uuid.uuid4().hex,
        "TASKAPP_PASSWORD_TIME_COST": "1",
        "TASKAPP_PASSWORD_MEMORY_COST": "8192",
    }
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    # stdout is the log stream the contract makes JSON; stderr is kept apart (uv's own messages)
    return subprocess.Popen(
        [UV, "run", "--frozen", "taskapp", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT / "backend",
        env=env,
        stdout=open(WORK / "backend.log", "w"),
        stderr=open(WORK / "backend.stderr.log", "w"),
        start_new_session=True,
    )


def start_prometheus(port: int, backend_port: int) -> subprocess.Popen:
    rule_files = sorted(str(p) for p in (ROOT / "deploy" / "monitoring" / "rules").glob("*.yaml"))
    config = {
        "global": {"scrape_interval": "2s", "scrape_timeout": "2s", "evaluation_interval": "5s"},
        "rule_files": rule_files,
        "scrape_configs": [
            {
                "job_name": "taskapp-backend",
                "metrics_path": "/metrics",
                "static_configs": [
                    {
                        "targets": [f"127.0.0.1:{backend_port}"],
                        "labels": {"namespace": "taskapp-live"},
                    }
                ],
            }
        ],
    }
    cfg = WORK / "prometheus.yml"
    cfg.write_text(json.dumps(config, indent=2))  # JSON is YAML
    subprocess.run(["promtool", "check", "config", str(cfg)], check=True, stdout=subprocess.DEVNULL)
    # The child keeps its own copy of the log's descriptor; ours can close once it has started.
    with open(WORK / "prometheus.log", "w") as log:
        return subprocess.Popen(
            [
                "prometheus",
                f"--config.file={cfg}",
                f"--storage.tsdb.path={WORK / 'prometheus-data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--storage.tsdb.retention.time=1d",
                "--log.level=info",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


# ----------------------------------------------------------------------------- traffic
def drive_traffic(api: Http) -> dict[str, Any]:
    """Real requests; returns the identifiers that must never appear in a label value."""
    secrets: dict[str, Any] = {"emails": [], "task_ids": [], "user_ids": [], "paths": []}
    statuses: dict[str, int] = {}

    def req(label: str, *args: Any, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        status, data, hdrs = api.call(*args, **kw)
        statuses[label] = status
        return status, data, hdrs

    run = uuid.uuid4().hex[:10]
    email, other = f"live-{run}@example.com", f"locked-{run}@example.com"
    password = "correct horse battery staple " + run
    secrets["emails"] += [email, other]

    s, user, _ = req(
        "register",
        "POST",
        "/api/v1/auth/register",
        {"email": email, "password": password, "full_name": "Live Check"},
    )
    check("register a user (201)", s == 201, f"status {s}: {user}")
    if isinstance(user, dict) and user.get("id"):
        secrets["user_ids"].append(str(user["id"]))
    s, tokens, _ = req(
        "login", "POST", "/api/v1/auth/login", {"email": email, "password": password}
    )
    check("log in (200)", s == 200, f"status {s}: {tokens}")
    access = tokens["access_token"] if isinstance(tokens, dict) else None
    refresh = tokens["refresh_token"] if isinstance(tokens, dict) else None
    for _ in range(3):
        req(
            "bad-login",
            "POST",
            "/api/v1/auth/login",
            {"email": email, "password": "wrong password"},
        )
    check("wrong password is 401", statuses["bad-login"] == 401, f"status {statuses['bad-login']}")
    # an account that gets locked out (TASKAPP_LOGIN_MAX_FAILURES, default 10)
    locked = 0
    for _ in range(15):
        s, _, _ = api.call("POST", "/api/v1/auth/login", {"email": other, "password": "guess"})
        if s == 429:
            locked += 1
    check("repeated failures end in a lockout (429)", locked > 0, "no 429 in 15 failed logins")

    task_ids = []
    for i in range(6):
        s, task, _ = req(
            "create",
            "POST",
            "/api/v1/tasks",
            {"title": f"live task {i}", "labels": ["live"]},
            token=access,
        )
        if s == 201 and isinstance(task, dict):
            task_ids.append(str(task["id"]))
    secrets["task_ids"] = task_ids
    check(
        "create tasks (201)",
        len(task_ids) == 6,
        f"created {len(task_ids)}/6, last status {statuses.get('create')}",
    )
    for _ in range(3):
        req("list", "GET", "/api/v1/tasks?limit=50", token=access)
        req("stats", "GET", "/api/v1/tasks/stats", token=access)
    for tid in task_ids[:3]:
        req("get", "GET", f"/api/v1/tasks/{tid}", token=access)
        req("get", "GET", f"/api/v1/tasks/{tid}", token=access)
    if task_ids:
        s, _, _ = req(
            "patch", "PATCH", f"/api/v1/tasks/{task_ids[0]}", {"status": "done"}, token=access
        )
        check("complete a task (PATCH 200)", s == 200, f"status {s}")
        s, _, _ = req("delete", "DELETE", f"/api/v1/tasks/{task_ids[-1]}", token=access)
        check("delete a task (204)", s == 204, f"status {s}")
    missing = str(uuid.uuid4())
    secrets["task_ids"].append(missing)
    s, _, _ = req("404-template", "GET", f"/api/v1/tasks/{missing}", token=access)
    check("unknown task id is 404", s == 404, f"status {s}")
    raw_path = f"/no/such/page/{run}"
    secrets["paths"].append(raw_path)
    s, _, _ = req("404-unmatched", "GET", raw_path)
    check("unknown path is 404", s == 404, f"status {s}")
    s, _, _ = req("422", "POST", "/api/v1/tasks", {"description": "no title"}, token=access)
    check("invalid body is 422", s == 422, f"status {s}")
    s, _, _ = req("422b", "GET", "/api/v1/tasks?limit=not-a-number", token=access)
    check("invalid query is 422", s == 422, f"status {s}")

    # refresh twice, then replay the first token (reuse detection: its successor was spent, so
    # the two-tab grace window does not apply), then log out
    s, new, _ = req("refresh", "POST", "/api/v1/auth/refresh", {"refresh_token": refresh})
    check("refresh (200)", s == 200, f"status {s}: {new}")
    newer = new["refresh_token"] if isinstance(new, dict) else None
    s, _, _ = req("refresh", "POST", "/api/v1/auth/refresh", {"refresh_token": newer})
    check("refresh with the successor (200)", s == 200, f"status {s}")
    s, _, _ = req("reuse", "POST", "/api/v1/auth/refresh", {"refresh_token": refresh})
    check("replayed refresh token is refused (401)", s == 401, f"status {s}")
    # The three wrong passwords above started the account's progressive delay for this source:
    # a careful client waits as long as Retry-After says, then signs in.
    for _ in range(4):
        s, tokens2, hdrs = req(
            "login2", "POST", "/api/v1/auth/login", {"email": email, "password": password}
        )
        if s != 429:
            break
        retry_after = {k.lower(): v for k, v in hdrs.items()}.get("retry-after", "1")
        time.sleep(min(8.0, float(retry_after)))
    check("log in again after the delay Retry-After names (200)", s == 200, f"status {s}")
    access = tokens2["access_token"] if isinstance(tokens2, dict) else access
    refresh2 = tokens2["refresh_token"] if isinstance(tokens2, dict) else None
    s, _, _ = req(
        "logout", "POST", "/api/v1/auth/logout", {"refresh_token": refresh2}, token=access
    )
    check("log out (204)", s == 204, f"status {s}")
    s, tokens3, _ = req(
        "login3", "POST", "/api/v1/auth/login", {"email": email, "password": password}
    )
    access = tokens3["access_token"] if isinstance(tokens3, dict) else access
    secrets["access"] = access

    # enough API traffic for the SLO rules' traffic floor (1 request/min over an hour = 60)
    for _ in range(40):
        req("list", "GET", "/api/v1/tasks?limit=10", token=access)
        req("health", "GET", "/health")
    return secrets


def redis_outage(api: Http, access: str) -> None:
    services("stop", "redis")
    try:
        codes = []
        for _ in range(10):
            s, _, _ = api.call("GET", "/api/v1/tasks?limit=5", token=access)
            codes.append(s)
            s, _, _ = api.call("GET", "/api/v1/tasks/stats", token=access)
            codes.append(s)
        check(
            "Redis down: reads still answered, no 5xx",
            all(c == 200 for c in codes),
            f"statuses {codes}",
        )
        s, body, _ = api.call("GET", "/ready")
        check("Redis down: /ready stays 200", s == 200, f"status {s}: {body}")
    finally:
        services("start", "redis")


def postgres_outage(api: Http, access: str) -> list[int]:
    services("stop", "postgres")
    codes: list[int] = []
    try:
        deadline = time.time() + 8
        while time.time() < deadline:
            s, _, _ = api.call(
                "POST", "/api/v1/tasks", {"title": "during outage"}, token=access, timeout=10
            )
            codes.append(s)
            s, _, _ = api.call("GET", "/api/v1/users/me", token=access, timeout=10)
            codes.append(s)
        s, _, _ = api.call("GET", "/ready", timeout=10)
        check("PostgreSQL down: /ready is 503", s == 503, f"status {s}")
    finally:
        services("start", "postgres")
    check(
        "PostgreSQL down: API answers 5xx", any(500 <= c < 600 for c in codes), f"statuses {codes}"
    )
    wait_for(lambda: api.call("GET", "/ready")[0] == 200, 30, "/ready after PostgreSQL restart")
    return codes


# ----------------------------------------------------------------------------- assertions
def assert_prometheus(prom: str, secrets: dict[str, Any]) -> None:
    # 1. the rules load and evaluate without errors
    groups = prom_api(prom, "rules")["groups"]
    expected_rules = sum(
        len(re.findall(r"^\s+- (record|alert):", p.read_text(), re.M))
        for p in (ROOT / "deploy" / "monitoring" / "rules").glob("*.yaml")
    )
    loaded = [r for g in groups for r in g["rules"]]
    check(
        "all rule files loaded",
        len(loaded) == expected_rules,
        f"{len(loaded)} rules loaded, {expected_rules} in the files",
    )
    bad = [f"{r['name']}: {r.get('lastError')}" for r in loaded if r.get("health") != "ok"]
    check("every rule evaluates with health ok", not bad, "; ".join(bad[:5]))

    # 2. the scrape target
    targets = prom_api(prom, "targets")["activeTargets"]
    up = [t for t in targets if t["labels"].get("job") == "taskapp-backend" and t["health"] == "up"]
    check(
        "backend target is up",
        bool(up),
        json.dumps([(t["scrapeUrl"], t["health"], t.get("lastError")) for t in targets]),
    )

    # 3. every promised metric, with exactly the promised labels
    series_by_name: dict[str, list[dict[str, str]]] = {}
    for name in PROMISED:
        series_by_name[name] = prom_api(
            prom, "series", [("match[]", f'{{__name__="{name}",job="taskapp-backend"}}')]
        )
    for name, labels in PROMISED.items():
        found = series_by_name[name]
        if not check(f"metric {name} present", bool(found), "no series"):
            continue
        label_sets = {frozenset(set(s) - TARGET_LABELS) for s in found}
        check(
            f"metric {name} has labels {sorted(labels) or 'none'}",
            label_sets == {frozenset(labels)},
            f"label sets {[sorted(x) for x in label_sets]}",
        )

    def values(name: str, label: str) -> set[str]:
        return {s[label] for s in series_by_name[name] if label in s}

    statuses = values("http_requests_total", "status")
    check(
        "status label is a 3-digit code",
        bool(statuses) and all(re.fullmatch(r"[1-5]\d\d", s) for s in statuses),
        str(sorted(statuses)),
    )
    methods = values("http_requests_total", "method")
    check(
        "method label is an HTTP method", bool(methods) and methods <= METHODS, str(sorted(methods))
    )
    routes = (
        values("http_requests_total", "route")
        | values("http_request_duration_seconds_count", "route")
        | values("http_requests_in_progress", "route")
    )
    id_like = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-|/\d+(/|$)|@")
    bad_routes = [
        r for r in routes if r != "unmatched" and (not r.startswith("/") or id_like.search(r))
    ]
    check(
        "route label is a template or 'unmatched' (no raw path)",
        bool(routes) and not bad_routes,
        str(bad_routes or "no routes"),
    )
    check(
        "route template for one task is used",
        "/api/v1/tasks/{task_id}" in routes,
        str(sorted(routes)),
    )
    by_route_status = {(s["route"], s["status"]) for s in series_by_name["http_requests_total"]}
    check(
        "unknown paths are counted as route=unmatched, 404",
        ("unmatched", "404") in by_route_status,
        str(sorted(by_route_status)),
    )
    check("404 on the task route is counted", ("/api/v1/tasks/{task_id}", "404") in by_route_status)
    check("422s are counted", any(st == "422" for _, st in by_route_status))
    check(
        "5xx under /api/v1 are counted",
        any(r.startswith("/api/v1") and st.startswith("5") for r, st in by_route_status),
        str(sorted(x for x in by_route_status if x[1].startswith("5"))),
    )
    check("/ready 503 is counted", ("/ready", "503") in by_route_status)
    les = values("http_request_duration_seconds_bucket", "le")
    check(
        "histogram buckets 5 ms .. 10 s incl. 0.3",
        {"0.005", "0.3", "10.0", "+Inf"} <= les or {"0.005", "0.3", "10", "+Inf"} <= les,
        str(sorted(les)),
    )
    check(
        "auth_events_total has every promised event",
        values("auth_events_total", "event") == AUTH_EVENTS,
        str(sorted(values("auth_events_total", "event"))),
    )
    check(
        "cache_requests_total results are hit|miss|error, all seen",
        values("cache_requests_total", "result") == CACHE_RESULTS,
        str(sorted(values("cache_requests_total", "result"))),
    )
    check(
        "tasks_total has a done status",
        "done" in values("tasks_total", "status"),
        str(sorted(values("tasks_total", "status"))),
    )

    def current(query: str) -> float:
        res = prom_api(prom, "query", {"query": query})["result"]
        return float(res[0]["value"][1]) if res else float("nan")

    def current_by(metric: str, label: str, label_values: list[str]) -> dict[str, float]:
        """The backend's current sum of `metric` for each of the label's values, in that order."""
        return {
            v: current(f'sum({metric}{{job="taskapp-backend", {label}="{v}"}})')
            for v in label_values
        }

    # label values exist from the start (zeros); these prove the backend really counts them
    counted = current_by("auth_events_total", "event", sorted(AUTH_EVENTS))
    check(
        "every auth event driven was counted (> 0)",
        all(v > 0 for v in counted.values()),
        str(counted),
    )
    cache = current_by("cache_requests_total", "result", sorted(CACHE_RESULTS))
    check(
        "cache hits, misses and (Redis down) errors were counted (> 0)",
        all(v > 0 for v in cache.values()),
        str(cache),
    )
    tasks = current_by("tasks_total", "status", ["pending", "done"])
    check(
        "tasks_total matches the tasks created (4 pending, 1 done)",
        tasks == {"pending": 4.0, "done": 1.0},
        str(tasks),
    )
    build = series_by_name["taskapp_build_info"]
    check(
        "taskapp_build_info carries a version and commit",
        bool(build) and all(b.get("version") and b.get("commit") for b in build),
        str(build),
    )
    for name in ("process_resident_memory_bytes", "process_cpu_seconds_total", "python_info"):
        found = prom_api(
            prom, "series", [("match[]", f'{{__name__="{name}",job="taskapp-backend"}}')]
        )
        check(f"default collector metric {name} present", bool(found))

    # 4. no identifier or raw path in ANY label value of ANY taskapp series
    all_series = prom_api(prom, "series", [("match[]", '{job="taskapp-backend"}')])
    needles = [
        n
        for n in secrets["emails"] + secrets["task_ids"] + secrets["user_ids"] + secrets["paths"]
        if n
    ]
    leaks = sorted(
        {
            f"{s['__name__']}{{{k}={v!r}}}"
            for s in all_series
            for k, v in s.items()
            if any(n.lower() in v.lower() for n in needles)
            or re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", v)
        }
    )
    check(
        f"no email, user id, task id or raw path in {len(all_series)} series' labels",
        len(all_series) > 50 and not leaks,
        "; ".join(leaks[:5]) or f"only {len(all_series)} series",
    )
    values_gauges = {}
    for name in ("database_pool_size", "database_connections_active", "active_sessions"):
        res = prom_api(prom, "query", {"query": f'max({name}{{job="taskapp-backend"}})'})["result"]
        values_gauges[name] = float(res[0]["value"][1]) if res else None
    check(
        "database_pool_size > 0", (values_gauges["database_pool_size"] or 0) > 0, str(values_gauges)
    )
    check(
        "active_sessions >= 1 after logins",
        (values_gauges["active_sessions"] or 0) >= 1,
        str(values_gauges),
    )

    # 5. every SLO recording rule produces series
    records = sorted({r["name"] for r in loaded if r["type"] == "recording"})
    empty = []
    for name in records:
        res = prom_api(prom, "query", {"query": name})["result"]
        if not res:
            empty.append(name)
    check(f"all {len(records)} recording rules produce series", not empty, ", ".join(empty))
    ratio = prom_api(
        prom,
        "query",
        {"query": 'taskapp:slo_availability_error_ratio:rate5m{namespace="taskapp-live"}'},
    )["result"]
    check(
        "availability error ratio (5m) > 0 after the 5xx phase",
        bool(ratio) and float(ratio[0]["value"][1]) > 0,
        str(ratio),
    )

    # 6. the fast-burn page reacts to the outage; nothing claims the backend is down
    alerts = prom_api(prom, "alerts")["alerts"]
    burn = [
        a
        for a in alerts
        if a["labels"].get("alertname") == "TaskappApiAvailabilityBudgetBurn"
        and a["labels"].get("long_window") == "1h"
    ]
    check(
        "TaskappApiAvailabilityBudgetBurn (1h/5m, critical) is pending or firing",
        bool(burn) and burn[0]["state"] in ("pending", "firing"),
        json.dumps(
            [
                (a["labels"].get("alertname"), a["labels"].get("long_window"), a["state"])
                for a in alerts
            ]
        ),
    )
    check(
        "TaskappBackendDown is not active while the backend is scraped",
        not [a for a in alerts if a["labels"].get("alertname") == "TaskappBackendDown"],
    )


def check_logs() -> None:
    """The backend's stdout (JSON in production, by contract) is what Fluent Bit ships and Logs
    Insights queries: every line must parse, and request lines carry the queried fields."""
    lines = (WORK / "backend.log").read_text().splitlines()
    parsed, not_json = [], []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            not_json.append(line)
    check(
        "backend stdout log lines are all JSON (production)",
        bool(parsed) and not not_json,
        f"{len(not_json)} non-JSON lines, e.g. {not_json[:2]}",
    )
    requests = [r for r in parsed if "route" in r and "status" in r]
    need = {"event", "method", "route", "status", "duration_ms", "request_id", "level", "timestamp"}
    missing = [sorted(need - set(r)) for r in requests if not need <= set(r)]
    check(
        "request log lines carry event, method, route, status, duration_ms, request_id, level, "
        "timestamp",
        bool(requests) and not missing,
        f"{len(requests)} request lines, missing {missing[:3]}",
    )
    errors = [
        r
        for r in requests
        if isinstance(r.get("status"), int)
        and r["status"] >= 500
        and str(r.get("route", "")).startswith("/api/v1")
    ]
    check(
        "5xx request lines are queryable by route and status (Logs Insights '5xx by route')",
        bool(errors),
        "no 5xx request line",
    )
    by_id: dict[str, int] = {}
    for r in parsed:
        if r.get("request_id"):
            by_id[r["request_id"]] = by_id.get(r["request_id"], 0) + 1
    check(
        "request_id identifies one request's lines",
        bool(by_id) and len(by_id) >= len(requests) * 0.9,
        f"{len(by_id)} distinct ids for {len(requests)} request lines",
    )


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    backend_port, prom_port = free_port(), free_port()
    backend = prometheus = None
    t0 = time.time()
    try:
        backend = start_backend(backend_port)
        api = Http(f"http://127.0.0.1:{backend_port}")
        wait_for(
            lambda: api.call("GET", "/health")[0] == 200,
            90,
            f"backend /health (logs: {WORK / 'backend.log'}, {WORK / 'backend.stderr.log'})",
        )
        prometheus = start_prometheus(prom_port, backend_port)
        prom = f"http://127.0.0.1:{prom_port}"
        wait_for(
            lambda: (
                urllib.request.urlopen(f"http://127.0.0.1:{prom_port}/-/ready", timeout=2).status
                == 200
            ),
            30,
            "Prometheus ready",
        )
        print("traffic", flush=True)
        secrets = drive_traffic(api)
        print("Redis outage", flush=True)
        redis_outage(api, secrets["access"])
        print("PostgreSQL outage", flush=True)
        postgres_outage(api, secrets["access"])
        for _ in range(20):  # a little more normal traffic after recovery
            api.call("GET", "/api/v1/tasks?limit=10", token=secrets["access"])
        # two scrapes and two rule evaluations after the last request
        time.sleep(12)
        print("Prometheus assertions", flush=True)
        assert_prometheus(prom, secrets)
    finally:
        stop(prometheus)
        stop(backend)
    check_logs()
    failed = [r for r in results if not r["ok"]]
    report = {
        "checks": results,
        "passed": len(results) - len(failed),
        "failed": len(failed),
        "seconds": round(time.time() - t0, 1),
    }
    (ARTIFACTS / "live-report.json").write_text(json.dumps(report, indent=2))
    lines = [
        "# monitoring-live report",
        "",
        f"{report['passed']} passed, {report['failed']} failed, {report['seconds']} s",
        "",
        "| check | result | detail |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {r['check']} | {'ok' if r['ok'] else 'FAIL'} | "
        f"{r['detail'][:200] if not r['ok'] else ''} |"
        for r in results
    ]
    (ARTIFACTS / "live-report.md").write_text("\n".join(lines) + "\n")
    print(
        f"monitoring-live: {report['passed']} passed, {report['failed']} failed "
        f"({report['seconds']} s); "
        f"report in {ARTIFACTS / 'live-report.md'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
