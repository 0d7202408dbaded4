"""Does every alert reach someone? Routes every possible alert label set through the routing tree
that actually runs in each environment, with Alertmanager's own matcher (`amtool config routes
test`), and fails when an alert lands only on a receiver that notifies nobody.

The routing tree in the cluster is assembled by the Prometheus Operator from two rendered parts:
  - the base config: kube-prometheus-stack's `alertmanager.config`, as the kube-prometheus-stack
    Application of the app-of-apps chart (deploy/gitops/apps) sets it for the env;
  - every AlertmanagerConfig the Alertmanager selects (chart taskapp-monitoring, rendered with the
    env's values), converted as the operator does: its routes are prepended to the base routes,
    the first-level route gets `continue: true` and, unless the matcher strategy is None, a
    `namespace=<the CR's namespace>` matcher; receivers are named `<namespace>/<name>/<receiver>`.
The standalone deploy/monitoring/alertmanager/alertmanager.yaml (the one the end-to-end test runs)
is held to the same expectations.

The label sets:
  - taskapp alerts: every `exp_labels` of a firing case in the promtool tests (promtool proves
    that the rules produce exactly these, absent() branches included), plus the chart's
    extraAlertLabels and Prometheus' externalLabels, which the cluster adds;
  - platform alerts (kube-prometheus-stack's defaults, Argo CD, cert-manager): every severity
    upstream uses, in every namespace that runs something, and without a namespace;
  - Watchdog (must reach the heartbeat receiver) and InfoInhibitor (must reach nobody).
Expectations: critical pages (a PagerDuty receiver), warning and info reach Slack, an alert
without severity still reaches someone.

Usage: alert_routing.py HELM ENV...
       alert_routing.py --assemble HELM ENV OUT   (write the env's deliverable assembled config)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from checks import report
from platform_check import facts as platform_facts

MON = Path(__file__).resolve().parents[1]
ROOT = MON.parents[1]
TESTS = sorted((MON / "rules" / "tests").glob("*.yaml"))
STANDALONE = MON / "alertmanager" / "alertmanager.yaml"

Obj = dict[str, Any]
Labels = dict[str, str]

# Namespaces where platform alerts come from (kube-prometheus-stack's rules label alerts with the
# namespace of the object they are about; node and cluster-wide alerts have none).
PLATFORM_NAMESPACES = [
    "kube-system",
    "monitoring",
    "argocd",
    "cert-manager",
    "external-secrets",
    None,
]
# A few real kube-prometheus-stack alerts with their upstream severities; the matrix below adds
# every severity in every namespace, so routing may not depend on the alert name.
PLATFORM_ALERTS = [
    ("KubeletDown", "critical", "kube-system"),
    ("KubeNodeNotReady", "warning", None),
    ("KubePodCrashLooping", "warning", "argocd"),
    ("TargetDown", "warning", "monitoring"),
    ("PrometheusRuleFailures", "critical", "monitoring"),
    ("CPUThrottlingHigh", "info", "kube-system"),
    ("KubePersistentVolumeFillingUp", "critical", "monitoring"),
]
# The integration each severity must reach (a receiver with at least one such config).
WANT = {"critical": "pagerduty", "warning": "slack", "info": "slack", "": "slack"}
TIMING = {
    "groupBy": "group_by",
    "groupWait": "group_wait",
    "groupInterval": "group_interval",
    "repeatInterval": "repeat_interval",
}
SECRETS_DIR = "/etc/alertmanager/secrets"
INTEGRATIONS = ("pagerduty", "slack", "webhook", "email", "opsgenie", "sns", "msteams", "victorops")


def helm_template(
    helm: str, release: str, chart: Path, namespace: str, values: Path, *extra: str
) -> list[Obj]:
    out = subprocess.run(
        [
            helm,
            "template",
            release,
            str(chart),
            "--namespace",
            namespace,
            "-f",
            str(values),
            *extra,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def matcher_strings(matchers: list[Obj]) -> list[str]:
    """AlertmanagerConfig matchers (name, value, matchType or the older regex flag) as strings."""
    out = []
    for m in matchers:
        op = m.get("matchType") or ("=~" if m.get("regex") else "=")
        value = str(m.get("value", "")).replace("\\", "\\\\").replace('"', '\\"')
        out.append(f'{m["name"]}{op}"{value}"')
    return out


def convert_route(route: Obj, prefix: str, first: bool, namespace: str | None) -> Obj:
    """An AlertmanagerConfig route as the operator writes it into alertmanager.yaml."""
    matchers = [
        m
        for m in route.get("matchers", [])
        if not (first and namespace and m["name"] == "namespace")
    ]
    out: Obj = {"receiver": f"{prefix}{route['receiver']}"} if route.get("receiver") else {}
    strings = matcher_strings(matchers)
    if first and namespace:
        strings.append(f'namespace="{namespace}"')
    if strings:
        out["matchers"] = strings
    out["continue"] = True if first else bool(route.get("continue", False))
    for camel, snake in TIMING.items():
        if camel in route:
            out[snake] = route[camel]
    subs = [convert_route(r, prefix, False, None) for r in route.get("routes", [])]
    if subs:
        out["routes"] = subs
    return out


def convert_receiver(rcv: Obj, name: str) -> Obj:
    """An AlertmanagerConfig receiver as a plain Alertmanager receiver, secrets as the files the
    end-to-end test writes (the operator inlines them; Alertmanager 0.25 has no webhook url_file,
    so the heartbeat URL is left for the test to fill in)."""
    out: Obj = {"name": name}

    def secret_file(ref: Obj) -> str:
        return f"{SECRETS_DIR}/{ref['name']}/{ref['key']}"

    for pd in rcv.get("pagerdutyConfigs", []):
        conf: Obj = {"routing_key_file": secret_file(pd["routingKey"])}
        conf["send_resolved"] = pd.get("sendResolved", True)
        for key in ("severity", "description"):
            if key in pd:
                conf[key] = pd[key]
        if pd.get("details"):
            conf["details"] = {d["key"]: d["value"] for d in pd["details"]}
        out.setdefault("pagerduty_configs", []).append(conf)
    for sl in rcv.get("slackConfigs", []):
        conf = {"api_url_file": secret_file(sl["apiURL"])}
        conf["send_resolved"] = sl.get("sendResolved", True)
        for key in ("channel", "title", "text"):
            if key in sl:
                conf[key] = sl[key]
        out.setdefault("slack_configs", []).append(conf)
    for wh in rcv.get("webhookConfigs", []):
        out.setdefault("webhook_configs", []).append(
            {
                "url": f"http://secret.invalid/{wh['urlSecret']['key']}",
                "send_resolved": wh.get("sendResolved", True),
            }
        )
    return out


def convert_inhibit(rule: Obj) -> Obj:
    return {
        "source_matchers": matcher_strings(rule.get("sourceMatch", [])),
        "target_matchers": matcher_strings(rule.get("targetMatch", [])),
        "equal": rule.get("equal", []),
    }


def kinds_of(receiver: Obj) -> set[str]:
    """The integrations a receiver notifies through ({} for a "null" receiver)."""
    kinds = set()
    for key, value in receiver.items():
        for kind in INTEGRATIONS:
            if value and key.lower() in (f"{kind}_configs", f"{kind}configs"):
                kinds.add(kind)
    return kinds


def effective_config(
    helm: str, env: str, deliverable: bool = False
) -> tuple[Obj, dict[str, set[str]], Labels, Labels]:
    """The env's running Alertmanager config, receiver -> integrations, and the labels the
    cluster adds to every taskapp alert (chart extraAlertLabels, Prometheus externalLabels).
    deliverable: keep the receivers' integrations (secrets as files) and the inhibit rules, for
    the end-to-end test; otherwise receivers are bare names (all amtool needs for routing)."""
    apps = helm_template(
        helm,
        f"taskapp-{env}",
        ROOT / "deploy/gitops/apps",
        "argocd",
        ROOT / f"deploy/gitops/envs/{env}/apps.yaml",
        # The cluster facts the root ApplicationSet passes (one distinct value each).
        "--set-json",
        f"cluster={json.dumps({**platform_facts(), 'environment': env})}",
    )
    kps = next(
        a
        for a in apps
        if a["kind"] == "Application" and a["metadata"]["name"] == f"kube-prometheus-stack-{env}"
    )
    values = kps["spec"]["source"]["helm"]["valuesObject"]
    am_values = values["alertmanager"]
    base: Obj = yaml.safe_load(yaml.safe_dump(am_values["config"]))
    spec = am_values.get("alertmanagerSpec", {})
    selector = spec.get("alertmanagerConfigSelector", {}).get("matchLabels", {})
    strategy = spec.get("alertmanagerConfigMatcherStrategy", {}).get("type", "OnNamespace")
    external = {
        k: str(v)
        for k, v in values["prometheus"]["prometheusSpec"].get("externalLabels", {}).items()
    }

    mon_values = ROOT / f"deploy/gitops/envs/{env}/taskapp-monitoring.yaml"
    mon = helm_template(
        helm,
        "taskapp-monitoring",
        ROOT / "deploy/helm/taskapp-monitoring",
        "monitoring",
        mon_values,
    )
    extra = {
        k: str(v)
        for k, v in (yaml.safe_load(mon_values.read_text()).get("rules", {}) or {})
        .get("extraAlertLabels", {})
        .items()
    }
    kinds = {r["name"]: kinds_of(r) for r in base.get("receivers", [])}
    base.setdefault("route", {}).setdefault("routes", [])
    prepended = []
    for cr in (o for o in mon if o["kind"] == "AlertmanagerConfig"):
        labels = cr["metadata"].get("labels", {})
        if not selector or any(labels.get(k) != v for k, v in selector.items()):
            continue  # the Alertmanager does not select it: it routes nothing
        ns, name = cr["metadata"]["namespace"], cr["metadata"]["name"]
        prefix = f"{ns}/{name}/"
        prepended.append(
            convert_route(cr["spec"]["route"], prefix, True, ns if strategy != "None" else None)
        )
        for rcv in cr["spec"].get("receivers", []):
            base.setdefault("receivers", []).append(convert_receiver(rcv, prefix + rcv["name"]))
            kinds[prefix + rcv["name"]] = kinds_of(rcv)
        base.setdefault("inhibit_rules", []).extend(
            convert_inhibit(r) for r in cr["spec"].get("inhibitRules", [])
        )
    base["route"]["routes"] = prepended + base["route"]["routes"]
    if not deliverable:
        for rcv in base["receivers"]:  # amtool validates integrations; routing needs names
            for key in list(rcv):
                if key != "name":
                    del rcv[key]
    base.pop("templates", None)
    return base, kinds, extra, external


def standalone_config() -> tuple[Obj, dict[str, set[str]]]:
    cfg: Obj = yaml.safe_load(STANDALONE.read_text())
    return cfg, {r["name"]: kinds_of(r) for r in cfg["receivers"]}


def taskapp_label_sets() -> Iterator[tuple[str, Labels]]:
    """Every label set a taskapp alert is proven (by promtool) to fire with."""
    for path in TESTS:
        for test in yaml.safe_load(path.read_text())["tests"]:
            for case in test.get("alert_rule_test", []):
                for exp in case.get("exp_alerts") or []:
                    labels = {k: str(v) for k, v in (exp.get("exp_labels") or {}).items()}
                    yield f"{path.name}: {test['name']}", {"alertname": case["alertname"], **labels}


def platform_label_sets(env: str) -> Iterator[tuple[str, Labels]]:
    for name, severity, ns in PLATFORM_ALERTS:
        yield (
            "kube-prometheus-stack default",
            with_ns({"alertname": name, "severity": severity}, ns),
        )
    for severity in ("critical", "warning", "info"):
        for ns in [*PLATFORM_NAMESPACES, f"taskapp-{env}"]:
            yield (
                "platform matrix",
                with_ns({"alertname": "PlatformAlert", "severity": severity}, ns),
            )
    yield "no severity", {"alertname": "SomethingWithoutSeverity"}
    yield "heartbeat", {"alertname": "Watchdog", "severity": "none"}
    yield "info inhibitor", {"alertname": "InfoInhibitor", "severity": "none"}


def with_ns(labels: Labels, ns: str | None) -> Labels:
    return {**labels, "namespace": ns} if ns else labels


def route(config_file: Path, labels: Labels) -> list[str]:
    out = subprocess.run(
        [
            "amtool",
            "config",
            "routes",
            "test",
            f"--config.file={config_file}",
            *(f"{k}={v}" for k, v in sorted(labels.items())),
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    if out.returncode not in (0, 1) or not out.stdout.strip():
        raise SystemExit(f"amtool config routes test failed: {out.stderr or out.stdout}")
    return [r.strip() for r in out.stdout.strip().split(",")]


def expect(labels: Labels, heartbeat: bool) -> tuple[set[str], bool]:
    """(integrations the alert must reach, whether it must reach nothing)."""
    if labels["alertname"] == "Watchdog":
        return ({"webhook"}, False) if heartbeat else (set(), True)
    if labels["alertname"] == "InfoInhibitor":
        return set(), True
    return {WANT.get(labels.get("severity", ""), "slack")}, False


def check(
    name: str,
    cfg: Obj,
    kinds: dict[str, set[str]],
    sets: list[tuple[str, Labels]],
    heartbeat: bool = True,
) -> list[str]:
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "alertmanager.yaml"
        path.write_text(yaml.safe_dump(cfg, sort_keys=False))
        seen: set[tuple[tuple[str, str], ...]] = set()
        for origin, labels in sets:
            key = tuple(sorted(labels.items()))
            if key in seen:
                continue
            seen.add(key)
            receivers = route(path, labels)
            reached = set().union(*(kinds.get(r, set()) for r in receivers))
            want, silent = expect(labels, heartbeat)
            shown = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()))
            if silent and reached:
                errors.append(
                    f"{name}: {{{shown}}} ({origin}) must notify nobody, reaches {receivers}"
                )
            elif not silent and not want <= reached:
                errors.append(
                    f"{name}: {{{shown}}} ({origin}) lands on {receivers} "
                    f"(integrations {sorted(reached) or 'none'}), needs {sorted(want)}"
                )
        print(f"  {name}: {len(seen)} label sets routed")
    return errors


def main(argv: list[str]) -> int:
    if argv[1:2] == ["--assemble"] and len(argv) == 5:
        # alert_routing.py --assemble HELM ENV OUT: the env's assembled, deliverable config
        cfg = effective_config(argv[2], argv[3], deliverable=True)[0]
        Path(argv[4]).write_text(yaml.safe_dump(cfg, sort_keys=False))
        return 0
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    helm, envs = argv[1], argv[2:]
    taskapp = list(taskapp_label_sets())
    errors: list[str] = []
    cfg, kinds = standalone_config()
    # Debian's Alertmanager 0.25 (the end-to-end test) cannot read a webhook URL from a file, so
    # the heartbeat lives only in the cluster's AlertmanagerConfig; here Watchdog notifies nobody.
    sets = taskapp + list(platform_label_sets("prod"))
    errors += check("alertmanager.yaml", cfg, kinds, sets, heartbeat=False)
    for env in envs:
        cfg, kinds, extra, external = effective_config(helm, env)
        sets = [(o, {**ls, **extra, **external}) for o, ls in taskapp]
        sets += [(o, {**ls, **external}) for o, ls in platform_label_sets(env)]
        errors += check(f"{env} (kube-prometheus-stack + AlertmanagerConfig)", cfg, kinds, sets)
    return report(
        errors, f"alert routing: {len(errors)} alerts that reach nobody or the wrong receiver"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv))
