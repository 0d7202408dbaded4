"""The parts of `make cluster-up` that run without Docker: its arguments, the local cluster Secret
built from cluster-facts.yaml, the bootstrap pointed at the commit under test, the readiness rule,
and the kind config agreeing with the Postman environment and the Argo CD install of the envs."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import cluster_local

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts/cluster-up.sh"
FACTS = ROOT / "deploy/gitops/cluster-facts.yaml"


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_the_local_cluster_secret_carries_every_fact_of_the_contract() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts/cluster_local.py"), "secret", "--repo", REPO],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    secret = YAML(typ="safe").load(out)
    facts = load(FACTS)["facts"]
    annotations = secret["metadata"]["annotations"]
    assert list(annotations) == [f["annotation"] for f in facts]
    assert {k: v for k, v in annotations.items() if v} == {
        "environment": "local",
        "aws_cluster_name": "kind-taskapp",
        "domain_name": "localhost",
        "edge_mode": "ingress",
        "repo_url": REPO,  # cluster-up's --repo: the repository of this clone
    }
    assert all(isinstance(v, str) for v in annotations.values())
    assert secret["metadata"]["name"] == "in-cluster"
    assert secret["metadata"]["namespace"] == "argocd"
    assert secret["metadata"]["labels"] == {
        "argocd.argoproj.io/secret-type": "cluster",
        "environment": "local",
    }
    assert secret["stringData"]["name"] == "in-cluster"
    assert secret["stringData"]["server"] == "https://kubernetes.default.svc"
    assert json.loads(secret["stringData"]["config"]) == {"tlsClientConfig": {"insecure": False}}


def test_a_local_fact_without_a_kind_value_is_refused(tmp_path: Path) -> None:
    facts = load(FACTS)
    facts["facts"].append({"annotation": "new_fact", "value": "newFact", "local": True})
    path = tmp_path / "facts.yaml"
    YAML(typ="safe").dump(facts, path)
    with pytest.raises(ValueError, match="new_fact"):
        cluster_local.cluster_secret(REPO, path)


def test_a_fact_no_longer_local_is_refused(tmp_path: Path) -> None:
    facts = load(FACTS)
    for fact in facts["facts"]:
        if fact["annotation"] == "domain_name":
            del fact["local"]
    path = tmp_path / "facts.yaml"
    YAML(typ="safe").dump(facts, path)
    with pytest.raises(ValueError, match="domain_name"):
        cluster_local.cluster_secret(REPO, path)


REPO = "https://github.com/taskapp/taskapp.git"
# The shape the contract fixes for deploy/gitops/bootstrap/taskapp-<env>.yaml: an AppProject and an
# ApplicationSet (cluster generator on `environment`, goTemplate) rendering the app-of-apps chart.
BOOTSTRAP = f"""\
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {{name: bootstrap-local, namespace: argocd}}
spec:
  sourceRepos: ["{REPO}"]
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {{name: taskapp-local, namespace: argocd}}
spec:
  goTemplate: true
  generators:
    - clusters:
        selector:
          matchLabels: {{environment: local}}
  template:
    metadata: {{name: taskapp-local}}
    spec:
      project: bootstrap-local
      source:
        repoURL: {REPO}
        targetRevision: main
        path: deploy/gitops/apps
        helm:
          valuesObject:
            repoURL: {REPO}
            targetRevision: main
            cluster:
              clusterName: '{{{{ index .metadata.annotations "aws_cluster_name" }}}}'
      destination: {{server: '{{{{ .server }}}}', namespace: argocd}}
"""


def test_the_bootstrap_is_pointed_at_the_commit_under_test(tmp_path: Path) -> None:
    path = tmp_path / "taskapp-local.yaml"
    path.write_text(BOOTSTRAP, encoding="utf-8")
    sha = "0123456789abcdef0123456789abcdef01234567"
    repo = "https://github.com/someone/fork.git"
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/cluster_local.py"),
            "bootstrap",
            "--repo",
            repo,
            "--revision",
            sha,
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    project, appset = list(YAML(typ="safe").load_all(out))
    assert project["spec"]["sourceRepos"] == [repo]
    source = appset["spec"]["template"]["spec"]["source"]
    assert (source["repoURL"], source["targetRevision"]) == (repo, sha)
    values = source["helm"]["valuesObject"]
    assert (values["repoURL"], values["targetRevision"]) == (repo, sha)
    # The templates Argo CD fills in from the cluster Secret pass through untouched.
    assert (
        values["cluster"]["clusterName"] == '{{ index .metadata.annotations "aws_cluster_name" }}'
    )
    assert REPO not in out
    assert "targetRevision: main" not in out


def test_the_committed_local_bootstrap_names_only_the_repository_it_is_given() -> None:
    """deploy/gitops/bootstrap/taskapp-local.yaml types no repository (the repo_url fact):
    cluster-up's --repo fills every place, and the cluster Secret carries the same URL."""
    repo, sha = "https://github.com/someone/fork.git", "a" * 40
    project, appset = cluster_local.bootstrap(cluster_local.BOOTSTRAP, repo, sha)
    source = appset["spec"]["template"]["spec"]["source"]
    assert list(project["spec"]["sourceRepos"]) == [repo]
    assert (source["repoURL"], source["targetRevision"]) == (repo, sha)
    assert source["helm"]["valuesObject"]["cluster"]["repoURL"] == repo
    secret = cluster_local.cluster_secret(repo)
    assert secret["metadata"]["annotations"]["repo_url"] == repo


