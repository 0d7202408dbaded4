"""The NetworkPolicies allow exactly the paths the issue names and nothing else (each test states
the whole set of paths a pod has, by the evaluator in netpol.py)."""

from __future__ import annotations

import ipaddress
import re

import estate
import pytest
import yaml
from conftest import ENVS, GITOPS, ROOT, labels_match, of_kind, one, render_chart
from netpol import DNS, DNS_TCP, backend_egress, paths, pods_by_component

PROM = ("ns=monitoring,pods=app.kubernetes.io/name=prometheus", "8000/TCP")


def alb_subnets(env):
    """The public subnets' CIDRs of the env's cluster facts (where the ALB's addresses are)."""
    return estate.cluster_secret(env)["metadata"]["annotations"]["public_subnet_cidrs"].split(",")


@pytest.mark.parametrize("env", ENVS)
def test_backend_paths_are_exactly_lb_and_prometheus_in_and_dns_db_redis_smtp_s3_out(rendered, env):
    objs = rendered[env]["taskapp-backend"]
    pols = of_kind(objs, "NetworkPolicy")
    # Out to PostgreSQL and Redis: only the database subnets (fact data_subnet_cidrs), not the VPC.
    data = estate.data_subnets(env)
    alb = alb_subnets(env)
    pods = pods_by_component(objs)
    labels, ports = pods["api"]
    # In: only the ALB's subnets (not the whole VPC: every pod has a VPC address) and Prometheus.
    assert paths(pols, labels, "Ingress", ports) == {(f"cidr={c}", "8000/TCP") for c in alb} | {
        PROM
    }
    # 443 to anywhere is for S3 and STS: the attachments bucket, through the IRSA role.
    assert paths(pols, labels, "Egress", ports) == backend_egress(env)
    labels, ports = pods["migrate"]
    assert paths(pols, labels, "Ingress", ports) == set()
    assert paths(pols, labels, "Egress", ports) == {DNS, DNS_TCP} | {
        (f"cidr={c}", "5432/TCP") for c in data
    }
    labels, ports = pods["backup"]
    assert paths(pols, labels, "Ingress", ports) == set()
    assert paths(pols, labels, "Egress", ports) == {
        DNS,
        DNS_TCP,
        ("cidr=0.0.0.0/0", "443/TCP"),
    } | {(f"cidr={c}", "5432/TCP") for c in data}


def test_backend_and_worker_may_reach_s3_only_with_an_attachments_bucket():
    for bucket, expect in (("", False), ("taskapp-dev-assets", True)):
        objs = render_chart(
            "taskapp-backend",
            "dev",
            {"config.attachments.bucket": bucket, "config.attachments.region": "eu-west-1"},
        )
        pols = of_kind(objs, "NetworkPolicy")
        for pod in ("api", "worker"):
            labels, ports = pods_by_component(objs)[pod]
            https = ("cidr=0.0.0.0/0", "443/TCP") in paths(pols, labels, "Egress", ports)
            assert https is expect, (bucket, pod)
        data = one(objs, "ConfigMap")["data"]
        assert data.get("TASKAPP_ATTACHMENTS_BUCKET") == (bucket or None)
        assert data.get("TASKAPP_ATTACHMENTS_DIR") == (None if bucket else "/tmp/attachments")


def test_backend_may_reach_the_otlp_collector_only_when_tracing_is_configured():
    objs = render_chart(
        "taskapp-backend", "dev", {"config.otlpEndpoint": "http://otel-collector.monitoring:4317"}
    )
    labels, ports = pods_by_component(objs)["api"]
    egress = paths(of_kind(objs, "NetworkPolicy"), labels, "Egress", ports)
    otlp = "ns=monitoring,pods=app.kubernetes.io/name=opentelemetry-collector"
    assert {(otlp, "4317/TCP"), (otlp, "4318/TCP")} <= egress
    assert (
        one(objs, "ConfigMap")["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"]
        == "http://otel-collector.monitoring:4317"
    )


def test_in_cluster_ingress_controllers_are_allowed_by_namespace():
    objs = render_chart(
        "taskapp-backend", "dev", {"networkPolicy.ingressNamespaces[0]": "ingress-nginx"}
    )
    labels, ports = pods_by_component(objs)["api"]
    assert ("ns=ingress-nginx", "8000/TCP") in paths(
        of_kind(objs, "NetworkPolicy"), labels, "Ingress", ports
    )


@pytest.mark.parametrize("env", ENVS)
def test_frontend_accepts_only_the_load_balancer_and_sends_nothing(rendered, env):
    objs = rendered[env]["taskapp-frontend"]
    labels, ports = pods_by_component(objs)["web"]
    pols = of_kind(objs, "NetworkPolicy")
    assert paths(pols, labels, "Ingress", ports) == {
        (f"cidr={c}", "8080/TCP") for c in alb_subnets(env)
    }
    assert paths(pols, labels, "Egress", ports) == set()


def test_every_backend_pod_is_under_the_default_deny(rendered):
    objs = rendered["dev"]["taskapp-backend"]
    deny = one(objs, "NetworkPolicy", "taskapp-backend-default-deny")
    assert set(deny["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny["spec"]
    assert "egress" not in deny["spec"]
    for labels, _ in pods_by_component(objs).values():
        assert labels_match(deny["spec"]["podSelector"]["matchLabels"], labels)


@pytest.mark.parametrize("env", ENVS)
def test_the_subnets_the_policies_use_lie_in_terraforms_vpc(env):
    """The facts fixture's ALB and database subnets must lie inside the VPC Terraform builds
    (envs/<env>/terraform.tfvars), and no env file types an address block of its own: the
    policies take them from the cluster facts only (Terraform's network module outputs)."""
    tfvars = (ROOT / "deploy" / "terraform" / "envs" / env / "terraform.tfvars").read_text()
    net = ipaddress.ip_network(re.search(r'(?m)^vpc_cidr\s*=\s*"([^"]+)"', tfvars).group(1))
    for c in alb_subnets(env) + estate.data_subnets(env):
        assert ipaddress.ip_network(c).subnet_of(net), c
    np = yaml.safe_load((GITOPS / "envs" / env / "taskapp-backend.yaml").read_text())[
        "networkPolicy"
    ]
    assert "cidrs" not in np["database"]
    assert "cidrs" not in np["redis"]
