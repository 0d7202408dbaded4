"""Custom resources kubernetes-validate has no schema for (ExternalSecret, ClusterSecretStore,
ServiceMonitor, PrometheusRule, AlertmanagerConfig, Certificate, ClusterIssuer): the fields their
controllers require, and that they fit together with the objects they refer to."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote_plus, unquote_plus, urlsplit

import estate
import pytest
import yaml
from conftest import (
    ENVS,
    GITOPS,
    HELM_DIR,
    ROOT,
    helm_template,
    of_kind,
    one,
    render_chart,
    try_render_chart,
)

FIXTURES = Path(__file__).parent / "fixtures" / "monitoring"
DURATION = re.compile(r"^\d+(ms|s|m|h|d|w|y)$")


# --- ExternalSecret / ClusterSecretStore ---------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_external_secrets_use_the_cluster_store_and_the_env_prefix(rendered, apps, env):
    store = one(apps[env], "ClusterSecretStore")
    assert store["apiVersion"] == "external-secrets.io/v1"
    aws = store["spec"]["provider"]["aws"]
    assert aws["service"] == "SecretsManager"
    assert re.match(r"^[a-z]{2}-[a-z]+-\d$", aws["region"])
    sa = aws["auth"]["jwt"]["serviceAccountRef"]
    assert sa == {"name": "external-secrets", "namespace": "external-secrets"}
    allowed_ns = store["spec"]["conditions"][0]["namespaces"]
    found = 0
    for chart in ("taskapp-backend", "taskapp-monitoring"):
        for es in of_kind(rendered[env][chart], "ExternalSecret"):
            found += 1
            assert es["apiVersion"] == "external-secrets.io/v1"
            spec = es["spec"]
            assert spec["secretStoreRef"] == {
                "kind": "ClusterSecretStore",
                "name": store["metadata"]["name"],
            }
            assert es["metadata"]["namespace"] in allowed_ns
            assert DURATION.match(spec["refreshInterval"])
            assert spec["target"]["name"]
            assert spec["data"], "an ExternalSecret needs data or dataFrom"
            facts = estate.cluster_secret(env)["metadata"]["annotations"]
            named = {
                facts[k]
                for k in (
                    "app_secret_name",
                    "db_master_secret_arn",
                    "redis_auth_secret_arn",
                    "grafana_admin_secret_name",
                )
            }
            for d in spec["data"]:
                assert d["secretKey"]
                key = d["remoteRef"]["key"]
                # A fact names it, or it is under the env's prefix the store's role may read.
                assert key in named or key.startswith(f"taskapp/{env}/"), key
    assert found == 2


@pytest.mark.parametrize("env", ENVS)
def test_backend_secret_is_built_from_the_rotated_rds_secret_and_the_redis_token(rendered, env):
    es = one(rendered[env]["taskapp-backend"], "ExternalSecret")
    facts = estate.cluster_secret(env)["metadata"]["annotations"]
    assert {
        (d["secretKey"], d["remoteRef"]["key"], d["remoteRef"].get("property"))
        for d in es["spec"]["data"]
    } == {
        ("db_username", facts["db_master_secret_arn"], "username"),
        ("db_password", facts["db_master_secret_arn"], "password"),
        ("redis_token", facts["redis_auth_secret_arn"], None),
        ("secret_key", facts["app_secret_name"], "secret_key"),
        # SES SMTP credentials, from Terraform's modules/mail (test_smtp.py follows them).
        ("smtp_username", facts["smtp_secret_name"], "username"),
        ("smtp_password", facts["smtp_secret_name"], "password"),
    }
    target = es["spec"]["target"]
    assert target["template"]["mergePolicy"] == "Replace"
    data = target["template"]["data"]
    assert set(data) == {
        "database_url",
        "redis_url",
        "secret_key",
        "smtp_username",
        "smtp_password",
    }
    host, port, db = facts["db_host"], facts["db_port"], facts["db_name"]
    assert data["database_url"] == (
        "postgresql+asyncpg://{{ .db_username | urlquery }}:{{ .db_password | urlquery }}"
        f"@{host}:{port}/{db}?ssl=require"
    )
    assert data["redis_url"] == (
        f"rediss://:{{{{ .redis_token | urlquery }}}}@{facts['redis_host']}:{facts['redis_port']}/0"
    )


def test_the_external_secrets_url_template_renders_a_url_the_backend_accepts():
    """Renders the ExternalSecret's template with Go's text/template semantics for `urlquery`
    (query escaping) the way ESO does, for a password RDS may generate, and parses it back."""
    es = one(render_chart("taskapp-backend", "prod"), "ExternalSecret")
    tpl = es["spec"]["target"]["template"]["data"]["database_url"]
    password = "p#ss:w/rd?&%x+y"
    url = tpl.replace("{{ .db_username | urlquery }}", quote_plus("taskapp")).replace(
        "{{ .db_password | urlquery }}", quote_plus(password)
    )
    parts = urlsplit(url)
    assert parts.scheme == "postgresql+asyncpg"
    assert unquote_plus(parts.password or "") == password


# --- Ingress, Certificate, ClusterIssuer ---------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_alb_ingress_routes_api_and_probes_to_the_backend_and_the_rest_to_the_frontend(
    rendered, env
):
    ing = one(rendered[env]["taskapp-ingress"], "Ingress")
    ann = ing["metadata"]["annotations"]
    assert ing["spec"]["ingressClassName"] == "alb"
    assert ann["alb.ingress.kubernetes.io/scheme"] == "internet-facing"
    assert ann["alb.ingress.kubernetes.io/target-type"] == "ip"
    assert json.loads(ann["alb.ingress.kubernetes.io/listen-ports"]) == [
        {"HTTP": 80},
        {"HTTPS": 443},
    ]
    assert ann["alb.ingress.kubernetes.io/ssl-redirect"] == "443"
    assert ann["alb.ingress.kubernetes.io/healthcheck-path"].startswith("/")
    assert ("alb.ingress.kubernetes.io/wafv2-acl-arn" in ann) == (env == "prod")
    backend_svc = one(rendered[env]["taskapp-backend"], "Service", "taskapp-backend")
    frontend_svc = one(rendered[env]["taskapp-frontend"], "Service")
    routes = {}
    for rule in ing["spec"]["rules"]:
        for p in rule["http"]["paths"]:
            routes[p["path"]] = (
                p["pathType"],
                p["backend"]["service"]["name"],
                p["backend"]["service"]["port"]["number"],
            )
    b = (backend_svc["metadata"]["name"], backend_svc["spec"]["ports"][0]["port"])
    f = (frontend_svc["metadata"]["name"], frontend_svc["spec"]["ports"][0]["port"])
    assert routes == {
        "/api": ("Prefix", *b),
        "/p": ("Prefix", *b),  # published projects: pages the backend renders
        "/health": ("Exact", *b),
        "/ready": ("Exact", *b),
        "/": ("Prefix", *f),
    }
    # per-service ALB health checks: liveness for the backend, /healthz for nginx
    assert (
        backend_svc["metadata"]["annotations"]["alb.ingress.kubernetes.io/healthcheck-path"]
        == "/health"
    )
    assert (
        frontend_svc["metadata"]["annotations"]["alb.ingress.kubernetes.io/healthcheck-path"]
        == "/healthz"
    )


def test_acm_certificate_arn_goes_on_the_alb():
    arn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    objs = render_chart("taskapp-ingress", "prod", {"tls.acmCertificateArn": arn})
    assert (
        one(objs, "Ingress")["metadata"]["annotations"]["alb.ingress.kubernetes.io/certificate-arn"]
        == arn
    )
    assert not of_kind(objs, "Certificate")
    assert not of_kind(objs, "ClusterIssuer")


@pytest.mark.parametrize("issuer", ["letsencrypt-staging", "letsencrypt-production"])
def test_cert_manager_mode_issues_the_ingress_certificate_from_a_lets_encrypt_cluster_issuer(
    issuer,
):
    objs = render_chart(
        "taskapp-ingress",
        "staging",
        {"className": "nginx", "tls.mode": "cert-manager", "tls.certManager.issuer": issuer},
    )
    ing = one(objs, "Ingress")
    cert = one(objs, "Certificate")
    issuers = {i["metadata"]["name"]: i for i in of_kind(objs, "ClusterIssuer")}
    assert set(issuers) == {"letsencrypt-staging", "letsencrypt-production"}
    assert "staging" in issuers["letsencrypt-staging"]["spec"]["acme"]["server"]
    assert "staging" not in issuers["letsencrypt-production"]["spec"]["acme"]["server"]
    for i in issuers.values():
        assert i["apiVersion"] == "cert-manager.io/v1"
        assert "namespace" not in i["metadata"]
        acme = i["spec"]["acme"]
        assert acme["server"].startswith("https://")
        assert "@" in acme["email"]
        assert acme["privateKeySecretRef"]["name"]
        assert acme["solvers"][0]["http01"]["ingress"]["ingressClassName"] == "nginx"
    assert cert["apiVersion"] == "cert-manager.io/v1"
    assert cert["spec"]["issuerRef"] == {
        "group": "cert-manager.io",
        "kind": "ClusterIssuer",
        "name": issuer,
    }
    host = estate.cluster_secret("staging")["metadata"]["annotations"]["domain_name"]
    assert cert["spec"]["dnsNames"] == [host]
    assert ing["spec"]["tls"] == [{"hosts": [host], "secretName": cert["spec"]["secretName"]}]
    assert not any(k.startswith("alb.") for k in ing["metadata"].get("annotations", {}) or {})
    assert "cert-manager.io/cluster-issuer" not in (ing["metadata"].get("annotations") or {}), (
        "would create a second Certificate"
    )


def test_cert_manager_tls_with_an_alb_is_refused():
    proc = try_render_chart("taskapp-ingress", "dev", {"tls.mode": "cert-manager"})
    assert proc.returncode != 0
    assert "ALB cannot use a Kubernetes TLS secret" in proc.stderr


# --- monitoring: ServiceMonitor, PrometheusRule, dashboards, AlertmanagerConfig -------------------


def render_monitoring_with(source: Path, tmp_path: Path, env: str = "dev") -> list[dict]:
    """The monitoring chart with files/ pointing at `source` instead of deploy/monitoring."""
    chart = tmp_path / "taskapp-monitoring"
    shutil.copytree(HELM_DIR / "taskapp-monitoring", chart, symlinks=True)
    for sub in ("rules", "dashboards", "alertmanager"):
        link = chart / "files" / sub
        link.unlink()
        link.symlink_to(source / sub)
    docs = helm_template(
        chart,
        "taskapp-monitoring",
        "monitoring",
        [GITOPS / "envs" / env / "taskapp-monitoring.yaml"],
    )
    assert isinstance(docs, list)
    return docs


def rule_files(source: Path) -> list[Path]:
    return sorted(p for p in (source / "rules").glob("*") if p.suffix in (".yaml", ".yml"))


@pytest.fixture(params=["fixtures", "deploy/monitoring"])
def monitoring_source(request) -> Path:
    return FIXTURES if request.param == "fixtures" else ROOT / "deploy" / "monitoring"


def test_the_chart_packages_deploy_monitoring_through_symlinks_not_copies():
    files = HELM_DIR / "taskapp-monitoring" / "files"
    for sub in ("rules", "dashboards", "alertmanager"):
        link = files / sub
        assert link.is_symlink(), f"{link} must be a symlink to deploy/monitoring/{sub}"
        assert link.resolve() == (ROOT / "deploy" / "monitoring" / sub).resolve()
        assert link.resolve().is_dir(), (
            f"deploy/monitoring/{sub} is missing (the monitoring part writes it)"
        )


def test_every_rule_file_becomes_one_prometheus_rule_with_the_same_groups(
    monitoring_source, tmp_path
):
    objs = render_monitoring_with(monitoring_source, tmp_path)
    rules = {
        r["metadata"]["annotations"]["taskapp.io/source"]: r
        for r in of_kind(objs, "PrometheusRule")
    }
    files = rule_files(monitoring_source)
    assert files, f"no rule files in {monitoring_source}/rules"
    assert set(rules) == {f"deploy/monitoring/rules/{p.name}" for p in files}
    for path in files:
        pr = rules[f"deploy/monitoring/rules/{path.name}"]
        assert pr["apiVersion"] == "monitoring.coreos.com/v1"
        assert pr["metadata"]["labels"]["release"] == "kube-prometheus-stack"
        assert re.match(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", pr["metadata"]["name"])
        want = yaml.safe_load(path.read_text())["groups"]
        got = pr["spec"]["groups"]
        assert [g["name"] for g in got] == [g["name"] for g in want]
        for g_got, g_want in zip(got, want, strict=True):
            assert g_got["rules"], "the operator rejects a group without rules"
            for r_got, r_want in zip(g_got["rules"], g_want["rules"], strict=True):
                assert ("alert" in r_got) != ("record" in r_got)
                assert r_got["expr"]
                assert r_got["expr"] == r_want["expr"]
                assert r_got.get("annotations") == r_want.get("annotations"), (
                    "templates like {{ $labels }} survive"
                )
                if "alert" in r_got:
                    # the environment label is added, nothing else changes
                    assert r_got["labels"] == {**r_want.get("labels", {}), "environment": "dev"}


def test_every_dashboard_becomes_a_grafana_configmap(monitoring_source, tmp_path):
    objs = render_monitoring_with(monitoring_source, tmp_path)
    cms = [
        c
        for c in of_kind(objs, "ConfigMap")
        if c["metadata"]["labels"].get("grafana_dashboard") == "1"
    ]
    files = sorted((monitoring_source / "dashboards").glob("*.json"))
    assert files, f"no dashboards in {monitoring_source}/dashboards"
    assert len(cms) == len(files)
    data = {k: v for c in cms for k, v in c["data"].items()}
    for path in files:
        assert json.loads(data[path.name]) == json.loads(path.read_text())
    for c in cms:
        assert c["metadata"]["annotations"]["grafana_folder"] == "taskapp"
        assert len(json.dumps(c["data"])) < 900_000, "a ConfigMap holds at most 1 MiB"


def test_a_broken_rule_file_fails_the_render(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(FIXTURES, src)
    (src / "rules" / "broken.yaml").write_text("groups: [\n")
    with pytest.raises(AssertionError, match="not valid YAML"):
        render_monitoring_with(src, tmp_path / "out")


@pytest.mark.parametrize("env", ENVS)
def test_service_monitor_scrapes_the_backend_service_metrics_port(rendered, apps, env):
    sm = one(rendered[env]["taskapp-monitoring"], "ServiceMonitor", "taskapp-monitoring-backend")
    svc = one(rendered[env]["taskapp-backend"], "Service", "taskapp-backend")
    assert sm["apiVersion"] == "monitoring.coreos.com/v1"
    assert sm["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    kps = next(
        a
        for a in of_kind(apps[env], "Application")
        if a["metadata"]["name"] == f"kube-prometheus-stack-{env}"
    )
    assert kps["spec"]["source"]["helm"]["releaseName"] == sm["metadata"]["labels"]["release"]
    assert sm["spec"]["namespaceSelector"]["matchNames"] == [svc["metadata"]["namespace"]]
    sel = sm["spec"]["selector"]["matchLabels"]
    assert all(svc["metadata"]["labels"].get(k) == v for k, v in sel.items())
    ep = sm["spec"]["endpoints"][0]
    assert ep["port"] in {p["name"] for p in svc["spec"]["ports"]}
    assert ep["path"] == "/metrics"
    assert DURATION.match(ep["interval"])


@pytest.mark.parametrize("env", ENVS)
def test_alertmanager_config_pages_critical_and_slacks_warning(rendered, apps, env):
    objs = rendered[env]["taskapp-monitoring"]
    amc = one(objs, "AlertmanagerConfig")
    assert amc["apiVersion"] == "monitoring.coreos.com/v1alpha1"
    kps = next(
        a
        for a in of_kind(apps[env], "Application")
        if a["metadata"]["name"] == f"kube-prometheus-stack-{env}"
    )
    am_spec = kps["spec"]["source"]["helm"]["valuesObject"]["alertmanager"]["alertmanagerSpec"]
    assert all(
        amc["metadata"]["labels"].get(k) == v
        for k, v in am_spec["alertmanagerConfigSelector"]["matchLabels"].items()
    )
    assert am_spec["alertmanagerConfigMatcherStrategy"]["type"] == "None"
    # the global config routes everything to "null": no alert is notified twice
    glob = kps["spec"]["source"]["helm"]["valuesObject"]["alertmanager"]["config"]
    assert glob["receivers"] == [{"name": "null"}]
    assert glob["route"]["receiver"] == "null"
    receivers = {r["name"]: r for r in amc["spec"]["receivers"]}
    route = amc["spec"]["route"]
    assert route["receiver"] in receivers
    by_sev = {}
    for sub in route["routes"]:
        assert sub["receiver"] in receivers
        sev = [m["value"] for m in sub["matchers"] if m["name"] == "severity"]
        if sev:  # the others route Watchdog/InfoInhibitor by alertname
            by_sev[sev[0]] = receivers[sub["receiver"]]
    assert "pagerdutyConfigs" in by_sev["critical"]
    assert "slackConfigs" in by_sev["warning"]
    es = one(objs, "ExternalSecret")
    keys = {d["secretKey"] for d in es["spec"]["data"]}
    refs = [
        by_sev["critical"]["pagerdutyConfigs"][0]["routingKey"],
        by_sev["warning"]["slackConfigs"][0]["apiURL"],
    ]
    for ref in refs:
        assert ref["name"] == es["spec"]["target"]["name"]
        assert ref["key"] in keys
    # Every secret reference of every receiver (the heartbeat's URL too) is a key the
    # ExternalSecret writes: the operator drops an AlertmanagerConfig with a dangling reference,
    # and with it all routing.
    for rcv in amc["spec"]["receivers"]:
        for integration in (k for k in rcv if k.endswith("Configs")):
            for cfg in rcv[integration]:
                for ref in (v for v in cfg.values() if isinstance(v, dict) and "key" in v):
                    assert ref["name"] == es["spec"]["target"]["name"], rcv["name"]
                    assert ref["key"] in keys, f"{rcv['name']}: {ref['key']} not in {keys}"
    assert by_sev["warning"]["slackConfigs"][0]["channel"].startswith("#")


def test_alertmanager_config_routes_severities_like_deploy_monitoring(monitoring_source, tmp_path):
    """The AlertmanagerConfig's critical/warning split matches the monitoring part's
    alertmanager.yaml."""
    am = yaml.safe_load((monitoring_source / "alertmanager" / "alertmanager.yaml").read_text())
    receivers = {r["name"]: r for r in am["receivers"]}

    def kind_for(severity):
        def walk(route):
            for sub in route.get("routes", []):
                matchers = " ".join(sub.get("matchers", [])) + json.dumps(sub.get("match", {}))
                if re.search(rf"severity\W+{severity}\b", matchers):
                    return sub["receiver"]
                found = walk(sub)
                if found:
                    return found
            return None

        r = receivers[walk(am["route"]) or am["route"]["receiver"]]
        return {"pagerduty_configs": "pagerdutyConfigs", "slack_configs": "slackConfigs"}.get(
            next(k for k in r if k.endswith("_configs"))
        )

    objs = render_monitoring_with(monitoring_source, tmp_path)
    amc = one(objs, "AlertmanagerConfig")
    mine = {r["name"]: r for r in amc["spec"]["receivers"]}
    for sub in amc["spec"]["route"]["routes"]:
        if sub["matchers"][0]["name"] != "severity":
            continue  # Watchdog/InfoInhibitor: deploy/monitoring/tools/alert_routing.py checks them
        sev = sub["matchers"][0]["value"]
        assert kind_for(sev) in mine[sub["receiver"]], (
            f"{sev}: deploy/monitoring routes it to {kind_for(sev)}"
        )