def test_a_bootstrap_without_a_source_of_this_repository_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "taskapp-local.yaml"
    path.write_text(BOOTSTRAP.replace("path: deploy/gitops/apps", "chart: apps"), encoding="utf-8")
    with pytest.raises(ValueError, match="one repository serving deploy/gitops paths, found none"):
        cluster_local.bootstrap(path, "https://x/y.git", "abc")


def test_a_source_without_a_revision_to_set_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "taskapp-local.yaml"
    path.write_text(BOOTSTRAP.replace("targetRevision: main", "helmRev: main"), encoding="utf-8")
    with pytest.raises(ValueError, match="cannot point it at the commit under test"):
        cluster_local.bootstrap(path, "https://x/y.git", "abc")


def test_app_of_apps_values_without_a_repo_url_still_follow_the_commit(tmp_path: Path) -> None:
    path = tmp_path / "taskapp-local.yaml"
    path.write_text(
        BOOTSTRAP.replace(
            f"            repoURL: {REPO}\n            targetRevision", "            targetRevision"
        ),
        encoding="utf-8",
    )
    docs = cluster_local.bootstrap(path, "https://x/y.git", "f" * 40)
    values = docs[1]["spec"]["template"]["spec"]["source"]["helm"]["valuesObject"]
    assert dict(values)["targetRevision"] == "f" * 40
    assert "repoURL" not in values


def test_a_missing_local_bootstrap_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        cluster_local.bootstrap(tmp_path / "nope.yaml", "https://x/y.git", "abc")


def app(name: str, sync: str, health: str, message: str = "") -> dict[str, Any]:
    status: dict[str, Any] = {"sync": {"status": sync}, "health": {"status": health}}
    if message:
        status["health"]["message"] = message
    return {"metadata": {"name": name}, "status": status}


def test_ready_only_when_every_application_is_synced_and_healthy() -> None:
    healthy = {"items": [app("taskapp-local", "Synced", "Healthy"), app("b", "Synced", "Healthy")]}
    assert cluster_local.unready(healthy) == []
    one_bad = copy.deepcopy(healthy)
    one_bad["items"].append(app("taskapp-backend-local", "OutOfSync", "Progressing", "hook Job"))
    assert cluster_local.unready(one_bad) == [
        "taskapp-backend-local: OutOfSync/Progressing (hook Job)"
    ]
    assert cluster_local.unready({"items": []}) == ["no Application exists yet"]
    # An Application the controller has not looked at yet has no status: not ready.
    assert cluster_local.unready({"items": [{"metadata": {"name": "new"}}]}) == [
        "new: Unknown/Unknown"
    ]


def test_the_dump_names_what_keeps_an_application_from_converging() -> None:
    stuck = app("monitoring-local", "OutOfSync", "Degraded")
    stuck["status"]["conditions"] = [{"type": "SyncError", "message": "CRD missing"}]
    stuck["status"]["operationState"] = {"phase": "Failed", "message": "one or more objects failed"}
    stuck["status"]["resources"] = [
        {"kind": "Service", "namespace": "m", "name": "ok", "status": "Synced"},
        {
            "kind": "PersistentVolumeClaim",
            "namespace": "m",
            "name": "prometheus-db",
            "status": "Synced",
            "health": {"status": "Progressing", "message": "waiting for a StorageClass"},
        },
    ]
    listing = {"items": [app("fine", "Synced", "Healthy"), stuck]}
    assert cluster_local.problems(listing) == [
        "monitoring-local: SyncError: CRD missing",
        "monitoring-local: sync Failed: one or more objects failed",
        "monitoring-local: PersistentVolumeClaim m/prometheus-db Synced/Progressing "
        "waiting for a StorageClass",
    ]


