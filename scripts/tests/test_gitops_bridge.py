"""scripts/gitops-bridge.py, run as the operator runs it, against the real contract file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "scripts" / "gitops-bridge.py"
FACTS = ROOT / "deploy" / "gitops" / "cluster-facts.yaml"
FACT_LIST = YAML(typ="safe").load(FACTS.read_text())["facts"]
CONTRACT = [str(f["annotation"]) for f in FACT_LIST]
# shared's facts (repo_url): not in an env's output, given to the script by --repo-url.
SHARED = {str(f["annotation"]) for f in FACT_LIST if f.get("from") == "shared"}
REPO = "https://github.com/acme-platform/taskapp.git"
FACT = '{{ index .metadata.annotations "repo_url" }}'


def bridge(**overrides: str) -> dict[str, Any]:
    """An env's gitops_bridge output value: every fact of the contract but the shared ones."""
    annotations = {name: f"value-of-{name}" for name in CONTRACT if name not in SHARED}
    annotations.update({"environment": "staging", "waf_acl_arn": "", **overrides})
    return {
        "annotations": annotations,
        "labels": {"environment": "staging", "edge_mode": "ingress"},
    }


def run(payload: object, *args: str, repo: str = REPO) -> subprocess.CompletedProcess[str]:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--repo-url", repo, *args],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_output_becomes_argo_cds_in_cluster_secret_with_every_fact() -> None:
    result = run(bridge())
    assert result.returncode == 0, result.stderr
    secret = json.loads(result.stdout)
    assert (secret["apiVersion"], secret["kind"], secret["type"]) == ("v1", "Secret", "Opaque")
    assert secret["metadata"]["name"] == "in-cluster"
    assert secret["metadata"]["namespace"] == "argocd"
    assert secret["metadata"]["labels"] == {
        "argocd.argoproj.io/secret-type": "cluster",
        "environment": "staging",
        "edge_mode": "ingress",
    }
    assert secret["metadata"]["annotations"] == {**bridge()["annotations"], "repo_url": REPO}
    assert set(secret["metadata"]["annotations"]) == set(CONTRACT)
    assert {"repo_url"} == SHARED
    assert secret["stringData"]["name"] == "in-cluster"
    assert secret["stringData"]["server"] == "https://kubernetes.default.svc"
    assert json.loads(secret["stringData"]["config"]) == {"tlsClientConfig": {"insecure": False}}


def test_an_empty_fact_of_a_switched_off_part_is_kept() -> None:
    secret = json.loads(run(bridge()).stdout)
    assert secret["metadata"]["annotations"]["waf_acl_arn"] == ""


def test_a_fact_missing_from_the_output_is_refused_by_name() -> None:
    payload = bridge()
    del payload["annotations"]["irsa_backup_role_arn"]
    result = run(payload)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "missing ['irsa_backup_role_arn']" in result.stderr


def test_a_fact_the_contract_does_not_list_is_refused_by_name() -> None:
    result = run(bridge(vpc_id="vpc-0abc"))
    assert result.returncode == 2
    assert "not in the contract ['vpc_id']" in result.stderr


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("not json", "input is not JSON"),
        ({"annotations": {}}, "exactly annotations and labels"),
        ({"annotations": {"db_port": 5432}, "labels": {}}, "annotations must be a map of strings"),
        ({"gitops_bridge": {"value": {}}}, "exactly annotations and labels"),
    ],
)
def test_input_that_is_not_the_bridge_output_is_refused(payload: object, message: str) -> None:
    result = run(payload)
    assert result.returncode == 2
    assert message in result.stderr


def test_labels_must_name_the_environment_and_be_valid_label_values() -> None:
    payload = bridge()
    payload["labels"]["environment"] = "prod"
    assert "equal to the environment annotation" in run(payload).stderr
    payload = bridge()
    payload["labels"]["edge_mode"] = "s3 + cloudfront"
    result = run(payload)
    assert result.returncode == 2
    assert "not a valid Kubernetes label value" in result.stderr


def test_another_namespace_and_facts_file_can_be_given(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text(
        "facts:\n  - {annotation: environment, value: environment}\n"
        "  - {annotation: repo_url, value: repoURL, from: shared}\n"
    )
    payload = {"annotations": {"environment": "dev"}, "labels": {"environment": "dev"}}
    result = run(payload, "--facts", str(facts), "--namespace", "gitops")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["metadata"]["namespace"] == "gitops"


def test_the_env_output_may_not_carry_shareds_facts() -> None:
    """One source for the repository: shared's github_repository, never an env's own value."""
    result = run(bridge(repo_url="https://github.com/other/repo.git"))
    assert result.returncode == 2
    assert "['repo_url'] come from deploy/terraform/shared" in result.stderr


@pytest.mark.parametrize(
    "repo",
    [
        "",
        "acme-platform/taskapp",
        "git@github.com:acme-platform/taskapp.git",
        "https://github.com/acme-platform/taskapp",
        "https://github.com/taskapp/*.git",
    ],
)
def test_a_repo_url_that_is_not_shareds_output_is_refused(repo: str) -> None:
    result = run(bridge(), repo=repo)
    assert result.returncode == 2
    assert "is not https://github.com/<owner>/<name>.git" in result.stderr


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_bootstrap_prints_the_envs_root_with_the_repository_filled_in(env: str) -> None:
    payload = bridge(environment=env)
    payload["labels"]["environment"] = env
    result = run(payload, "--bootstrap")
    assert result.returncode == 0, result.stderr
    docs = list(YAML(typ="safe").load_all(result.stdout))
    assert [d["kind"] for d in docs] == ["AppProject", "ApplicationSet"]
    assert docs[0]["metadata"]["name"] == f"bootstrap-{env}"
    assert docs[0]["spec"]["sourceRepos"] == [REPO]
    # Argo CD templates the ApplicationSet itself, from the Secret's repo_url annotation.
    assert docs[1]["spec"]["template"]["spec"]["source"]["repoURL"] == FACT
    assert REPO not in result.stdout.split("---")[1]


def test_bootstrap_of_an_env_without_a_bootstrap_file_is_refused() -> None:
    payload = bridge(environment="qa")
    payload["labels"]["environment"] = "qa"
    result = run(payload, "--bootstrap")
    assert result.returncode == 2
    assert "no bootstrap for environment qa" in result.stderr


def test_bootstrap_without_the_repo_url_fact_to_fill_is_refused(tmp_path: Path) -> None:
    typed = (ROOT / "deploy/gitops/bootstrap/taskapp-staging.yaml").read_text()
    (tmp_path / "taskapp-staging.yaml").write_text(
        typed.replace(f"- '{FACT}'", "- https://github.com/taskapp/taskapp.git")
    )
    result = run(bridge(), "--bootstrap", "--bootstrap-dir", str(tmp_path))
    assert result.returncode == 2
    assert "no AppProject sourceRepos entry" in result.stderr
