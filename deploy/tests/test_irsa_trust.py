"""IAM and the cluster agree on who may assume each IRSA role: the service account Terraform's
trust policy names (deploy/terraform/modules/irsa, `service_accounts`) is the one the rendered
estate annotates with that role's ARN (the cluster fact), in the namespace Argo CD deploys it to.
A mismatch passes every check of either side alone and fails only in the cluster: the pod's
AssumeRoleWithWebIdentity is refused, and the backup or the controller has no AWS access."""

from __future__ import annotations

import re

import estate
import pytest
from conftest import ROOT

IRSA_MODULE = ROOT / "deploy/terraform/modules/irsa/main.tf"
# The fact (cluster-facts.yaml value name) of each role in the module's `service_accounts`.
ROLE_OF_FACT = {
    "irsaBackendRoleArn": "backend",
    "irsaBackupRoleArn": "backup",
    "irsaExternalSecretsRoleArn": "external_secrets",
    "irsaAwsLoadBalancerControllerRoleArn": "aws_load_balancer_controller",
    "irsaExternalDnsRoleArn": "external_dns",
    "irsaFluentBitRoleArn": "aws_for_fluent_bit",
    "irsaClusterAutoscalerRoleArn": "cluster_autoscaler",
    "irsaLokiRoleArn": "loki",
}


def terraform_trust(env: str) -> dict[str, str]:
    """role -> "namespace/name" its trust policy allows, as the irsa module declares it."""
    text = IRSA_MODULE.read_text()
    block = re.search(r"service_accounts = merge\(\{(.*?)\}, var\.enable_loki", text, re.S)
    assert block, "the irsa module's service_accounts map moved: update this test"
    pairs = dict(re.findall(r'(\w+)\s*=\s*"([^"]+)"', block.group(1)))
    pairs |= dict(re.findall(r'\{ (loki) = "([^"]+)" \}', text))
    return {k: v.replace("${var.app_namespace}", f"taskapp-{env}") for k, v in pairs.items()}


def rendered_irsa_accounts(built: estate.Estate) -> dict[str, set[str]]:
    """role ARN -> every "namespace/name" whose service account carries it, in this repo's charts
    (rendered) and in the upstream charts (their values: serviceAccount.name where it lives)."""
    found: dict[str, set[str]] = {}
    for app in built.applications():
        name, ns = app["metadata"]["name"], app["spec"]["destination"]["namespace"]
        for o in built.rendered.get(name, []):
            arn = (o["metadata"].get("annotations") or {}).get(estate.IRSA)
            if o["kind"] == "ServiceAccount" and arn:
                account = f"{o['metadata'].get('namespace', ns)}/{o['metadata']['name']}"
                found.setdefault(arn, set()).add(account)
        files, vobj = built.child_values.get(name, ([], {}))
        values: estate.Obj = {}
        for f in files:
            values = estate._merge(values, estate.yaml.safe_load(f.read_text()) or {})
        values = estate._merge(values, vobj)
        for source in estate.sources(app):
            model = estate.UPSTREAM.get(source.get("chart", ""))
            if not (model and model.irsa):
                continue
            path = model.irsa[0].removesuffix(".annotations")
            arn = (estate.dig(values, model.irsa[0]) or {}).get(estate.IRSA, "")
            account = estate.dig(values, f"{path}.name")
            assert account, f"{name}: set {path}.name (the name IAM trusts), not the chart default"
            found.setdefault(arn, set()).add(f"{ns}/{account}")
    return found


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_each_role_is_worn_by_the_service_account_iam_trusts(env: str) -> None:
    built = estate.build(env)
    trust = terraform_trust(env)
    worn = rendered_irsa_accounts(built)
    problems = []
    for fact, role in ROLE_OF_FACT.items():
        arn = built.facts.get(fact, "")
        if not arn:
            continue  # the part is off in this env (Loki in dev)
        accounts = worn.get(arn, set())
        if not accounts:
            problems.append(f"{role}: no service account wears {fact}")
        problems += [
            f"{role}: {a} wears the role, but IAM trusts {trust.get(role)}"
            for a in sorted(accounts)
            if a != trust.get(role)
        ]
    assert problems == []
