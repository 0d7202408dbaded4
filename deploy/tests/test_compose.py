"""compose.yaml cannot run here (no Docker engine): check what can be checked without one."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import yaml
from conftest import ENVS, ROOT, one

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]


def settings_fields() -> set[str]:
    """TASKAPP_* names of the backend's settings class (pydantic-settings, env prefix TASKAPP_).
    TASKAPP_SETTINGS_FILE may point at the file of another checkout."""
    path = Path(
        os.environ.get(
            "TASKAPP_SETTINGS_FILE", ROOT / "backend" / "src" / "taskapp" / "settings.py"
        )
    )
    assert path.is_file(), (
        f"{path} is missing: "
        "compose.yaml's environment is checked against the backend's settings class"
    )
    tree = ast.parse(path.read_text())
    fields = set()
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        if "TASKAPP_" not in ast.unparse(cls):
            continue
        for stmt in cls.body:
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and not stmt.target.id.startswith("_")
            ):
                fields.add("TASKAPP_" + stmt.target.id.upper())
    assert fields, f"no settings class with the TASKAPP_ prefix in {path}"
    return fields


def test_the_stack_has_every_part():
    assert {
        "postgres",
        "redis",
        "migrate",
        "backend",
        "frontend",
        "gateway",
        "prometheus",
        "grafana",
    } <= set(SERVICES)


def test_built_services_reference_existing_dockerfiles():
    built = {name: s["build"] for name, s in SERVICES.items() if "build" in s}
    assert set(built) == {"migrate", "frontend"}
    for b in built.values():
        assert (ROOT / b["context"] / b["dockerfile"]).is_file()
    # backend runs the image migrate builds
    assert SERVICES["backend"]["image"] == SERVICES["migrate"]["image"]


def test_backend_environment_uses_only_names_the_settings_class_reads():
    fields = settings_fields()
    for name in ("migrate", "backend"):
        env = SERVICES[name]["environment"]
        taskapp = {k for k in env if k.startswith("TASKAPP_")}
        assert taskapp <= fields, f"{name}: unknown settings {taskapp - fields}"
        assert {"TASKAPP_DATABASE_URL", "TASKAPP_REDIS_URL", "TASKAPP_SECRET_KEY"} <= taskapp
        assert env["TASKAPP_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert "@postgres:5432/" in env["TASKAPP_DATABASE_URL"]
        assert env["TASKAPP_REDIS_URL"].startswith("redis://redis:6379")


def test_migrations_run_before_the_api_and_after_postgres_is_healthy():
    assert SERVICES["migrate"]["command"] == ["migrate"]
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert (
        SERVICES["backend"]["depends_on"]["migrate"]["condition"]
        == "service_completed_successfully"
    )
    assert SERVICES["backend"]["command"][:1] == ["serve"]


def test_app_containers_are_hardened_like_in_kubernetes():
    for name in ("migrate", "backend", "frontend", "gateway"):
        s = SERVICES[name]
        assert s["read_only"] is True, name
        assert s["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in s["security_opt"]
        assert any(t.startswith("/tmp") for t in s["tmpfs"])


def test_ports_are_published_on_loopback_only():
    for name, s in SERVICES.items():
        for p in s.get("ports", []):
            assert p.startswith("127.0.0.1:"), f"{name}: {p}"


def test_bind_mounts_point_at_files_in_the_repository():
    for name, s in SERVICES.items():
        for v in s.get("volumes", []):
            src = v.split(":")[0]
            if src.startswith("./"):
                assert (ROOT / src).exists(), f"{name}: {src} does not exist"


def test_images_are_pinned_to_versions():
    for name, s in SERVICES.items():
        image = s.get("image", "")
        if image.startswith("taskapp-"):
            continue
        assert re.match(r"^[\w./-]+:v?\d+\.\d+(\.\d+)?(-[\w.]+)?$", image), f"{name}: {image}"


def test_prometheus_scrapes_the_backend_and_loads_the_project_rules():
    prom = yaml.safe_load((ROOT / "deploy" / "compose" / "prometheus.yml").read_text())
    jobs = {j["job_name"]: j for j in prom["scrape_configs"]}
    assert jobs["taskapp-backend"]["static_configs"][0]["targets"] == ["backend:8000"]
    assert jobs["taskapp-backend"]["metrics_path"] == "/metrics"
    mounts = dict(v.split(":")[:2] for v in SERVICES["prometheus"]["volumes"] if v.startswith("./"))
    rules_host = ROOT / next(h for h, c in mounts.items() if c == "/etc/prometheus/rules")
    pattern = prom["rule_files"][0]
    assert pattern.startswith("/etc/prometheus/rules/")
    assert list(rules_host.glob(Path(pattern).name)), (
        "the rule_files glob matches none of deploy/monitoring/rules"
    )


def test_grafana_provisions_prometheus_and_the_project_dashboards():
    prov = ROOT / "deploy" / "compose" / "grafana" / "provisioning"
    ds = yaml.safe_load((prov / "datasources" / "prometheus.yaml").read_text())["datasources"][0]
    assert ds["type"] == "prometheus"
    assert ds["url"] == "http://prometheus:9090"
    provider = yaml.safe_load((prov / "dashboards" / "taskapp.yaml").read_text())["providers"][0]
    mounts = dict(v.split(":")[:2] for v in SERVICES["grafana"]["volumes"] if v.startswith("./"))
    assert mounts["./deploy/monitoring/dashboards"] == provider["options"]["path"]
    assert list((ROOT / "deploy" / "monitoring" / "dashboards").glob("*.json"))


def test_gateway_routes_like_the_ingress():
    conf = (ROOT / "deploy" / "compose" / "gateway.conf").read_text()
    routes = dict(re.findall(r"location ([=^~ ]*\S+) \{\s*proxy_pass \$(\w+);", conf))
    assert routes == {
        "= /api": "backend",
        "/api/": "backend",
        "/p/": "backend",
        "= /health": "backend",
        "= /ready": "backend",
        "/": "frontend",
    }
    assert "set $backend http://backend:8000;" in conf
    assert "set $frontend http://frontend:8080;" in conf


def test_backend_configmap_sets_only_names_the_settings_class_reads(rendered):
    fields = settings_fields()
    for env in ENVS:
        data = one(rendered[env]["taskapp-backend"], "ConfigMap")["data"]
        taskapp = {k for k in data if k.startswith("TASKAPP_")}
        assert taskapp <= fields, f"{env}: unknown settings {taskapp - fields}"
        assert {k for k in data if not k.startswith("TASKAPP_")} <= {
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_SERVICE_NAME",
            "OTEL_RESOURCE_ATTRIBUTES",
        }