def test_the_dump_works_when_the_cluster_is_unreachable(tmp_path: Path) -> None:
    # What CI sees when kind never came up: every section still printed, exit 0, file written.
    (tmp_path / "kubeconfig").write_text("", encoding="utf-8")  # never a real cluster's
    env = {
        "ROOT": str(tmp_path),
        "TOOLS": str(ROOT / ".tools"),
        "KUBECONFIG": str(tmp_path / "kubeconfig"),
    }
    (tmp_path / "scripts").symlink_to(ROOT / "scripts")
    result = subprocess.run(
        [str(tmp_path / "scripts/cluster-up.sh"), "dump"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    dump = (tmp_path / "artifacts/cluster/dump.txt").read_text(encoding="utf-8")
    assert [line for line in dump.splitlines() if line.startswith("## ")] == [
        "## Applications",
        "## Applications not Synced + Healthy",
        "## Application problems (conditions, operations, resources not healthy)",
        "## Pods",
        "## Events (warnings)",
        "## Pods not ready",
        "## Argo CD logs (tail)",
    ]
    assert "Traceback" not in dump


def test_the_kind_config_maps_the_postman_base_url_to_the_ingress() -> None:
    kind = load(ROOT / "scripts/cluster/kind-config.yaml")
    assert f"kind-{kind['name']}" == cluster_local.LOCAL_FACTS["aws_cluster_name"]
    (node,) = kind["nodes"]
    assert node["role"] == "control-plane"
    assert "ingress-ready=true" in node["kubeadmConfigPatches"][0]
    (mapping,) = node["extraPortMappings"]
    assert mapping["containerPort"] == 80  # ingress-nginx's hostPort in the local env
    env = load(ROOT / "tests/postman/kind.postman_environment.json")
    base = next(v["value"] for v in env["values"] if v["key"] == "baseUrl")
    assert base == f"http://localhost:{mapping['hostPort']}"
    assert f'BASE_URL="{base}"' in SCRIPT.read_text(encoding="utf-8")


def test_the_kind_node_image_is_pinned_by_digest() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    assert re.search(r'KIND_NODE_IMAGE="kindest/node:v[\d.]+@sha256:[0-9a-f]{64}"', text)


def test_argo_cd_is_the_chart_version_the_envs_install() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    version = re.search(r'ARGOCD_CHART_VERSION="([^"]+)"', text)
    assert version
    deploy = (ROOT / "docs/deploy.md").read_text(encoding="utf-8")
    assert re.findall(r"argo/argo-cd --version (\S+)", deploy) == [version.group(1)]


def _service_monitor_paths(node: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "serviceMonitor" and isinstance(value, dict) and value.get("enabled"):
                found.append((*path, key))
            found += _service_monitor_paths(value, (*path, key))
    return found


def test_the_local_argo_cd_turns_off_every_service_monitor_the_envs_turn_on() -> None:
    # kind has no monitoring.coreos.com CRDs when Argo CD is installed: a ServiceMonitor in the
    # chart would fail `helm install`.
    envs = load(ROOT / "deploy/gitops/bootstrap/argocd-values.yaml")
    local = load(ROOT / "scripts/cluster/argocd-local-values.yaml")
    for path in _service_monitor_paths(envs):
        node = local
        for key in path:
            node = node[key]
        assert node["enabled"] is False, path
    assert local["controller"]["metrics"]["serviceMonitor"]["enabled"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "usage:"),
        (("deploy",), "usage:"),
        (("up", "--colour"), "unknown option: --colour"),
        (("up", "--revision"), "--revision needs a value"),
        (("up", "--repo", ""), "--repo needs a value"),
        (("smoke", "extra"), "usage:"),
    ],
)
def test_wrong_arguments_are_refused_before_anything_runs(
    args: tuple[str, ...], message: str
) -> None:
    result = run(*args, env={"DOCKER": "/nonexistent/docker"})
    assert result.returncode in (1, 2)
    assert message in result.stderr
    assert "Docker" not in result.stderr


@pytest.mark.parametrize("command", ["up", "down"])
def test_without_docker_and_kind_it_says_what_to_install(command: str) -> None:
    result = run(command, env={"DOCKER": "/nonexistent/docker", "KIND": "/nonexistent/kind"})
    assert result.returncode == 1
    assert "cluster-up needs Docker: no '/nonexistent/docker' command here" in result.stderr
    kind = re.search(r'KIND_VERSION="(v[\d.]+)"', SCRIPT.read_text(encoding="utf-8"))
    assert kind
    assert f"cluster-up needs kind {kind[1]}: no '/nonexistent/kind' command here" in result.stderr
    assert f"go install sigs.k8s.io/kind@{kind[1]}" in result.stderr
    assert "2 prerequisite(s) missing" in result.stderr


def test_without_a_running_engine_it_says_so() -> None:
    # `false` is a real command whose `info` fails, as a docker CLI without an engine does.
    result = run("up", "--no-build", env={"DOCKER": "false", "KIND": "/nonexistent/kind"})
    assert result.returncode == 1
    assert "cluster-up needs a running Docker engine ('false info' failed)" in result.stderr
    assert "1 prerequisite(s) missing" not in result.stderr
