"""End-to-end routing and inhibition test on a real Alertmanager (Debian's prometheus-alertmanager).

Starts Alertmanager on a loopback port with a copy of alertmanager.yaml in which only what cannot
work offline is replaced: the receivers' secret files hold loopback URLs of a local HTTP sink
(PagerDuty's events URL too), and group_wait is 1s. Then it posts alerts through the API and
asserts that
  - the critical burn-rate alert reaches PagerDuty, not Slack;
  - warnings reach Slack, not PagerDuty;
  - the warning of the same alertname + namespace as a firing critical is inhibited and sent
    nowhere, while the same warning in another namespace is delivered;
  - a kube-prometheus-stack alert without a namespace label (a node alert) reaches Slack;
  - Watchdog is delivered nowhere (here; in the cluster it pings the heartbeat).
Usage: alertmanager_e2e.py CONFIG WORKDIR
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

RECEIVED: list[tuple[str, dict]] = []


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
        return s.getsockname()[1]


def api(base: str, path: str, data: object | None = None) -> object:
    req = urllib.request.Request(base + path, method="POST" if data is not None else "GET")
    if data is not None:
        req.data = json.dumps(data).encode()
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=5) as r:
        body = r.read()
    return json.loads(body) if body else None


def main(config_path: str, workdir: str) -> int:
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    sink = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    sink_url = f"http://127.0.0.1:{sink.server_address[1]}"

    cfg = yaml.safe_load(Path(config_path).read_text())
    secrets = work / "secrets"
    secrets.mkdir(exist_ok=True)
    (secrets / "pagerduty_routing_key").write_text("test-routing-key")
    (secrets / "slack_webhook_url").write_text(f"{sink_url}/slack")
    cfg["global"]["pagerduty_url"] = f"{sink_url}/pagerduty"
    cfg["route"]["group_wait"] = "1s"
    for rcv in cfg["receivers"]:
        for pd in rcv.get("pagerduty_configs", []):
            assert "routing_key" not in pd and "service_key" not in pd, (
                "PagerDuty key must not be inline"
            )
            pd["routing_key_file"] = str(secrets / "pagerduty_routing_key")
        for sl in rcv.get("slack_configs", []):
            assert "api_url" not in sl, "Slack webhook must not be inline"
            sl["api_url_file"] = str(secrets / "slack_webhook_url")
    test_cfg = work / "alertmanager.yaml"
    test_cfg.write_text(yaml.safe_dump(cfg, sort_keys=False))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(work / "alertmanager.log", "w")
    proc = subprocess.Popen(
        [
            "prometheus-alertmanager",
            f"--config.file={test_cfg}",
            f"--storage.path={work / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
            "--log.level=debug",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    failures: list[str] = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/-/ready", timeout=2).read()
                break
            except Exception:
                time.sleep(0.1)
        else:
            raise SystemExit(f"Alertmanager did not start; see {work / 'alertmanager.log'}")

        now = datetime.now(UTC)
        ends = (now + timedelta(minutes=10)).isoformat()

        def alert(name: str, severity: str, namespace: str | None) -> dict:
            labels = {"alertname": name, "severity": severity}
            if namespace:
                labels["namespace"] = namespace
            return {
                "labels": labels,
                "annotations": {
                    "summary": f"{name} {severity}",
                    "runbook_url": f"https://example.invalid/{name}.md",
                },
                "endsAt": ends,
            }

        api(
            base,
            "/api/v2/alerts",
            [
                alert("TaskappApiAvailabilityBudgetBurn", "critical", "taskapp-prod"),
                alert("TaskappApiAvailabilityBudgetBurn", "warning", "taskapp-prod"),
                alert("TaskappApiAvailabilityBudgetBurn", "warning", "taskapp-staging"),
                alert("TaskappCacheErrorsHigh", "warning", "taskapp-prod"),
                alert("KubeNodeNotReady", "warning", None),
                alert("Watchdog", "none", None),
            ],
        )
        deadline = time.time() + 15
        while time.time() < deadline and len(RECEIVED) < 4:
            time.sleep(0.2)
        time.sleep(2)  # anything that should NOT arrive would have arrived by now

        # inhibition as Alertmanager reports it
        state = {
            (a["labels"]["alertname"], a["labels"]["severity"], a["labels"].get("namespace")): a[
                "status"
            ]
            for a in api(base, "/api/v2/alerts")
        }  # type: ignore[union-attr]
        inhibited = state[("TaskappApiAvailabilityBudgetBurn", "warning", "taskapp-prod")]
        if inhibited["state"] != "suppressed" or not inhibited["inhibitedBy"]:
            failures.append(
                f"prod burn-rate warning should be inhibited by the critical, is {inhibited}"
            )
        for key in [
            ("TaskappApiAvailabilityBudgetBurn", "warning", "taskapp-staging"),
            ("TaskappCacheErrorsHigh", "warning", "taskapp-prod"),
            ("TaskappApiAvailabilityBudgetBurn", "critical", "taskapp-prod"),
        ]:
            if state[key]["state"] != "active":
                failures.append(f"{key} should be active, is {state[key]}")

        # what each receiver actually got
        pd = [b for p, b in RECEIVED if p.startswith("/pagerduty")]
        slack = [b for p, b in RECEIVED if p.startswith("/slack")]
        pd_text = json.dumps(pd)
        slack_titles = [b.get("attachments", [{}])[0].get("title", "") for b in slack]
        slack_text = json.dumps(slack)
        if len(pd) != 1 or "TaskappApiAvailabilityBudgetBurn critical" not in pd_text:
            failures.append(
                f"PagerDuty should get exactly the critical burn-rate alert, got {pd_text}"
            )
        if pd and pd[0].get("routing_key") != "test-routing-key":
            failures.append("PagerDuty event does not carry the routing key from the secret file")
        if "TaskappApiAvailabilityBudgetBurn critical" in slack_text:
            failures.append("the critical alert must not go to Slack")
        if not any("TaskappCacheErrorsHigh" in t and "taskapp-prod" in t for t in slack_titles):
            failures.append(
                f"Slack should get TaskappCacheErrorsHigh (taskapp-prod), titles {slack_titles}"
            )
        if not any(
            "TaskappApiAvailabilityBudgetBurn" in t and "taskapp-staging" in t for t in slack_titles
        ):
            failures.append(
                f"Slack should get the staging burn-rate warning, titles {slack_titles}"
            )
        if any(
            "TaskappApiAvailabilityBudgetBurn" in t and "taskapp-prod" in t for t in slack_titles
        ):
            failures.append(f"the inhibited prod warning reached Slack: {slack_titles}")
        if not any("KubeNodeNotReady" in t for t in slack_titles):
            failures.append(f"Slack should get the platform alert KubeNodeNotReady, {slack_titles}")
        if "Watchdog" in pd_text + slack_text:
            failures.append("Watchdog must go to the null receiver")
        print(
            f"alertmanager e2e: pagerduty got {len(pd)}, slack got {len(slack)} notifications: {slack_titles}"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        sink.shutdown()
    for f in failures:
        print(f"FAIL: {f}", file=sys.stderr)
    print(f"alertmanager e2e: {'ok' if not failures else f'{len(failures)} failures'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
