"""Outgoing mail in the backend chart: the SMTP settings reach the pods' environment, the
credentials come through the External Secret (keys it really syncs), and the API pods may reach
the SMTP port only when a host is set."""

from __future__ import annotations

from conftest import ENVS, of_kind, one, pod_spec, render_chart
from test_networkpolicy import _pods, paths

SMTP = {
    "config.smtp.host": "email-smtp.eu-west-1.amazonaws.com",
    "config.smtp.from": "taskapp <noreply@tasks.example.com>",
    "secret.externalSecret.smtp.credentialsSecret": (
        "arn:aws:secretsmanager:eu-west-1:111122223333:secret:taskapp-smtp-AbCdEf"
    ),
}


def _api_env(objs):
    deployment = one(objs, "Deployment")
    (container,) = [c for c in pod_spec(deployment)["containers"] if c["name"] == "api"] or [
        pod_spec(deployment)["containers"][0]
    ]
    return {e["name"]: e for e in container.get("env", [])}


def _smtp_egress(objs):
    labels, ports = _pods(objs)["api"]
    egress = paths(of_kind(objs, "NetworkPolicy"), labels, "Egress", ports)
    return {path for path in egress if path[1] == "587/TCP"}


def test_without_an_smtp_host_nothing_about_mail_is_rendered():
    for env in ENVS:
        objs = render_chart("taskapp-backend", env)
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
