"""Each environment's switches agree between Terraform (deploy/terraform/envs/<env>/*.tfvars)
and GitOps (deploy/gitops/envs/<env>/apps.yaml): an env whose app-of-apps turns Loki on needs the
bucket and role Terraform only creates with enable_loki, or the root stops rendering at the empty
fact; the WAF fact the ingress uses exists only where Terraform builds the ACL. The estate fixture
(estate.py) must tell the same story, since the first-install check trusts it."""

from __future__ import annotations

import re

import estate
import pytest
import yaml
from conftest import ROOT


def tfvars(env: str) -> dict[str, str]:
    text = (ROOT / f"deploy/terraform/envs/{env}/terraform.tfvars").read_text()
    return dict(re.findall(r"^(\w+)\s*=\s*(\S+)", text, re.M))


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_loki_waf_and_edge_mode_agree_across_terraform_gitops_and_the_fixture(env: str) -> None:
    tf = tfvars(env)
    apps = yaml.safe_load((ROOT / f"deploy/gitops/envs/{env}/apps.yaml").read_text())
    facts = estate.cluster_secret(env)["metadata"]["annotations"]
    loki_tf = tf.get("enable_loki", "false") == "true"
    assert apps["monitoring"]["loki"]["enabled"] == loki_tf, "Loki on in one layer only"
    assert bool(facts["loki_bucket"]) == loki_tf, "the fixture's Loki facts disagree with Terraform"
    assert bool(facts["waf_acl_arn"]) == (tf.get("enable_waf", "false") == "true")
    assert facts["edge_mode"] == tf["edge_mode"].strip('"')


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_every_env_looks_up_the_zone_shared_creates_and_its_domain_lies_in_it(env: str) -> None:
    """The hosted zone is shared's (created, or the operator's when create_dns_zone = false);
    each env finds it by dns_zone_name. A different name fails the env's plan on a fresh account,
    and a domain outside the zone gets a certificate ACM can never validate."""
    shared = (ROOT / "deploy/terraform/shared/terraform.tfvars").read_text()
    zone = re.search(r'(?m)^dns_zone_name\s*=\s*"([^"]+)"', shared)
    assert zone, "deploy/terraform/shared/terraform.tfvars must name the zone (dns_zone_name)"
    tf = tfvars(env)
    assert tf["dns_zone_name"].strip('"') == zone[1]
    domain = tf["domain_name"].strip('"')
    assert domain == zone[1] or domain.endswith("." + zone[1])
