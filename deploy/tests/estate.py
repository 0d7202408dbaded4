"""The first-install model of an environment: its cluster Secret (the facts Terraform hands over),
the root ApplicationSet rendered from it, the app-of-apps chart, and every child Application with
what it creates and needs, walked in sync-wave order.

Used by the tests (test_first_install.py) and by scripts/k8s-render.sh (as a CLI: `values` writes
each chart's values with the facts applied, the way Argo CD renders them). Runs `helm template`
for real; upstream charts cannot be fetched here, so what their Applications install and need is
modelled in UPSTREAM (read from the charts' sources at the pinned versions).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
AWS_ENVS = ("dev", "staging", "prod")
ALL_ENVS = (*AWS_ENVS, "local")
WAVE = "argocd.argoproj.io/sync-wave"
IRSA = "eks.amazonaws.com/role-arn"
RELOAD = "secret.reloader.stakater.com/reload"

Obj = dict[str, Any]

# ---------------------------------------------------------------------------------------------
# The facts: a realistic cluster Secret per env, generated from cluster-facts.yaml (one rule per
# fact, so a fact added to the contract without a rule here fails loudly).

ACCOUNT = {"dev": "318574102936", "staging": "471029384756", "prod": "590213847465"}
VPC_NET = {"dev": 10, "staging": 20, "prod": 30}
REGION = "eu-west-1"
DOMAIN = {"dev": "dev.taskapp.io", "staging": "staging.taskapp.io", "prod": "taskapp.io"}
# shared's repo_url (github_repository = "taskapp-platform/taskapp"): one for every env.
REPO_URL = "https://github.com/taskapp-platform/taskapp.git"


def _uid(env: str, what: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"taskapp/{env}/{what}"))


def _hex(env: str, what: str, n: int) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"taskapp/{env}/{what}").hex[:n]


def data_subnets(env: str) -> list[str]:
    """The database subnets of `env` as modules/network carves them: /22s from index 52 of the
    VPC in the env's tfvars, one per AZ (the fixture follows Terraform's inputs, not a copy)."""
    tfvars = (ROOT / f"deploy/terraform/envs/{env}/terraform.tfvars").read_text()
    vpc = ipaddress.ip_network(re.search(r'(?m)^vpc_cidr\s*=\s*"([^"]+)"', tfvars)[1])
    azs = re.search(r"(?m)^azs\s*=\s*\[([^]]*)\]", tfvars)[1].count('"') // 2
    subnets = list(vpc.subnets(new_prefix=vpc.prefixlen + 6))
    return [str(s) for s in subnets[52 : 52 + azs]]


def _aws_fact(env: str, annotation: str) -> str:
    acct, n, c = ACCOUNT[env], VPC_NET[env], f"taskapp-{env}"
    if annotation == "repo_url":  # from: shared, the same in every env
        return REPO_URL
    role = f"arn:aws:iam::{acct}:role/{c}-"
    irsa = {
        "irsa_backend_role_arn": "backend",
        "irsa_backup_role_arn": "backup",
        "irsa_external_secrets_role_arn": "external-secrets",
        "irsa_aws_load_balancer_controller_role_arn": "aws-load-balancer-controller",
        "irsa_external_dns_role_arn": "external-dns",
        "irsa_fluent_bit_role_arn": "aws-for-fluent-bit",
        "irsa_cluster_autoscaler_role_arn": "cluster-autoscaler",
    }
    if annotation in irsa:
        return role + irsa[annotation]
    rules: dict[str, str] = {
        "environment": env,
        "aws_account_id": acct,
        "aws_region": REGION,
        "aws_cluster_name": c,
        "aws_vpc_id": f"vpc-0{_hex(env, 'vpc', 16)}",
        "public_subnet_cidrs": f"10.{n}.0.0/24,10.{n}.1.0/24,10.{n}.2.0/24",
        # The database subnets modules/network carves from the VPC of envs/<env>/terraform.tfvars.
        "data_subnet_cidrs": ",".join(data_subnets(env)),
        "domain_name": DOMAIN[env],
        "alb_host": DOMAIN[env],  # edge_mode ingress: the ALB serves the domain itself
        "route53_zone_id": f"Z0{_hex(env, 'zone', 18).upper()}",
        "acm_certificate_arn": f"arn:aws:acm:{REGION}:{acct}:certificate/{_uid(env, 'acm')}",
        # Only prod has a WAF ACL (an env choice in Terraform).
        "waf_acl_arn": (
            f"arn:aws:wafv2:{REGION}:{acct}:regional/webacl/{c}/{_uid(env, 'waf')}"
            if env == "prod"
            else ""
        ),
        "alb_logs_bucket": f"{c}-alb-logs-{acct}",
        "edge_mode": "ingress",
        "web_bucket": "",
        "ecr_registry": f"{acct}.dkr.ecr.{REGION}.amazonaws.com",
        "ecr_repository_backend": "taskapp-backend",
        "ecr_repository_frontend": "taskapp-frontend",
        "db_host": f"{c}.c{_hex(env, 'rds', 11)}.{REGION}.rds.amazonaws.com",
        "db_port": "5432",
        "db_name": "taskapp",
        "db_master_secret_arn": (
            f"arn:aws:secretsmanager:{REGION}:{acct}:secret:rds!db-{_uid(env, 'rds')}-Ab12Cd"
        ),
        "redis_host": f"master.{c}.{_hex(env, 'redis', 6)}.euw1.cache.amazonaws.com",
        "redis_port": "6379",
        "redis_auth_secret_arn": (
            f"arn:aws:secretsmanager:{REGION}:{acct}:secret:taskapp/{env}/redis-auth-Xy34Zw"
        ),
        "app_secret_name": f"taskapp/{env}/backend",
        "smtp_secret_name": f"taskapp/{env}/smtp",
        "grafana_admin_secret_name": f"taskapp/{env}/grafana-admin",
        "backup_bucket": f"{c}-backups-{acct}",
        "assets_bucket": f"{c}-assets-{acct}",
        # Loki is an env choice too: off in dev (no bucket, no role), on in staging and prod.
        "loki_bucket": f"{c}-loki-{acct}" if env != "dev" else "",
        "log_group_name": f"/aws/eks/{c}/containers",
        "irsa_loki_role_arn": role + "loki" if env != "dev" else "",
    }
    if annotation not in rules:
        raise KeyError(f"estate.py has no fixture rule for the fact {annotation!r}: add one")
    return rules[annotation]


# The local (kind) cluster Secret, as scripts/cluster-up.sh creates it (the contract).
LOCAL_FACTS = {
    "environment": "local",
    "aws_cluster_name": "kind-taskapp",
    "domain_name": "localhost",
    "edge_mode": "ingress",
    # cluster-up's --repo (default: the clone's origin remote as https)
    "repo_url": "https://github.com/taskapp-dev/taskapp.git",
}


def load_facts(root: Path = ROOT) -> list[dict[str, Any]]:
    facts: list[dict[str, Any]] = yaml.safe_load(
        (root / "deploy/gitops/cluster-facts.yaml").read_text()
    )["facts"]
    return facts


def cluster_secret(env: str, root: Path = ROOT) -> Obj:
    """The Argo CD cluster Secret of `env` as Terraform (or cluster-up, for local) writes it."""
    ann = {
        f["annotation"]: (LOCAL_FACTS.get(f["annotation"], "") if env == "local" else "")
        or (_aws_fact(env, f["annotation"]) if env != "local" else "")
        for f in load_facts(root)
    }
    name = "in-cluster" if env == "local" else f"taskapp-{env}"
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": name,
            "namespace": "argocd",
            "labels": {"argocd.argoproj.io/secret-type": "cluster", "environment": env},
            "annotations": ann,
        },
        "stringData": {"name": name, "server": "https://kubernetes.default.svc"},
    }


# ---------------------------------------------------------------------------------------------
# The ApplicationSet cluster generator and the Go template subset the roots use. Anything else in
# `{{ }}` is refused rather than guessed.

_TPL = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}")
_INDEX = re.compile(r'^index \.metadata\.(annotations|labels) "([^"]+)"$')


def _go_template(text: str, params: Obj) -> str:
    def one(m: re.Match[str]) -> str:
        expr = m.group(1)
        if expr in ("server", ".server"):
            return str(params["server"])
        if expr == ".name":
            return str(params["name"])
        idx = _INDEX.match(expr)
        if idx:
            # Go's `index` of a missing map key is the zero value: "".
            return str(params["metadata"][idx.group(1)].get(idx.group(2), ""))
        raise ValueError(f"unsupported ApplicationSet template expression {{{{ {expr} }}}}")

    return _TPL.sub(one, text)


def _walk_strings(obj: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(obj, dict):
        return {k: _walk_strings(v, fn) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_walk_strings(v, fn) for v in obj]
    if isinstance(obj, str):
        return fn(obj)
    return obj


def root_applications(env: str, secret: Obj, root: Path = ROOT) -> list[Obj]:
    """The root Applications Argo CD creates for `env` from its bootstrap file and cluster Secret
    (an ApplicationSet's generated Application, or a plain root Application)."""
    docs = [
        d
        for d in yaml.safe_load_all(
            (root / f"deploy/gitops/bootstrap/taskapp-{env}.yaml").read_text()
        )
        if d
    ]
    out: list[Obj] = []
    meta = secret["metadata"]
    params = {
        "name": secret["stringData"]["name"],
        "server": secret["stringData"]["server"],
        "metadata": {"labels": meta["labels"], "annotations": meta["annotations"]},
    }
    for d in docs:
        if d["kind"] == "Application":
            out.append(d)
        elif d["kind"] == "ApplicationSet":
            for gen in d["spec"]["generators"]:
                sel = gen["clusters"]["selector"]["matchLabels"]
                if all(meta["labels"].get(k) == v for k, v in sel.items()):
                    app = _walk_strings(d["spec"]["template"], lambda s: _go_template(s, params))
                    # Argo CD creates generated Applications in the ApplicationSet's namespace.
                    app["metadata"]["namespace"] = d["metadata"]["namespace"]
                    out.append({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", **app})
    return out


# ---------------------------------------------------------------------------------------------
# Rendering, the way Argo CD's repo server does it: valueFiles (relative to the chart path, or
# `$ref/`-prefixed), then valuesObject over them.


def helm_bin() -> str:
    if os.environ.get("HELM"):
        return os.environ["HELM"]
    return subprocess.run(
        [str(ROOT / "scripts/k8s-tools.sh"), "helm"], check=True, capture_output=True, text=True
    ).stdout.strip()


class RenderError(Exception):
    pass


def helm_template(
    chart: Path, release: str, namespace: str, values: list[Path], extra: Obj | None
) -> list[Obj]:
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        yaml.safe_dump(extra or {}, f)
    cmd = [helm_bin(), "template", release, str(chart), "--namespace", namespace]
    for v in values:
        cmd += ["-f", str(v)]
    cmd += ["-f", f.name]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    Path(f.name).unlink()
    if proc.returncode != 0:
        raise RenderError(proc.stderr.strip())
    return [d for d in yaml.safe_load_all(proc.stdout) if d]


def wave(o: Obj) -> int:
    return int((o["metadata"].get("annotations") or {}).get(WAVE, "0"))


def sources(app: Obj) -> list[Obj]:
    spec = app["spec"]
    return list(spec.get("sources") or [spec["source"]])


# ---------------------------------------------------------------------------------------------
# What upstream charts install and need, by chart name (their templates, read at the pinned
# versions: argo-helm, prometheus-community, eks-charts, external-dns, external-secrets,
# jetstack, stakater, ingress-nginx). `needs` maps the Application's values to CRD kinds it renders;
# `irsa` is where its service account's role annotation lives and which fact must fill it.

PROM_CRDS = {
    f"monitoring.coreos.com/{k}"
    for k in [
        "ServiceMonitor",
        "PodMonitor",
        "PrometheusRule",
        "AlertmanagerConfig",
        "Alertmanager",
        "Prometheus",
        "Probe",
        "PrometheusAgent",
        "ScrapeConfig",
        "ThanosRuler",
    ]
}


def dig(values: Obj, path: str) -> Any:
    cur: Any = values
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


@dataclass
class Upstream:
    crds: set[str] = field(default_factory=set)
    controllers: set[str] = field(default_factory=set)  # e.g. "reloader": behaviour others rely on
    ingress_classes: set[str] = field(default_factory=set)
    needs: Callable[[Obj], set[str]] = lambda v: set()
    storage_class: str | None = None  # values path of a storageClassName it provisions PVCs with
    irsa: tuple[str, str] | None = None  # (values path of the annotations map, fact value name)
    required: tuple[str, ...] = ()  # values that must be set (non-empty)
    check: Callable[[Obj], list[str]] = lambda v: []


def _monitors(*paths: str) -> Callable[[Obj], set[str]]:
    return lambda v: (
        {"monitoring.coreos.com/ServiceMonitor"} if any(dig(v, p) for p in paths) else set()
    )


def _lbc_check(v: Obj) -> list[str]:
    if not dig(v, "enableCertManager"):
        return [
            "aws-load-balancer-controller without enableCertManager: its webhook CA comes from "
            "genCA + lookup, which Argo CD cannot evaluate (permanently OutOfSync, the CA rotates "
            "on every self-heal)"
        ]
    return []


def _lbc_needs(v: Obj) -> set[str]:
    out = _monitors("serviceMonitor.enabled")(v)
    if dig(v, "enableCertManager"):
        out |= {"cert-manager.io/Issuer", "cert-manager.io/Certificate"}
    return out


def _kps_needs(v: Obj) -> set[str]:
    # It always renders ServiceMonitors, PrometheusRules, a Prometheus and an Alertmanager.
    return set() if dig(v, "crds.enabled") is not False else set(PROM_CRDS)


UPSTREAM: dict[str, Upstream] = {
    "prometheus-operator-crds": Upstream(crds=PROM_CRDS),
    "kube-prometheus-stack": Upstream(
        needs=_kps_needs,
        storage_class="prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName",
    ),
    # grafana/loki 7.3.0 (single binary): chunks on S3 through IRSA, a gp3 volume for its WAL.
    "loki": Upstream(
        needs=_monitors("monitoring.serviceMonitor.enabled"),
        storage_class="singleBinary.persistence.storageClass",
        irsa=("serviceAccount.annotations", "irsaLokiRoleArn"),
        required=("loki.storage.bucketNames.chunks",),
    ),
    # grafana/alloy 1.11.1: a DaemonSet tailing pod logs into Loki; no cloud permissions.
    "alloy": Upstream(needs=_monitors("serviceMonitor.enabled")),
    "cert-manager": Upstream(
        crds={
            f"cert-manager.io/{k}"
            for k in ("Certificate", "CertificateRequest", "Issuer", "ClusterIssuer")
        }
        | {"acme.cert-manager.io/Order", "acme.cert-manager.io/Challenge"},
        needs=_monitors("prometheus.servicemonitor.enabled"),
    ),
    "external-secrets": Upstream(
        crds={
            f"external-secrets.io/{k}"
            for k in (
                "ExternalSecret",
                "SecretStore",
                "ClusterSecretStore",
                "ClusterExternalSecret",
                "PushSecret",
            )
        },
        needs=_monitors("serviceMonitor.enabled"),
        irsa=("serviceAccount.annotations", "irsaExternalSecretsRoleArn"),
    ),
    "aws-load-balancer-controller": Upstream(
        crds={"elbv2.k8s.aws/TargetGroupBinding", "elbv2.k8s.aws/IngressClassParams"},
        ingress_classes={"alb"},
        needs=_lbc_needs,
        irsa=("serviceAccount.annotations", "irsaAwsLoadBalancerControllerRoleArn"),
        required=("clusterName", "region", "vpcId"),
        check=_lbc_check,
    ),
    "external-dns": Upstream(
        needs=_monitors("serviceMonitor.enabled"),
        irsa=("serviceAccount.annotations", "irsaExternalDnsRoleArn"),
        required=("txtOwnerId", "domainFilters"),
    ),
    "metrics-server": Upstream(needs=_monitors("metrics.enabled", "serviceMonitor.enabled")),
    "cluster-autoscaler": Upstream(
        needs=_monitors("serviceMonitor.enabled"),
        irsa=("rbac.serviceAccount.annotations", "irsaClusterAutoscalerRoleArn"),
        required=("awsRegion", "autoDiscovery.clusterName"),
    ),
    "aws-for-fluent-bit": Upstream(
        needs=_monitors("serviceMonitor.enabled"),
        irsa=("serviceAccount.annotations", "irsaFluentBitRoleArn"),
        required=("cloudWatchLogs.region", "cloudWatchLogs.logGroupName"),
    ),
    "reloader": Upstream(
        controllers={"controller/reloader"},
        needs=_monitors("reloader.serviceMonitor.enabled", "reloader.podMonitor.enabled"),
    ),
    "ingress-nginx": Upstream(
        ingress_classes={"nginx"}, needs=_monitors("controller.metrics.serviceMonitor.enabled")
    ),
}

# What a fresh cluster has before Argo CD syncs anything: EKS ships the gp2 class (not default),
# kind ships "standard"; built-in API groups need no CRD.
BASE_STORAGE = {"local": {"standard"}, **{e: {"gp2"} for e in AWS_ENVS}}
BUILTIN_GROUPS = {
    "",
    "apps",
    "batch",
    "policy",
    "autoscaling",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
}
# Argo CD's own kinds exist once Argo CD is installed (before the root).
PRESENT_KINDS = {"argoproj.io/Application", "argoproj.io/AppProject", "argoproj.io/ApplicationSet"}
# Registries images may come from without a fact: public, pull-through-free, pinned by tag.
PUBLIC_REGISTRIES = ("docker.io/", "public.ecr.aws/", "registry.k8s.io/", "quay.io/", "ghcr.io/")
PLACEHOLDERS = {
    "123456789012": "the documentation AWS account id",
    "00000000-0000-0000-0000-000000000000": "a zero UUID",
    "example.com": "example.com where a fact (domain_name) belongs",
    "example.org": "example.org where a fact belongs",
    "vpcId: ''": "an empty VPC id",
    "role/''": "an empty role name",
}
# Secrets Manager secrets a person writes, not Terraform (third-party credentials: the
# Alertmanager receivers' webhook URLs); docs/deploy.md says when. {env} is the environment.
OPERATOR_SECRETS = ("taskapp/{env}/alertmanager",)
BUCKET_FACTS = ("backupBucket", "albLogsBucket", "assetsBucket", "lokiBucket", "webBucket")
SECRET_FACTS = (
    "appSecretName",
    "smtpSecretName",
    "dbMasterSecretArn",
    "redisAuthSecretArn",
    "grafanaAdminSecretName",
)


# ---------------------------------------------------------------------------------------------
# The estate: the root Application rendered from the cluster Secret, its children rendered.


@dataclass
class Estate:
    env: str
    root: Path
    facts: dict[str, str]  # value name -> value, as the charts see them
    root_objects: list[Obj]  # what the root Application renders (the app-of-apps chart)
    rendered: dict[str, list[Obj]]  # child Application -> its chart's objects (this repo's)
    child_values: dict[str, tuple[list[Path], Obj]]  # child -> (values files, valuesObject)
    problems: list[str]

    def applications(self) -> list[Obj]:
        return sorted(
            (o for o in self.root_objects if o["kind"] == "Application"),
            key=lambda a: (wave(a), a["metadata"]["name"]),
        )


def _resolve_value_file(root: Path, app_path: str | None, refs: set[str], vf: str) -> Path:
    if vf.startswith("$"):
        ref, _, rest = vf[1:].partition("/")
        if ref not in refs:
            raise FileNotFoundError(f"values file {vf}: no source with ref {ref!r}")
        return root / rest
    if app_path is None:
        raise FileNotFoundError(f"values file {vf} of a chart source: only $ref/ paths work")
    return (root / app_path / vf).resolve()


def build(env: str, root: Path = ROOT, secret: Obj | None = None) -> Estate:
    """Render the whole estate of `env` as Argo CD would on a fresh cluster."""
    secret = secret or cluster_secret(env, root)
    roots = root_applications(env, secret, root)
    if len(roots) != 1:
        raise RenderError(f"{env}: the bootstrap file yields {len(roots)} root Applications")
    src = roots[0]["spec"]["source"]
    helm = src.get("helm", {})
    problems: list[str] = []
    values = [(root / src["path"] / vf).resolve() for vf in helm.get("valueFiles", [])]
    problems += [f"root: values file {v} does not exist" for v in values if not v.is_file()]
    vobj = helm.get("valuesObject") or {}
    objs = helm_template(
        root / src["path"],
        helm["releaseName"],
        "argocd",
        [v for v in values if v.is_file()],
        vobj,
    )
    facts = {k: str(v) for k, v in (vobj.get("cluster") or {}).items()}
    estate = Estate(env, root, facts, objs, {}, {}, problems)
    # This repository, for the children: the repo_url fact the root passes (never a default).
    repo = facts.get("repoURL", "")
    if repo != src["repoURL"]:
        problems.append(f"root: renders from {src['repoURL']}, its children from {repo!r}")
    for child in estate.applications():
        _build_child(estate, child, repo)
    return estate


def _build_child(estate: Estate, child: Obj, repo: str) -> None:
    name, root, problems = child["metadata"]["name"], estate.root, estate.problems
    srcs = sources(child)
    refs = {s["ref"] for s in srcs if s.get("ref")}
    for s in srcs:
        if not s.get("path") and not s.get("chart"):
            continue  # a $values ref only
        h = s.get("helm", {})
        if s.get("path") and s["repoURL"] != repo:
            problems.append(f"{name}: path source from {s['repoURL']}, not this repository")
            continue
        if s.get("path") and not (root / s["path"] / "Chart.yaml").is_file():
            problems.append(f"{name}: path {s['path']} is not a chart in this repository")
            continue
        files: list[Path] = []
        for vf in h.get("valueFiles", []):
            try:
                path = _resolve_value_file(root, s.get("path"), refs, vf)
            except FileNotFoundError as e:
                problems.append(f"{name}: {e}")
                continue
            if path.is_file():
                files.append(path)
            else:
                problems.append(f"{name}: values file {vf} does not exist")
        estate.child_values[name] = (files, h.get("valuesObject") or {})
        if s.get("path"):
            ns = child["spec"]["destination"]["namespace"]
            release = h.get("releaseName", name)
            try:
                estate.rendered[name] = helm_template(
                    root / s["path"], release, ns, files, h.get("valuesObject")
                )
            except RenderError as e:
                problems.append(f"{name}: helm template failed: {e}")


# ---------------------------------------------------------------------------------------------
# The walk: what each wave creates is usable from the next wave on.


def _pod_specs(o: Obj) -> Iterator[Obj]:
    spec = o.get("spec") or {}
    if o["kind"] == "CronJob":
        yield spec["jobTemplate"]["spec"]["template"]["spec"]
    elif o["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"):
        yield spec["template"]["spec"]
    elif o["kind"] == "Pod":
        yield spec


def _containers(pod: Obj) -> list[Obj]:
    return [*pod.get("initContainers", []), *pod.get("containers", [])]


def _secret_refs(pod: Obj) -> Iterator[str]:
    for c in _containers(pod):
        for e in c.get("env", []):
            ref = (e.get("valueFrom") or {}).get("secretKeyRef")
            if ref and not ref.get("optional"):
                yield ref["name"]
        for e in c.get("envFrom", []):
            if e.get("secretRef") and not e["secretRef"].get("optional"):
                yield e["secretRef"]["name"]
    for v in pod.get("volumes", []):
        if v.get("secret") and not v["secret"].get("optional"):
            yield v["secret"]["secretName"]


def _kind(o: Obj) -> str:
    api = o["apiVersion"]
    group = api.split("/")[0] if "/" in api else ""
    return f"{group}/{o['kind']}"


def _is_builtin(kind: str) -> bool:
    return kind.split("/", 1)[0] in BUILTIN_GROUPS


def _merge(a: Obj, b: Obj) -> Obj:
    out = dict(a)
    for k, v in b.items():
        both = isinstance(v, dict) and isinstance(out.get(k), dict)
        out[k] = _merge(out[k], v) if both else v
    return out


def _csv(value: str | None) -> set[str]:
    return set((value or "").replace(" ", "").split(",")) - {""}


@dataclass
class Cluster:
    """What exists in the cluster so far (before the wave being checked)."""

    env: str
    facts: dict[str, str]
    kinds: set[str] = field(default_factory=lambda: set(PRESENT_KINDS))
    storage: set[str] = field(default_factory=set)
    ingress_classes: set[str] = field(default_factory=set)
    secrets: set[tuple[str, str]] = field(default_factory=set)
    stores: set[str] = field(default_factory=set)
    services: set[tuple[str, str]] = field(default_factory=set)
    namespaces: set[str] = field(default_factory=lambda: {"argocd", "kube-system", "default"})
    projects: set[str] = field(default_factory=set)

    @property
    def local(self) -> bool:
        return self.env == "local"

    def fact(self, name: str) -> str:
        return self.facts.get(name, "")

    def absorb(self, made: Cluster) -> None:
        self.kinds |= made.kinds
        self.storage |= made.storage
        self.ingress_classes |= made.ingress_classes
        self.secrets |= made.secrets
        self.stores |= made.stores
        self.services |= made.services


def check(estate: Estate) -> list[str]:
    """Everything that would stop the first sync of this estate, in wave order."""
    p = list(estate.problems)
    p += _check_contract(estate)
    p += _check_placeholders(estate)
    now = Cluster(estate.env, estate.facts, storage=set(BASE_STORAGE[estate.env]))
    alb_apps: dict[str, int] = {}
    # Within a wave Argo CD applies Namespaces and AppProjects before Applications.
    items = sorted(estate.root_objects, key=lambda o: (wave(o), o["kind"] == "Application"))
    for w in sorted({wave(o) for o in items}):
        made = Cluster(estate.env, estate.facts, kinds=set(), namespaces=set())
        for o in (o for o in items if wave(o) == w):
            p += _check_root_object(o, w, now, made)
            if o["kind"] == "Application":
                p += _check_application(estate, o, w, now, made)
                if any(_is_alb_ingress(x) for x in estate.rendered.get(o["metadata"]["name"], [])):
                    alb_apps[o["metadata"]["name"]] = w
        now.absorb(made)
    p += _check_gating(estate, alb_apps)
    return list(dict.fromkeys(p))


def _is_alb_ingress(o: Obj) -> bool:
    return o["kind"] == "Ingress" and dig(o, "spec.ingressClassName") == "alb"


def _check_contract(estate: Estate) -> list[str]:
    """The facts the root passes are exactly the contract's; templates use no other."""
    p: list[str] = []
    f = estate.facts
    if f.get("edgeMode") == "cloudfront" and f.get("albHost") in ("", f.get("domainName")):
        p.append(
            "edgeMode cloudfront with albHost equal to domainName: CloudFront owns the domain, "
            "the ALB needs its own origin name (Terraform's modules/edge api_origin_domain)"
        )
    if f.get("edgeMode") == "ingress" and f.get("albHost") and f["albHost"] != f.get("domainName"):
        p.append("edgeMode ingress: albHost must be the domain the users reach (domainName)")
    known = {f["value"] for f in load_facts(estate.root)}
    if set(estate.facts) != known:
        extra, missing = sorted(set(estate.facts) - known), sorted(known - set(estate.facts))
        p.append(f"root passes facts {extra} not in cluster-facts.yaml and lacks {missing}")
    for tpl in sorted((estate.root / "deploy/gitops/apps/templates").glob("*")):
        text = tpl.read_text()
        used = set(re.findall(r"\.Values\.cluster\.(\w+)", text))
        used |= set(re.findall(r'"apps\.fact" \(list \S+ "(\w+)"\)', text))
        used |= set(re.findall(r"\$c\.(\w+)", text))
        p += [
            f"{tpl.name}: uses .Values.cluster.{u}, which is not a fact of cluster-facts.yaml"
            for u in sorted(used - known)
        ]
    return p


def _check_placeholders(estate: Estate) -> list[str]:
    """Placeholders anywhere in what Argo CD would apply, and in the facts themselves."""
    texts = {"root": yaml.safe_dump(estate.root_objects)}
    texts |= {n: yaml.safe_dump(o) for n, o in estate.rendered.items()}
    texts |= {f"fact {k}": f"{k}: {v!r}" for k, v in estate.facts.items() if v}
    return [
        f"{name}: placeholder {needle!r} ({what})"
        for name, text in texts.items()
        for needle, what in PLACEHOLDERS.items()
        if needle in text
    ]


def _check_root_object(o: Obj, w: int, now: Cluster, made: Cluster) -> list[str]:
    p: list[str] = []
    k, name = _kind(o), o["metadata"]["name"]
    if not _is_builtin(k) and k not in now.kinds:
        p.append(f"root wave {w}: {o['kind']} {name} needs the CRD {k}, no earlier wave has it")
    if o["kind"] == "Namespace":
        now.namespaces.add(name)
    elif o["kind"] == "AppProject":
        now.projects.add(name)
    elif o["kind"] == "StorageClass":
        made.storage.add(name)
    elif o["kind"] == "ClusterSecretStore":
        made.stores.add(name)
        sa = dig(o, "spec.provider.aws.auth.jwt.serviceAccountRef")
        if sa and (sa["namespace"], sa["name"]) != ("external-secrets", "external-secrets"):
            p.append(f"ClusterSecretStore {name}: service account {sa} nothing creates")
    return p


def _check_application(estate: Estate, app: Obj, w: int, now: Cluster, made: Cluster) -> list[str]:
    p: list[str] = []
    name, spec = app["metadata"]["name"], app["spec"]
    if spec["project"] not in now.projects:
        p.append(f"{name} (wave {w}): project {spec['project']} does not exist yet")
    ns = spec["destination"]["namespace"]
    options = (spec.get("syncPolicy") or {}).get("syncOptions", [])
    if ns not in now.namespaces and "CreateNamespace=true" not in options:
        p.append(f"{name} (wave {w}): namespace {ns} does not exist, CreateNamespace is off")
    files, vobj = estate.child_values.get(name, ([], {}))
    values: Obj = {}
    for f in files:
        values = _merge(values, yaml.safe_load(f.read_text()) or {})
    values = _merge(values, vobj)
    for s in sources(app):
        if s.get("chart"):
            p += _check_upstream(name, w, s["chart"], values, now, made)
        elif s.get("path"):
            objs = estate.rendered.get(name, [])
            p += _check_chart(name, w, objs, ns, now)
            _record_chart(objs, ns, made)
    return p


def _check_upstream(
    name: str, w: int, chart: str, values: Obj, now: Cluster, made: Cluster
) -> list[str]:
    model = UPSTREAM.get(chart)
    if model is None:
        return [f"{name}: upstream chart {chart} has no model in estate.UPSTREAM"]
    p = [
        f"{name} (wave {w}): renders a {need}, whose CRD no earlier wave installs"
        for need in sorted(model.needs(values) - now.kinds)
    ]
    sc = dig(values, model.storage_class) if model.storage_class else None
    if sc and sc not in now.storage:
        p.append(f"{name} (wave {w}): PVCs of StorageClass {sc}, which nothing earlier creates")
    if model.irsa:
        path, fact = model.irsa
        arn = (dig(values, path) or {}).get(IRSA, "")
        if not arn or arn != now.fact(fact):
            p.append(f"{name}: IRSA role {arn!r} is not the fact {fact} ({now.fact(fact)!r})")
    p += [f"{name}: required value {r} is empty" for r in model.required if not dig(values, r)]
    p += [f"{name}: {m}" for m in model.check(values)]
    made.kinds |= model.crds | model.controllers
    made.ingress_classes |= model.ingress_classes
    return p


def _record_chart(objs: list[Obj], ns: str, made: Cluster) -> None:
    for x in objs:
        x_ns = x["metadata"].get("namespace", ns)
        if x["kind"] == "ExternalSecret":
            made.secrets.add((x_ns, dig(x, "spec.target.name") or x["metadata"]["name"]))
        elif x["kind"] == "Secret":
            made.secrets.add((x_ns, x["metadata"]["name"]))
        elif x["kind"] == "Service":
            made.services.add((x_ns, x["metadata"]["name"]))
        elif x["kind"] == "CustomResourceDefinition":
            made.kinds.add(f"{x['spec']['group']}/{x['spec']['names']['kind']}")
        elif x["kind"] == "StorageClass":
            made.storage.add(x["metadata"]["name"])


def _check_gating(estate: Estate, alb_apps: dict[str, int]) -> list[str]:
    """Nothing waits for an Application whose health needs the ALB's address (ACM, DNS, WAF):
    the alerts about a stuck ALB must not be stuck behind it. The app waits for no monitoring."""
    p: list[str] = []
    apps = {a["metadata"]["name"]: wave(a) for a in estate.applications()}
    for alb_app, aw in alb_apps.items():
        p += [
            f"{other} (wave {ow}) waits for {alb_app} (wave {aw}), whose health needs the ALB"
            for other, ow in apps.items()
            if ow > aw
        ]
    env = estate.env
    for mon in (f"kube-prometheus-stack-{env}", f"taskapp-monitoring-{env}"):
        for app in (f"taskapp-backend-{env}", f"taskapp-frontend-{env}"):
            if mon in apps and app in apps and apps[mon] < apps[app]:
                p.append(
                    f"{app} (wave {apps[app]}) waits for {mon} (wave {apps[mon]}): "
                    "the app must not be gated on monitoring"
                )
    return p


@dataclass
class ChartView:
    """One of this repository's charts as rendered for a child Application."""

    app: str
    wave: int
    objs: list[Obj]
    ns: str
    now: Cluster

    def ns_of(self, o: Obj) -> str:
        return str(o["metadata"].get("namespace", self.ns))

    def secrets(self) -> set[tuple[str, str]]:
        own = {(self.ns_of(o), o["metadata"]["name"]) for o in self.objs if o["kind"] == "Secret"}
        own |= {
            (self.ns_of(o), dig(o, "spec.target.name") or o["metadata"]["name"])
            for o in self.objs
            if o["kind"] == "ExternalSecret"
        }
        return own | self.now.secrets

    def service_accounts(self) -> dict[tuple[str, str], str | None]:
        return {
            (self.ns_of(o), o["metadata"]["name"]): (o["metadata"].get("annotations") or {}).get(
                IRSA
            )
            for o in self.objs
            if o["kind"] == "ServiceAccount"
        }

    def rotating(self) -> set[str]:
        """Secrets External Secrets builds from the RDS-managed (rotated) secret."""
        master = self.now.fact("dbMasterSecretArn")
        return {
            dig(o, "spec.target.name") or o["metadata"]["name"]
            for o in self.objs
            if o["kind"] == "ExternalSecret"
            and any(d["remoteRef"]["key"] == master for d in dig(o, "spec.data") or [])
        }


def _check_chart(app: str, w: int, objs: list[Obj], ns: str, now: Cluster) -> list[str]:
    view = ChartView(app, w, objs, ns, now)
    p: list[str] = []
    for o in objs:
        k, oname = _kind(o), f"{o['kind']} {o['metadata']['name']}"
        if not _is_builtin(k) and k not in now.kinds:
            p.append(f"{app} (wave {w}): {oname} needs the CRD {k}, no earlier wave installs it")
        checker = _OBJECT_CHECKS.get(o["kind"])
        if checker:
            p += [f"{app}: {oname} {m}" for m in checker(o, view)]
        for pod in _pod_specs(o):
            p += [f"{app}: {oname} {m}" for m in _check_pod(o, pod, view)]
    return p


def _check_service_account(o: Obj, view: ChartView) -> list[str]:
    arn = (o["metadata"].get("annotations") or {}).get(IRSA)
    irsa = {v for k, v in view.now.facts.items() if k.startswith("irsa") and v}
    if arn is not None and arn not in irsa:
        return [f"has IRSA role {arn!r}, which is no irsa_* fact of the cluster"]
    if arn is None and not view.now.local:
        return ["has no IRSA role (eks.amazonaws.com/role-arn)"]
    return []


def _check_ingress(o: Obj, view: ChartView) -> list[str]:
    now, p = view.now, []
    cls = dig(o, "spec.ingressClassName")
    if cls not in now.ingress_classes:
        p.append(f"(wave {view.wave}) uses IngressClass {cls}, which no earlier wave installs")
    # The ALB answers on albHost: the domain, or CloudFront's /api origin name in edge mode
    # cloudfront (then the domain is CloudFront's: external-dns must not point it at the ALB).
    host = "domainName" if now.local else "albHost"
    p += [
        f"host {r.get('host')!r} is not the fact {host}"
        for r in dig(o, "spec.rules") or []
        if r.get("host") != now.fact(host)
    ]
    own = {(view.ns_of(x), x["metadata"]["name"]) for x in view.objs if x["kind"] == "Service"}
    backends = {
        dig(path, "backend.service.name")
        for r in dig(o, "spec.rules") or []
        for path in dig(r, "http.paths") or []
    } - {None}
    p += [
        f"(wave {view.wave}) routes to Service {svc}, which no earlier wave creates"
        for svc in sorted(backends)
        if (view.ns_of(o), svc) not in now.services | own
    ]
    if cls != "alb":
        return p
    ann = o["metadata"].get("annotations") or {}
    cert = ann.get("alb.ingress.kubernetes.io/certificate-arn")
    if not cert or cert != now.fact("acmCertificateArn"):
        p.append("has no ACM certificate from the fact acmCertificateArn: HTTPS listener fails")
    waf = ann.get("alb.ingress.kubernetes.io/wafv2-acl-arn")
    if waf is not None and waf != now.fact("wafAclArn"):
        p.append(f"WAF ACL {waf!r} is not the fact wafAclArn")
    buckets = {now.fact(b) for b in BUCKET_FACTS} - {""}
    for attr in ann.get("alb.ingress.kubernetes.io/load-balancer-attributes", "").split(","):
        key, _, bucket = attr.partition("=")
        if key == "access_logs.s3.bucket" and bucket not in buckets:
            p.append(f"ALB logs go to bucket {bucket!r}, which no fact names")
    return p


def _check_external_secret(o: Obj, view: ChartView) -> list[str]:
    now, p = view.now, []
    store = dig(o, "spec.secretStoreRef.name")
    if dig(o, "spec.secretStoreRef.kind") == "ClusterSecretStore" and store not in now.stores:
        p.append(f"(wave {view.wave}) uses ClusterSecretStore {store}, no earlier wave has it")
    named = {now.fact(s) for s in SECRET_FACTS} - {""}
    named |= {s.format(env=now.env) for s in OPERATOR_SECRETS}
    p += [
        f"reads Secrets Manager {d['remoteRef']['key']!r}, which no fact names"
        for d in dig(o, "spec.data") or []
        if d["remoteRef"]["key"] not in named
    ]
    if not now.local and "database_url" in yaml.safe_dump(o) and not view.rotating():
        p.append(
            "takes database_url from a copy, not from the RDS-managed secret (fact "
            "dbMasterSecretArn): it freezes at the password of the day it was written, RDS "
            "rotates it every 7 days"
        )
    return p


def _check_network_policy(o: Obj, view: ChartView) -> list[str]:
    """Address blocks come from Terraform's facts: the ALB's subnets in, the database subnets
    out. A block typed in a values file drifts from the VPC Terraform builds."""
    if view.now.local:
        return []
    subnets = _csv(view.now.fact("publicSubnetCidrs"))
    data = _csv(view.now.fact("dataSubnetCidrs"))
    cidrs = {
        dig(peer, "ipBlock.cidr")
        for rule in dig(o, "spec.ingress") or []
        for peer in rule.get("from", [])
    } - {None}
    data_ports = {view.now.fact("dbPort"), view.now.fact("redisPort")}
    out = {
        dig(peer, "ipBlock.cidr")
        for rule in dig(o, "spec.egress") or []
        if data_ports & {str(port.get("port")) for port in rule.get("ports", [])}
        for peer in rule.get("to", [])
    } - {None}
    return [
        f"lets {c} in, wider than the ALB's subnets (fact publicSubnetCidrs {sorted(subnets)})"
        for c in sorted(cidrs - subnets)
    ] + [
        f"lets pods reach {c}, not a database subnet (fact dataSubnetCidrs {sorted(data)})"
        for c in sorted(out - data)
    ]


def _check_storage(o: Obj, view: ChartView) -> list[str]:
    claims = [o] if o["kind"] == "PersistentVolumeClaim" else []
    claims += dig(o, "spec.volumeClaimTemplates") or []
    return [
        f"(wave {view.wave}) wants StorageClass {sc}, which nothing earlier creates"
        for sc in (dig(c, "spec.storageClassName") for c in claims)
        if sc and sc not in view.now.storage
    ]


def _check_deployment(o: Obj, view: ChartView) -> list[str]:
    p = _check_storage(o, view)
    pod = o["spec"]["template"]["spec"]
    rotated = {s for s in _secret_refs(pod) if s in view.rotating()}
    reload = _csv((o["metadata"].get("annotations") or {}).get(RELOAD))
    p += [
        f"reads Secret {s}, which External Secrets rewrites on rotation, without the {RELOAD} "
        "annotation: pods keep the stale password"
        for s in sorted(rotated - reload)
    ]
    if rotated and "controller/reloader" not in view.now.kinds:
        p.append(f"(wave {view.wave}) relies on Reloader, which no earlier wave installs")
    return p


_OBJECT_CHECKS: dict[str, Callable[[Obj, ChartView], list[str]]] = {
    "ServiceAccount": _check_service_account,
    "Ingress": _check_ingress,
    "ExternalSecret": _check_external_secret,
    "NetworkPolicy": _check_network_policy,
    "PersistentVolumeClaim": _check_storage,
    "StatefulSet": _check_storage,
    "Deployment": _check_deployment,
}


def _check_pod(o: Obj, pod: Obj, view: ChartView) -> list[str]:
    now, p = view.now, []
    sas = view.service_accounts()
    sa = pod.get("serviceAccountName", "default")
    if sa != "default" and (view.ns_of(o), sa) not in sas:
        p.append(f"runs as ServiceAccount {sa}, which nothing creates")
    secrets = view.secrets()
    p += [
        f"reads Secret {s}, which nothing earlier creates"
        for s in _secret_refs(pod)
        if (view.ns_of(o), s) not in secrets
    ]
    for c in _containers(pod):
        p += _check_image(c, now)
        p += _check_env(c, sas.get((view.ns_of(o), sa)), sa, now)
    return p


def _check_image(c: Obj, now: Cluster) -> list[str]:
    img = c["image"]
    repo = img.rsplit(":", 1)[0] if ":" in img.split("/")[-1] else img
    if ".dkr.ecr." in repo:
        host, _, name = repo.partition("/")
        repos = {now.fact("ecrRepositoryBackend"), now.fact("ecrRepositoryFrontend")} - {""}
        if host != now.fact("ecrRegistry") or name not in repos:
            return [f"pulls {repo}, not the facts' registry {now.fact('ecrRegistry')!r}"]
        return []
    if now.local and "/" not in repo:
        if c.get("imagePullPolicy") != "Never":
            return [f"image {img} is loaded into kind: imagePullPolicy must be Never"]
        return []
    if not repo.startswith(PUBLIC_REGISTRIES):
        return [f"pulls {img} from a registry neither the facts nor the public list name"]
    return []


def _check_env(c: Obj, role: str | None, sa: str, now: Cluster) -> list[str]:
    p: list[str] = []
    args = c.get("args", [])
    if "--forwarded-allow-ips" in args and not now.local:
        trusted = args[args.index("--forwarded-allow-ips") + 1]
        if _csv(trusted) - _csv(now.fact("publicSubnetCidrs")):
            p.append(
                f"trusts X-Forwarded-* from {trusted!r}, not only the ALB's subnets: any pod "
                "could forge a client address where NetworkPolicies are not enforced (Fargate)"
            )
    buckets = {now.fact(b) for b in BUCKET_FACTS} - {""}
    for e in c.get("env", []):
        if e["name"] == "BACKUP_BUCKET" and role != now.fact("irsaBackupRoleArn"):
            p.append(
                f"writes backups as ServiceAccount {sa} with role {role!r}, "
                "not the fact irsaBackupRoleArn"
            )
        if "BUCKET" in e["name"] and "value" in e and e["value"] not in buckets:
            p.append(f"uses bucket {e['value']!r} ({e['name']}), which no fact names")
    return p


# ---------------------------------------------------------------------------------------------
# CLI for scripts/k8s-render.sh: the values of every chart as Argo CD applies them.


def write_values(env: str, out: Path, root: Path = ROOT) -> None:
    """out/<chart>.values.yaml: the valuesObject Argo CD puts over each child's values file, and
    out/apps.values.yaml: the root's valuesObject (the facts) over apps.yaml."""
    secret = cluster_secret(env, root)
    out.mkdir(parents=True, exist_ok=True)
    (out / "cluster-secret.yaml").write_text(yaml.safe_dump(secret, sort_keys=False))
    app = root_applications(env, secret, root)[0]
    vobj = app["spec"]["source"]["helm"].get("valuesObject") or {}
    (out / "apps.values.yaml").write_text(yaml.safe_dump(vobj, sort_keys=False))
    objs = helm_template(
        root / app["spec"]["source"]["path"],
        app["spec"]["source"]["helm"]["releaseName"],
        "argocd",
        [
            (root / app["spec"]["source"]["path"] / v).resolve()
            for v in app["spec"]["source"]["helm"]["valueFiles"]
        ],
        vobj,
    )
    for o in objs:
        if o["kind"] != "Application":
            continue
        for s in sources(o):
            if s.get("path", "").startswith("deploy/helm/"):
                chart = s["path"].removeprefix("deploy/helm/")
                (out / f"{chart}.values.yaml").write_text(
                    yaml.safe_dump(s.get("helm", {}).get("valuesObject") or {}, sort_keys=False)
                )


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[1] == "values":
        write_values(argv[2], Path(argv[3]))
        return 0
    if len(argv) >= 2 and argv[1] == "check":
        bad = 0
        for env in argv[2:] or ALL_ENVS:
            problems = check(build(env))
            print(json.dumps({"env": env, "problems": problems}, indent=2))
            bad += len(problems)
        return 1 if bad else 0
    print("usage: estate.py values <env> <out-dir> | check [env...]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
