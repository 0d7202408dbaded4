"""End-to-end routing and inhibition test on a real Alertmanager (Debian's prometheus-alertmanager).

Starts Alertmanager on a loopback port with a copy of a config in which only what cannot work
offline is replaced: the receivers' secret files hold loopback URLs of a local HTTP sink
(PagerDuty's events URL and the heartbeat webhook too), and every group_wait is 1s. The config
is either the plain deploy/monitoring/alertmanager/alertmanager.yaml or an environment's
assembled config (alert_routing.py --assemble: kube-prometheus-stack's base + the
AlertmanagerConfig, as the operator builds it). Then it posts alerts through the API and
asserts that
  - the critical burn-rate alert and TaskappBackendDown without a namespace (absent()) page;
  - warnings reach Slack, not PagerDuty, a platform alert without a namespace label too;
  - the warning of the same alertname + namespace as a firing critical is inhibited and sent
    nowhere, while the same warning in another namespace is delivered;
  - Watchdog reaches the heartbeat webhook (--heartbeat) or nobody, InfoInhibitor nobody.
Usage: alertmanager_e2e.py CONFIG WORKDIR [--heartbeat]
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.error import URLError

import yaml

Obj = dict[str, Any]
RECEIVED: list[tuple[str, Obj]] = []


class Sink(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        RECEIVED.append((self.path, json.loads(body or b"{}")))
        self.send_response(200 if self.path.startswith("/slack") else 202)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def api(base: str, path: str, data: object | None = None) -> Any:
    if not base.startswith("http://127.0.0.1:"):
        raise ValueError(f"only the loopback Alertmanager: {base}")
    method = "POST" if data is not None else "GET"
    req = urllib.request.Request(base + path, method=method)  # noqa: S310 (loopback, checked)
    if data is not None:
        req.data = json.dumps(data).encode()
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=5) as r:  # noqa: S310 (loopback http only)
        body = r.read()
    if r.headers.get_content_type() != "application/json":
        return body.decode()  # /-/ready answers plain text
    return json.loads(body) if body else None


def fast(route: Obj) -> None:
    """group_wait 1s everywhere, so notifications leave within the test's patience."""
    route["group_wait"] = "1s"
    for sub in route.get("routes", []):
        fast(sub)


def test_config(config_path: str, work: Path, sink_url: str) -> Path:
    """The config with secrets as files holding loopback URLs; fails on an inline secret."""
    cfg = yaml.safe_load(Path(config_path).read_text())
    secrets = work / "secrets"
    secrets.mkdir(exist_ok=True)
    (secrets / "pagerduty_routing_key").write_text("test-routing-key")
    (secrets / "slack_webhook_url").write_text(f"{sink_url}/slack")
    cfg.setdefault("global", {})["pagerduty_url"] = f"{sink_url}/pagerduty"
    fast(cfg["route"])
    for rcv in cfg["receivers"]:
        for pd in rcv.get("pagerduty_configs", []):
            if "routing_key" in pd or "service_key" in pd:
                raise SystemExit(f"{rcv['name']}: the PagerDuty key must not be inline")
            pd["routing_key_file"] = str(secrets / "pagerduty_routing_key")
        for sl in rcv.get("slack_configs", []):
            if "api_url" in sl:
                raise SystemExit(f"{rcv['name']}: the Slack webhook must not be inline")
            sl["api_url_file"] = str(secrets / "slack_webhook_url")
        for wh in rcv.get("webhook_configs", []):
            wh["url"] = f"{sink_url}/heartbeat"
    path = work / "alertmanager.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return path


