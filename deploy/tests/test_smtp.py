"""Outgoing mail in the backend chart: the SMTP settings reach the pods' environment, the
credentials come through the External Secret (keys it really syncs), and the API pods may reach
the SMTP port only when a host is set."""

from __future__ import annotations

import re
from pathlib import Path

import estate
import pytest
from conftest import ENVS, of_kind, one, pod_spec, render_chart
from netpol import paths, pods_by_component

ROOT = Path(__file__).resolve().parents[2]
SMTP = {
    "config.smtp.host": "email-smtp.eu-west-1.amazonaws.com",
    "config.smtp.from": "taskapp <noreply@tasks.example.com>",
    "secret.externalSecret.smtp.credentialsSecret": (
        "arn:aws:secretsmanager:eu-west-1:111122223333:secret:taskapp-smtp-AbCdEf"
    ),
}


def _api_env(objs):
    deployment = one(objs, "Deployment", "taskapp-backend")
    (container,) = [c for c in pod_spec(deployment)["containers"] if c["name"] == "api"] or [
        pod_spec(deployment)["containers"][0]
    ]
    return {e["name"]: e for e in container.get("env", [])}


def _smtp_egress(objs):
    labels, ports = pods_by_component(objs)["api"]
    egress = paths(of_kind(objs, "NetworkPolicy"), labels, "Egress", ports)
    return {path for path in egress if path[1] == "587/TCP"}


def test_without_an_smtp_host_nothing_about_mail_is_rendered():
    # Every AWS env gets SES's host from the facts (below); an env without one sends nothing.
    for env in ENVS:
        objs = render_chart("taskapp-backend", env, {"config.smtp.host": ""})
        config = one(objs, "ConfigMap")["data"]
        assert not [key for key in config if key.startswith("TASKAPP_SMTP")]
        assert not [name for name in _api_env(objs) if name.startswith("TASKAPP_SMTP")]
        assert _smtp_egress(objs) == set()


def test_smtp_settings_and_credentials_reach_the_api_pods():
    objs = render_chart("taskapp-backend", "prod", SMTP)

    config = one(objs, "ConfigMap")["data"]
    assert {k: v for k, v in config.items() if k.startswith("TASKAPP_SMTP")} == {
        "TASKAPP_SMTP_HOST": "email-smtp.eu-west-1.amazonaws.com",
        "TASKAPP_SMTP_PORT": "587",
        "TASKAPP_SMTP_FROM": "taskapp <noreply@tasks.example.com>",
        "TASKAPP_SMTP_STARTTLS": "true",
    }
    external = one(objs, "ExternalSecret")
    secret_name = external["spec"]["target"]["name"]
    synced = set(external["spec"]["target"]["template"]["data"])
    env = _api_env(objs)
    for name, key in (
        ("TASKAPP_SMTP_USERNAME", "smtp_username"),
        ("TASKAPP_SMTP_PASSWORD", "smtp_password"),
    ):
        ref = env[name]["valueFrom"]["secretKeyRef"]
        assert (ref["name"], ref["key"]) == (secret_name, key)
        assert key in synced
    remote = {
        d["secretKey"]: d["remoteRef"] for d in external["spec"]["data"] if "smtp" in d["secretKey"]
    }
    assert remote == {
        "smtp_username": {
            "key": SMTP["secret.externalSecret.smtp.credentialsSecret"],
            "property": "username",
        },
        "smtp_password": {
            "key": SMTP["secret.externalSecret.smtp.credentialsSecret"],
            "property": "password",
        },
    }
    assert _smtp_egress(objs) == {("cidr=0.0.0.0/0", "587/TCP")}


def _module_default(variable: str) -> str:
    """A default of deploy/terraform/modules/mail/variables.tf (what Terraform will use)."""
    text = (ROOT / "deploy/terraform/modules/mail/variables.tf").read_text()
    found = re.search(rf'variable "{variable}" \{{.*?default\s*=\s*"([^"]*)"', text, re.S)
    assert found, f"modules/mail has no default for {variable}"
    return found[1]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_a_first_install_sends_mail_through_the_ses_terraform_made(env: str) -> None:
    """From the facts alone: the backend talks to the region's SES endpoint, sends as the one
    address modules/mail's SMTP user may use (its IAM condition), with the credentials Terraform
    stored in smtp_secret_name, and its NetworkPolicy lets it out on 587."""
    built = estate.build(env)
    assert not built.problems, built.problems
    facts = estate.cluster_secret(env)["metadata"]["annotations"]
    objs = built.rendered[f"taskapp-backend-{env}"]
    config = one(objs, "ConfigMap")["data"]
    assert config["TASKAPP_SMTP_HOST"] == f"email-smtp.{facts['aws_region']}.amazonaws.com"
    assert config["TASKAPP_SMTP_PORT"] == "587"
    assert config["TASKAPP_SMTP_STARTTLS"] == "true"
    sender = f"{_module_default('from_local_part')}@{facts['domain_name']}"
    assert config["TASKAPP_SMTP_FROM"].endswith(f"<{sender}>"), config["TASKAPP_SMTP_FROM"]
    remote = {
        d["secretKey"]: d["remoteRef"]
        for d in one(objs, "ExternalSecret")["spec"]["data"]
        if d["secretKey"].startswith("smtp_")
    }
    assert remote == {
        "smtp_username": {"key": facts["smtp_secret_name"], "property": "username"},
        "smtp_password": {"key": facts["smtp_secret_name"], "property": "password"},
    }
    assert _smtp_egress(objs) == {("cidr=0.0.0.0/0", "587/TCP")}
