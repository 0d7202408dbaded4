"""The first-install check: each environment's whole estate, rendered from its cluster Secret the
way Argo CD renders it (root ApplicationSet -> app-of-apps -> every child chart), walked in sync-
wave order (deploy/tests/estate.py). Then one test per break class of issue 15 that belongs to the
GitOps side: each puts one broken piece back (as it was, or as it would drift) into a copy of the
tree and shows the check names it. Terraform's classes (1 account model, 2 API access, 4 secret
rotation IAM, 8 ACM, 11 backup IAM, 12 chart repositories) and monitoring's (13 alerts, 14 logs)
are tested on their side; their GitOps halves are here."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import estate
import pytest
from conftest import ROOT

Edit = Callable[[Path], None]


@pytest.mark.parametrize("env", estate.ALL_ENVS)
def test_first_install_converges_in_wave_order(env: str) -> None:
    assert estate.check(estate.build(env)) == []


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of what Argo CD reads (the GitOps tree, the charts, the monitoring part's files)."""
    for part in ("deploy/gitops", "deploy/helm", "deploy/monitoring"):
        shutil.copytree(ROOT / part, tmp_path / part, symlinks=True)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path}: {old!r} not found (the test's broken piece is out of date)"
    path.write_text(text.replace(old, new))


def problems(root: Path, env: str, **facts: str) -> str:
    """Everything the check says about `env` in `root`, with some annotations of the cluster
    Secret replaced (a fact Terraform got wrong or left out)."""
    secret = estate.cluster_secret(env, root)
    secret["metadata"]["annotations"].update(facts)
    try:
        return "\n".join(estate.check(estate.build(env, root, secret)))
    except estate.RenderError as e:
        return str(e)


HELPERS = "deploy/gitops/apps/templates/_helpers.tpl"


# --- one piece broken by one edit, and what the check says about the env ----------------------
# The breaks whose test needs no more than that; the others have tests of their own in their
# sections below.

ONE_EDIT_BREAKS = [
    # 3: secrets Terraform creates, named by the facts
    pytest.param(
        HELPERS,
        'remoteKey: {{ include "apps.fact" (list $ctx "appSecretName") }}',
        "remoteKey: taskapp/{{ $c.environment }}/backend-created-by-hand",
        "dev",
        ["reads Secrets Manager 'taskapp/dev/backend-created-by-hand', which no fact names"],
        id="3_a_secret_no_fact_names",
    ),
    # 4: the database URL follows RDS password rotation
    pytest.param(
        "deploy/helm/taskapp-backend/templates/deployment.yaml",
        "    secret.reloader.stakater.com/reload:",
        "    not-reloader/reload:",
        "dev",
        ["without the secret.reloader.stakater.com/reload annotation"],
        id="4_pods_that_do_not_restart_on_a_rotated_secret",
    ),
    # 6: placeholders and facts nothing fills in
    pytest.param(
        "deploy/gitops/apps/templates/application-aws-load-balancer-controller.yaml",
        'vpcId: {{ include "apps.fact" (list . "vpcId") }}',
        'vpcId: ""',
        "dev",
        ["required value vpcId is empty"],
        id="6_a_value_typed_by_hand_under_deploy_gitops",
    ),
    pytest.param(
        "deploy/gitops/apps/templates/application-external-dns.yaml",
        'txtOwnerId: {{ include "apps.fact" (list . "clusterName") }}',
        "txtOwnerId: {{ .Values.cluster.clusterId }}",
        "dev",
        ["uses .Values.cluster.clusterId, which is not a fact of cluster-facts.yaml"],
        id="6_a_fact_not_in_the_contract",
    ),
    # 8: the HTTPS listener's certificate; monitoring not gated on the ALB
    pytest.param(
        "deploy/gitops/apps/values.yaml",
        "  - name: taskapp-monitoring\n    namespace: monitoring\n    wave: 1\n",
        "  - name: taskapp-monitoring\n    namespace: monitoring\n    wave: 2\n",
        "prod",
        ["taskapp-monitoring-prod (wave 2) waits for taskapp-ingress-prod (wave 1)"],
        id="8_monitoring_waiting_for_the_ingress",
    ),
    pytest.param(
        "deploy/gitops/apps/templates/application-kube-prometheus-stack.yaml",
        '(list . "kube-prometheus-stack" 1)',
        '(list . "kube-prometheus-stack" -5)',
        "dev",
        ["taskapp-backend-dev (wave 0) waits for kube-prometheus-stack-dev (wave -5)"],
        id="8_the_app_waiting_for_monitoring",
    ),
    # 9: the LB controller's webhook certificate
    pytest.param(
        "deploy/gitops/apps/templates/application-aws-load-balancer-controller.yaml",
        "        enableCertManager: true\n",
        "",
        "dev",
        ["genCA + lookup, which Argo CD cannot evaluate"],
        id="9_the_lb_controller_generating_its_own_ca",
    ),
    pytest.param(
        "deploy/gitops/apps/templates/application-cert-manager.yaml",
        '(list . "cert-manager" -10)',
        '(list . "cert-manager" -6)',
        "dev",
        ["renders a cert-manager.io/Certificate, whose CRD no earlier wave installs"],
        id="9_cert_manager_after_the_lb_controller",
    ),
    # 11: the backup's identity and bucket
    pytest.param(
        "deploy/helm/taskapp-backend/templates/backup-cronjob.yaml",
        'serviceAccountName: {{ include "taskapp-backend.backupServiceAccountName" . }}',
        'serviceAccountName: {{ include "taskapp-backend.serviceAccountName" . }}',
        "staging",
        ["writes backups as ServiceAccount taskapp-backend"],
        id="11_a_backup_with_the_apis_role",
    ),
    pytest.param(
        HELPERS,
        '  bucket: {{ include "apps.fact" (list $ctx "backupBucket") }}\n',
        "  bucket: taskapp-{{ $c.environment }}-backups\n",
        "prod",
        ["uses bucket 'taskapp-prod-backups' (BACKUP_BUCKET), which no fact names"],
        id="11_a_backup_bucket_no_fact_names",
    ),
    # the walk itself: CRDs, paths, values files
    pytest.param(
        "deploy/gitops/apps/templates/application-prometheus-operator-crds.yaml",
        '(list . "prometheus-operator-crds" -12)',
        '(list . "prometheus-operator-crds" 5)',
        "staging",
        [
            "cert-manager-staging (wave -10): renders a monitoring.coreos.com/ServiceMonitor",
            "PrometheusRule taskapp-monitoring-slo-alerts needs the CRD",
        ],
        id="a_crd_installed_too_late",
    ),
    pytest.param(
        "deploy/helm/taskapp-ingress/values.yaml",
        "  serviceName: taskapp-backend\n",
        "  serviceName: taskapp-api\n",
        "dev",
        ["routes to Service taskapp-api, which no earlier wave creates"],
        id="an_ingress_routing_to_a_service_nothing_creates",
    ),
    pytest.param(
        "deploy/gitops/apps/values.yaml",
        "    chart: reloader\n",
        "    chart: reloader-fork\n",
        "dev",
        ["upstream chart reloader-fork has no model"],
        id="an_upstream_chart_without_a_model",
    ),
]


@pytest.mark.parametrize(("path", "old", "new", "env", "messages"), ONE_EDIT_BREAKS)
def test_a_break_of_one_edit_is_caught(
    tree: Path, path: str, old: str, new: str, env: str, messages: list[str]
) -> None:
    edit(tree / path, old, new)
    out = problems(tree, env)
    for message in messages:
        assert message in out


# --- 1: images from the registry the facts name ---------------------------------------------------


def test_1_an_image_from_a_registry_the_facts_do_not_name_is_caught(tree: Path) -> None:
    # As before: the env file types the registry and the root does not set it from the facts.
    edit(
        tree / "deploy/gitops/envs/staging/taskapp-backend.yaml",
        "  repository: taskapp-backend\n",
        "  repository: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/taskapp-backend\n",
    )
    edit(
        tree / HELPERS,
        'image:\n  repository: {{ printf "%s/%s" (include "apps.fact" (list $ctx "ecrRegistry")) '
        '(include "apps.fact" (list $ctx "ecrRepositoryBackend")) }}\n',
        "",
    )
    out = problems(tree, "staging")
    assert (
        "pulls 123456789012.dkr.ecr.eu-west-1.amazonaws.com/taskapp-backend, "
        "not the facts' registry" in out
    )
    assert "placeholder '123456789012'" in out


# --- 4: the database URL follows RDS password rotation ------------------------------------------


def test_4_a_database_url_copied_instead_of_built_from_the_rds_secret_is_caught(
    tree: Path,
) -> None:
    # Today's (audited) template: the three keys copied from taskapp/<env>/backend.
    old = (
        "{{- if and .Values.secret.externalSecret.enabled (not .Values.secret.existingSecret) }}\n"
        "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n"
        '  name: {{ include "taskapp-backend.fullname" . }}\n'
        "  namespace: {{ .Release.Namespace }}\nspec:\n"
        '  refreshInterval: "1h"\n'
        "  secretStoreRef: {kind: ClusterSecretStore, name: aws-secrets-manager}\n"
        '  target: {name: {{ include "taskapp-backend.secretName" . }}}\n'
        "  data:\n"
        '    {{- range list "database_url" "redis_url" "secret_key" }}\n'
        "    - secretKey: {{ . }}\n"
        "      remoteRef:\n"
        "        {key: {{ $.Values.secret.externalSecret.remoteKey }}, property: {{ . }}}\n"
        "    {{- end }}\n{{- end }}\n"
    )
    (tree / "deploy/helm/taskapp-backend/templates/externalsecret.yaml").write_text(old)
    assert "takes database_url from a copy, not from the RDS-managed secret" in problems(
        tree, "prod"
    )


def test_4_a_missing_reloader_is_caught(tree: Path) -> None:
    (tree / "deploy/gitops/apps/templates/application-reloader.yaml").unlink()
    assert "relies on Reloader, which no earlier wave installs" in problems(tree, "dev")


# --- 5: the StorageClass the PVCs want ----------------------------------------------------------


def test_5_prometheus_pvcs_without_a_gp3_storage_class_are_caught(tree: Path) -> None:
    (tree / "deploy/gitops/apps/templates/storageclass-gp3.yaml").unlink()
    assert "PVCs of StorageClass gp3, which nothing earlier creates" in problems(tree, "prod")


# --- 6: placeholders and facts nothing fills in ---------------------------------------------------


@pytest.mark.parametrize(
    ("fact", "value", "expected"),
    [
        ("aws_account_id", "123456789012", "placeholder '123456789012'"),
        (
            "waf_acl_arn",
            "arn:aws:wafv2:eu-west-1:590213847465:regional/webacl/taskapp-prod/"
            "00000000-0000-0000-0000-000000000000",
            "placeholder '00000000-0000-0000-0000-000000000000'",
        ),
        ("domain_name", "taskapp.example.com", "placeholder 'example.com'"),
        ("aws_vpc_id", "", "cluster fact vpcId is empty"),
        ("irsa_external_dns_role_arn", "", "cluster fact irsaExternalDnsRoleArn is empty"),
        ("alb_logs_bucket", "", "accessLogs"),
    ],
)
def test_6_placeholders_and_empty_facts_are_caught(
    tree: Path, fact: str, value: str, expected: str
) -> None:
    assert expected in problems(tree, "prod", **{fact: value})


# Edge mode cloudfront as Terraform hands it over (composition: modules/edge, gitops_bridge).
CLOUDFRONT = {
    "edge_mode": "cloudfront",
    "alb_host": "origin.dev.taskapp.io",
    "web_bucket": "taskapp-dev-web-318574102936",
}


def test_edge_mode_cloudfront_converges_with_the_alb_as_the_api_origin() -> None:
    """S3 + CloudFront serve the web app: no nginx pods, the ALB answers on CloudFront's origin
    name only (external-dns points that name at it; the domain stays CloudFront's) and routes the
    backend's paths, and the whole estate converges in wave order."""
    secret = estate.cluster_secret("dev")
    secret["metadata"]["annotations"].update(CLOUDFRONT)
    built = estate.build("dev", ROOT, secret)
    assert estate.check(built) == []
    names = {a["metadata"]["name"] for a in built.applications()}
    assert "taskapp-frontend-dev" not in names
    assert "taskapp-backend-dev" in names
    ingress = next(o for o in built.rendered["taskapp-ingress-dev"] if o["kind"] == "Ingress")
    assert [r["host"] for r in ingress["spec"]["rules"]] == ["origin.dev.taskapp.io"]
    routed = {
        p["path"]: p["backend"]["service"]["name"]
        for p in ingress["spec"]["rules"][0]["http"]["paths"]
    }
    assert routed == {
        "/api": "taskapp-backend",
        "/p": "taskapp-backend",
        "/health": "taskapp-backend",
        "/ready": "taskapp-backend",
    }


def test_edge_mode_cloudfront_with_the_alb_on_the_domain_is_caught(tree: Path) -> None:
    # CloudFront's alias and external-dns's ALB record would fight over one name.
    assert "CloudFront owns the domain" in problems(
        tree, "dev", **(CLOUDFRONT | {"alb_host": "dev.taskapp.io"})
    )


def test_edge_mode_cloudfront_with_nginx_still_behind_the_alb_is_caught(tree: Path) -> None:
    # The ingress keeps routing "/" to web app pods that edge mode cloudfront never deploys.
    edit(tree / HELPERS, 'enabled: {{ ne $c.edgeMode "cloudfront" }}', "enabled: true")
    assert "routes to Service taskapp-frontend, which no earlier wave creates" in problems(
        tree, "dev", **CLOUDFRONT
    )


def test_an_edge_mode_the_cluster_side_does_not_serve_is_refused(tree: Path) -> None:
    assert "/cluster/edgeMode" in problems(tree, "dev", edge_mode="cdn")


def test_6_a_root_that_drops_a_fact_is_caught(tree: Path) -> None:
    edit(
        tree / "deploy/gitops/bootstrap/taskapp-staging.yaml",
        "              dbHost: '{{ index .metadata.annotations \"db_host\" }}'\n",
        "",
    )
    out = problems(tree, "staging")
    assert "lacks ['dbHost']" in out or "dbHost" in out


# --- 7: forwarded headers and NetworkPolicies without enforcement (Fargate) -----------------------


def test_7_trusting_every_pod_is_caught(tree: Path) -> None:
    helpers = (tree / HELPERS).read_text()
    edit(tree / HELPERS, "forwardedAllowIps: {{ $cidrs | quote }}\n", 'forwardedAllowIps: "*"\n')
    # "*" is refused by the chart's schema outright ...
    assert "/forwardedAllowIps': 'not' failed" in problems(tree, "dev")
    # ... and the whole VPC (every pod's address) by the check.
    (tree / HELPERS).write_text(helpers)
    edit(
        tree / HELPERS,
        "forwardedAllowIps: {{ $cidrs | quote }}\n",
        'forwardedAllowIps: "10.10.0.0/16"\n',
    )
    edit(
        tree / HELPERS,
        '  ingressCidrs: {{ splitList "," $cidrs | toJson }}\n',
        '  ingressCidrs: ["10.10.0.0/16"]\n',
    )
    out = problems(tree, "dev")
    assert "trusts X-Forwarded-* from '10.10.0.0/16', not only the ALB's subnets" in out
    assert "lets 10.10.0.0/16 in, wider than the ALB's subnets" in out


# --- 8: the HTTPS listener's certificate; monitoring not gated on the ALB -----------------------


def test_8_an_ingress_without_the_acm_certificate_is_caught(tree: Path) -> None:
    assert "cluster fact acmCertificateArn is empty" in problems(
        tree, "staging", acm_certificate_arn=""
    )
    edit(
        tree / HELPERS,
        'tls:\n  acmCertificateArn: {{ include "apps.fact" (list $ctx "acmCertificateArn") }}\n',
        "",
    )
    assert "has no ACM certificate from the fact acmCertificateArn" in problems(tree, "staging")


# --- the walk itself: CRDs, paths, values files -------------------------------------------------


def test_a_missing_values_file_is_caught(tree: Path) -> None:
    (tree / "deploy/gitops/envs/dev/taskapp-frontend.yaml").unlink()
    assert "values file ../../gitops/envs/dev/taskapp-frontend.yaml does not exist" in (
        problems(tree, "dev")
    )


def test_a_missing_chart_path_is_caught(tree: Path) -> None:
    shutil.rmtree(tree / "deploy/gitops/local/datastores")
    assert "path deploy/gitops/local/datastores is not a chart" in problems(tree, "local")


# --- 2, 3, 10, 15: docs/deploy.md walks the install in the order that converges ---------------

DEPLOY_MD = ROOT / "docs" / "deploy.md"


def _install_section() -> str:
    text = DEPLOY_MD.read_text()
    start = text.index("## From a fresh AWS account to a working HTTPS URL")
    return text[start : text.index("\n## ", start + 1)]


def test_deploy_md_orders_the_first_install_so_it_converges() -> None:
    """Terraform before the images (10), the images before Argo CD syncs anything, the way into
    the private API (2) before any kubectl, the cluster Secret before the root ApplicationSet."""
    text = _install_section()
    steps = [
        "deploy/terraform/bootstrap",
        'github_repository = "<owner>/<name>"',
        "terraform -chdir=deploy/terraform/shared init",
        "output dns_name_servers",
        "terraform -chdir=deploy/terraform/envs/<env> init",
        "The first images, before the first sync",
        "A way into the private API",
        "cluster_public_access_cidrs",
        "assume the `taskapp-platform-admin` role",
        "Install Argo CD",
        "scripts/gitops-bridge.py",
        # the root with the repository (shared's repo_url) filled in, after the cluster Secret
        "--input /tmp/bridge-<env>.json --bootstrap",
        "kubectl apply -n argocd -f -",
        "First sync of prod",
    ]
    at = [text.find(s) for s in steps]
    assert -1 not in at, [s for s, i in zip(steps, at, strict=True) if i == -1]
    assert at == sorted(at), "the install steps are out of order"


def test_deploy_md_never_creates_a_secret_terraform_owns() -> None:
    # 3: `taskapp/<env>/backend` is Terraform's; creating it by hand collides.
    text = DEPLOY_MD.read_text()
    assert "create-secret" not in text
    assert "Do not create that secret by hand" in _install_section()


def test_deploy_md_syncs_prod_wave_by_wave() -> None:
    # 15: `argocd app sync -l ... --async` starts every child at once, whatever its wave.
    text = _install_section()
    commands = [line for line in text.splitlines() if "argocd app sync" in line]
    assert commands
    assert not [c for c in commands if "--async" in c and "-l" in c.split("argocd app sync")[1]]
    assert "argocd app wait $apps --health" in text
    assert "sync-wave" in text