@contextmanager
def alertmanager(config: Path, work: Path) -> Iterator[str]:
    """A loopback Alertmanager on the config; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (work / "alertmanager.log").open("w") as log:
        proc = subprocess.Popen(
            [
                "prometheus-alertmanager",
                f"--config.file={config}",
                f"--storage.path={work / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",
                "--log.level=debug",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(100):
                try:
                    api(base, "/-/ready")
                    break
                except (URLError, ConnectionError):
                    time.sleep(0.1)
            else:
                raise SystemExit(f"Alertmanager did not start; see {work / 'alertmanager.log'}")
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def alert(name: str, severity: str, namespace: str | None) -> Obj:
    labels = {"alertname": name, "severity": severity}
    if namespace:
        labels["namespace"] = namespace
    return {
        "labels": labels,
        # The summary names the namespace: every receiver's text shows the summary.
        "annotations": {
            "summary": f"{name} {severity} in {namespace or 'no-namespace'}",
            "runbook_url": f"https://example.invalid/{name}.md",
        },
        "endsAt": (datetime.now(UTC) + timedelta(minutes=10)).isoformat(),
    }


ALERTS = [
    ("TaskappApiAvailabilityBudgetBurn", "critical", "taskapp-prod"),
    ("TaskappApiAvailabilityBudgetBurn", "warning", "taskapp-prod"),
    ("TaskappApiAvailabilityBudgetBurn", "warning", "taskapp-staging"),
    ("TaskappCacheErrorsHigh", "warning", "taskapp-prod"),
    ("TaskappBackendDown", "critical", None),
    ("KubeNodeNotReady", "warning", None),
    ("Watchdog", "none", None),
    ("InfoInhibitor", "none", None),
]


def inhibition_failures(base: str) -> list[str]:
    state = {
        (a["labels"]["alertname"], a["labels"]["severity"], a["labels"].get("namespace")): a[
            "status"
        ]
        for a in api(base, "/api/v2/alerts")
    }
    failures = []
    inhibited = state[("TaskappApiAvailabilityBudgetBurn", "warning", "taskapp-prod")]
    if inhibited["state"] != "suppressed" or not inhibited["inhibitedBy"]:
        failures.append(f"prod burn-rate warning should be inhibited by the critical: {inhibited}")
    failures.extend(
        f"{key} should be active, is {state[key]}"
        for key in [
            ("TaskappApiAvailabilityBudgetBurn", "warning", "taskapp-staging"),
            ("TaskappCacheErrorsHigh", "warning", "taskapp-prod"),
            ("TaskappApiAvailabilityBudgetBurn", "critical", "taskapp-prod"),
        ]
        if state[key]["state"] != "active"
    )
    return failures


def delivery_failures(heartbeat: bool) -> list[str]:
    """What each receiver actually got, judged by the summaries in the payloads."""

    def got(prefix: str) -> str:
        return json.dumps([b for p, b in RECEIVED if p.startswith(prefix)])

    expect = {
        "PagerDuty": (
            got("/pagerduty"),
            ["TaskappApiAvailabilityBudgetBurn", "TaskappBackendDown"],
            ["warning in", "Watchdog", "InfoInhibitor", "KubeNodeNotReady"],
        ),
        "Slack": (
            got("/slack"),
            [
                "TaskappCacheErrorsHigh warning in taskapp-prod",
                "TaskappApiAvailabilityBudgetBurn warning in taskapp-staging",
                "KubeNodeNotReady warning in no-namespace",
            ],
            [
                "critical in",
                "TaskappApiAvailabilityBudgetBurn warning in taskapp-prod",
                "Watchdog",
                "InfoInhibitor",
            ],
        ),
        "heartbeat": (
            got("/heartbeat"),
            ["Watchdog"] if heartbeat else [],
            ["InfoInhibitor", "Taskapp"],
        ),
    }
    failures = []
    for receiver, (text, present, absent) in expect.items():
        failures.extend(f"{receiver} should get {x!r}" for x in present if x not in text)
        failures.extend(f"{receiver} must not get {x!r}" for x in absent if x in text)
    pages = [b for p, b in RECEIVED if p.startswith("/pagerduty")]
    if len(pages) != 2:
        failures.append(f"PagerDuty should get exactly 2 events, got {len(pages)}")
    if any(p.get("routing_key") != "test-routing-key" for p in pages):
        failures.append("PagerDuty event does not carry the routing key from the secret file")
    return failures


def main(config_path: str, workdir: str, heartbeat: bool) -> int:
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    sink = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    config = test_config(config_path, work, f"http://127.0.0.1:{sink.server_address[1]}")
    try:
        with alertmanager(config, work) as base:
            api(base, "/api/v2/alerts", [alert(*a) for a in ALERTS])
            want = 6 if heartbeat else 5  # notifications: 2 pages, 3 Slack, the heartbeat
            deadline = time.time() + 15
            while time.time() < deadline and len(RECEIVED) < want:
                time.sleep(0.2)
            time.sleep(2)  # anything that should NOT arrive would have arrived by now
            failures = inhibition_failures(base) + delivery_failures(heartbeat)
    finally:
        sink.shutdown()
    counts = {r: sum(p.startswith(f"/{r}") for p, _ in RECEIVED) for r in ("pagerduty", "slack")}
    counts["heartbeat"] = sum(p.startswith("/heartbeat") for p, _ in RECEIVED)
    print(f"alertmanager e2e ({Path(config_path).name}): notifications {counts}")
    for f in failures:
        print(f"FAIL: {f}", file=sys.stderr)
    print(f"alertmanager e2e: {'ok' if not failures else f'{len(failures)} failures'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], "--heartbeat" in sys.argv[3:]))
