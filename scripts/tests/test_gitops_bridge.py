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
CONTRACT = [str(f["annotation"]) for f in YAML(typ="safe").load(FACTS.read_text())["facts"]]


def bridge(**overrides: str) -> dict[str, Any]:
    """A gitops_bridge output value with every fact of the contract (as terraform prints it)."""
    annotations = {name: f"value-of-{name}" for name in CONTRACT}
    annotations.update(environment="staging", waf_acl_arn="", **overrides)
    return {
        "annotations": annotations,
        "labels": {"environment": "staging", "edge_mode": "ingress"},
    }


def run(payload: object, *args: str) -> subprocess.CompletedProcess[str]:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
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
    assert secret["metadata"]["annotations"] == bridge()["annotations"]
    assert set(secret["metadata"]["annotations"]) == set(CONTRACT)
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
    facts.write_text("facts:\n  - {annotation: environment, value: environment}\n")
    payload = {"annotations": {"environment": "dev"}, "labels": {"environment": "dev"}}
    result = run(payload, "--facts", str(facts), "--namespace", "gitops")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["metadata"]["namespace"] == "gitops"
