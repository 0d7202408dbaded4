"""The Argo CD app-of-apps: Applications and AppProjects with the fields Argo CD requires, pinned
sources, sync policies per environment, sync waves, and projects that admit what the charts
render."""

from __future__ import annotations

import json
import re

import estate
import pytest
import yaml
from conftest import CHARTS, ENVS, GITOPS, HELM_DIR, ROOT, facts_dir, helm_template, of_kind, one

EXACT_VERSION = re.compile(r"^v?\d+\.\d+\.\d+$")
OPERATORS = {
    "prometheus-operator-crds",
    "cert-manager",
    "aws-load-balancer-controller",
    "external-secrets",
    "external-dns",
    "metrics-server",
    "reloader",
}
ADDONS = OPERATORS | {
    "cluster-autoscaler",
    "aws-for-fluent-bit",
    "kube-prometheus-stack",
    "prometheus-operator-crds",
    "monitoring-prerequisites",
}
# Only where monitoring.loki.enabled (checked by make monitoring-platform).
OPTIONAL = {"loki", "alloy"}


def facts(env):
    return estate.cluster_secret(env)["metadata"]["annotations"]


def wave(o):
    return int(o["metadata"].get("annotations", {}).get("argocd.argoproj.io/sync-wave", "0"))


def apps_by_name(objs, env):
    return {
        a["metadata"]["name"].removesuffix(f"-{env}"): a
        for a in of_kind(objs, "Application")
        if a["metadata"]["name"] != f"taskapp-{env}"
    }


def sources(app):
    return app["spec"].get("sources") or [app["spec"]["source"]]


@pytest.mark.parametrize("env", ENVS)
def test_root_app_renders_the_four_charts_and_every_platform_addon(apps, env):
    names = set(apps_by_name(apps[env], env))
    assert names - OPTIONAL == set(CHARTS) | ADDONS


@pytest.mark.parametrize("env", ENVS)
def test_applications_have_the_fields_argo_cd_requires(apps, env):
    projects = {p["metadata"]["name"]: p for p in of_kind(apps[env], "AppProject")}
    for app in of_kind(apps[env], "Application"):
        name = app["metadata"]["name"]
        assert app["apiVersion"] == "argoproj.io/v1alpha1"
        assert app["metadata"]["namespace"] == "argocd"
        assert "resources-finalizer.argocd.argoproj.io" in app["metadata"]["finalizers"], name
        spec = app["spec"]
        assert spec["project"] in projects, f"{name}: project {spec['project']} is not defined"
        dest = spec["destination"]
        assert dest["server"] == "https://kubernetes.default.svc", name
        assert dest["namespace"], name
        assert ("source" in spec) != ("sources" in spec), f"{name}: exactly one of source/sources"
        for src in sources(app):
            assert src["repoURL"].startswith("https://"), name
            assert src["targetRevision"], name
            if "ref" in src:
                continue
            assert ("chart" in src) != ("path" in src), f"{name}: a source is a chart or a path"


@pytest.mark.parametrize("env", ENVS)
def test_upstream_charts_are_pinned_to_exact_versions(apps, env):
    for app in apps_by_name(apps[env], env).values():
        for src in sources(app):
            if "chart" in src:
                assert EXACT_VERSION.match(src["targetRevision"]), (
                    f"{src['chart']} {src['targetRevision']} is not exact"
                )


@pytest.mark.parametrize("env", ENVS)
def test_projects_admit_every_source_and_destination(apps, env):
    projects = {p["metadata"]["name"]: p["spec"] for p in of_kind(apps[env], "AppProject")}
    for app in of_kind(apps[env], "Application"):
        proj = projects[app["spec"]["project"]]
        for src in sources(app):
            assert src["repoURL"] in proj["sourceRepos"], (
                f"{app['metadata']['name']}: {src['repoURL']} not allowed"
            )
        d = app["spec"]["destination"]
        assert any(
            x["server"] == d["server"] and x["namespace"] == d["namespace"]
            for x in proj["destinations"]
        ), f"{app['metadata']['name']}: destination {d} not allowed by {app['spec']['project']}"


@pytest.mark.parametrize("env", ENVS)
def test_taskapp_project_whitelists_exactly_what_the_charts_render(apps, rendered, env):
    proj = one(apps[env], "AppProject", f"taskapp-{env}")["spec"]
    assert "*" not in {x["kind"] for x in proj["namespaceResourceWhitelist"]}
    allowed = {
        (x["group"], x["kind"])
        for x in proj["namespaceResourceWhitelist"] + proj["clusterResourceWhitelist"]
    }
    rendered_kinds = set()
    for objs in rendered[env].values():
        for o in objs:
            group = o["apiVersion"].rsplit("/", 1)[0] if "/" in o["apiVersion"] else ""
            rendered_kinds.add((group, o["kind"]))
    assert rendered_kinds - allowed == set()
    # the repo_url fact (shared's github_repository), nothing typed in the chart
    assert proj["sourceRepos"] == [estate.REPO_URL]
    assert {d["namespace"] for d in proj["destinations"]} == {f"taskapp-{env}", "monitoring"}


def test_sync_is_automated_with_prune_and_self_heal_in_dev_and_manual_in_prod(apps):
    for env in ENVS:
        for app in apps_by_name(apps[env], env).values():
            policy = app["spec"]["syncPolicy"]
            assert "CreateNamespace=true" in policy["syncOptions"]
            if env == "prod":
                assert "automated" not in policy, app["metadata"]["name"]
            else:
                assert policy["automated"] == {"prune": True, "selfHeal": True, "allowEmpty": False}
    root_prod = one(apps["prod"], "Application", "taskapp-prod")
    assert "automated" not in root_prod["spec"]["syncPolicy"]
    assert (
        one(apps["dev"], "Application", "taskapp-dev")["spec"]["syncPolicy"]["automated"][
            "selfHeal"
        ]
        is True
    )


@pytest.mark.parametrize("env", ENVS)
def test_sync_waves_put_namespaces_then_operators_and_crds_then_the_apps(apps, env):
    objs = apps[env]
    by = apps_by_name(objs, env)
    ns_wave = max(wave(n) for n in of_kind(objs, "Namespace"))
    proj_wave = max(
        wave(p) for p in of_kind(objs, "AppProject") if p["metadata"]["name"] != f"bootstrap-{env}"
    )
    op_waves = [wave(by[n]) for n in OPERATORS]
    store = one(objs, "ClusterSecretStore")
    gp3 = one(objs, "StorageClass", "gp3")
    assert ns_wave < min(op_waves)
    assert proj_wave < min(op_waves)
    assert wave(gp3) < min(op_waves)
    assert wave(by["prometheus-operator-crds"]) < wave(by["cert-manager"])
    assert wave(by["cert-manager"]) < wave(by["aws-load-balancer-controller"])
    assert wave(by["external-secrets"]) < wave(store) < min(wave(by[c]) for c in CHARTS)
    assert max(op_waves) < min(wave(by[c]) for c in CHARTS)
    # The app waits for no monitoring; monitoring and the ingress wait for the app, not each other.
    app_wave = max(wave(by["taskapp-backend"]), wave(by["taskapp-frontend"]))
    for later in ("taskapp-ingress", "taskapp-monitoring", "kube-prometheus-stack"):
        assert wave(by[later]) == app_wave + 1, later
    assert (
        store["metadata"]["annotations"]["argocd.argoproj.io/sync-options"]
        == "SkipDryRunOnMissingResource=true"
    )


@pytest.mark.parametrize("env", ENVS)
def test_taskapp_apps_render_their_chart_with_this_environments_values_file(apps, env):
    by = apps_by_name(apps[env], env)
    for chart in CHARTS:
        src = by[chart]["spec"]["source"]
        assert src["path"] == f"deploy/helm/{chart}"
        assert src["helm"]["releaseName"] == chart
        for vf in src["helm"]["valueFiles"]:
            resolved = (ROOT / src["path"] / vf).resolve()
            assert resolved == (GITOPS / "envs" / env / f"{chart}.yaml").resolve()
            assert resolved.is_file()
        assert by[chart]["spec"]["destination"]["namespace"] == (
            "monitoring" if chart == "taskapp-monitoring" else f"taskapp-{env}"
        )


@pytest.mark.parametrize("env", ENVS)
def test_fluent_bit_takes_its_values_from_the_monitoring_part_through_a_values_ref(apps, env):
    app = apps_by_name(apps[env], env)["aws-for-fluent-bit"]
    chart_src, ref_src = app["spec"]["sources"]
    assert ref_src == {
        "repoURL": estate.REPO_URL,
        "targetRevision": "main",
        "ref": "values",
    }
    vf = chart_src["helm"]["valueFiles"]
    assert vf == ["$values/deploy/monitoring/fluent-bit/values.yaml"]
    assert (ROOT / vf[0].removeprefix("$values/")).is_file(), (
        "the monitoring part's fluent-bit values file is missing"
    )
    over = chart_src["helm"]["valuesObject"]
    assert over["cloudWatchLogs"]["logGroupName"] == facts(env)["log_group_name"]
    assert over["serviceAccount"]["name"] == "aws-for-fluent-bit"
    assert app["spec"]["destination"]["namespace"] == "kube-system"


@pytest.mark.parametrize("env", ENVS)
def test_irsa_service_accounts_have_the_contract_names_and_namespaces(apps, env):
    by = apps_by_name(apps[env], env)

    def vals(name):
        return sources(by[name])[0]["helm"]["valuesObject"]

    f = facts(env)
    expect = {
        "aws-load-balancer-controller": (
            "kube-system",
            vals("aws-load-balancer-controller")["serviceAccount"],
            "irsa_aws_load_balancer_controller_role_arn",
        ),
        "external-secrets": (
            "external-secrets",
            vals("external-secrets")["serviceAccount"],
            "irsa_external_secrets_role_arn",
        ),
        "external-dns": (
            "kube-system",
            vals("external-dns")["serviceAccount"],
            "irsa_external_dns_role_arn",
        ),
        "cluster-autoscaler": (
            "kube-system",
            vals("cluster-autoscaler")["rbac"]["serviceAccount"],
            "irsa_cluster_autoscaler_role_arn",
        ),
        "aws-for-fluent-bit": (
            "kube-system",
            vals("aws-for-fluent-bit")["serviceAccount"],
            "irsa_fluent_bit_role_arn",
        ),
    }
    for name, (ns, sa, fact) in expect.items():
        assert by[name]["spec"]["destination"]["namespace"] == ns
        assert sa["name"] == name
        assert sa["annotations"]["eks.amazonaws.com/role-arn"] == f[fact]
    lbc = vals("aws-load-balancer-controller")
    assert lbc["clusterName"] == f["aws_cluster_name"]
    assert lbc["vpcId"] == f["aws_vpc_id"]
    assert lbc["enableCertManager"] is True
    assert vals("cluster-autoscaler")["autoDiscovery"]["clusterName"] == f["aws_cluster_name"]
    dns = vals("external-dns")
    assert dns["domainFilters"] == [f["domain_name"]]
    assert dns["txtOwnerId"] == f["aws_cluster_name"]
    assert f"--zone-id-filter={f['route53_zone_id']}" in dns["extraArgs"]


@pytest.mark.parametrize("env", ENVS)
def test_namespaces_carry_pod_security_labels_and_are_never_pruned(apps, env):
    ns = {n["metadata"]["name"]: n for n in of_kind(apps[env], "Namespace")}
    assert {f"taskapp-{env}", "monitoring", "cert-manager", "argocd", "external-secrets"} <= set(ns)
    assert (
        ns[f"taskapp-{env}"]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        == "restricted"
    )
    for n in ns.values():
        labels = n["metadata"]["labels"]
        for mode in ("enforce", "warn", "audit"):
            assert labels[f"pod-security.kubernetes.io/{mode}"] in {
                "privileged",
                "baseline",
                "restricted",
            }
        assert "Delete=false" in n["metadata"]["annotations"]["argocd.argoproj.io/sync-options"]


@pytest.mark.parametrize("env", ENVS)
def test_root_application_renders_the_apps_chart_with_this_environment(apps, env):
    root = one(apps[env], "Application", f"taskapp-{env}")
    src = root["spec"]["source"]
    assert src["path"] == "deploy/gitops/apps"
    assert (ROOT / src["path"] / src["helm"]["valueFiles"][0]).resolve() == (
        GITOPS / "envs" / env / "apps.yaml"
    ).resolve()
    proj = one(apps[env], "AppProject", f"bootstrap-{env}")["spec"]
    kinds = {
        x["kind"] for x in proj["namespaceResourceWhitelist"] + proj["clusterResourceWhitelist"]
    }
    assert kinds == {"Application", "AppProject", "Namespace", "StorageClass", "ClusterSecretStore"}


@pytest.mark.parametrize("env", [*ENVS, "local"])
def test_root_is_an_application_set_passing_every_fact_from_the_cluster_secret(env):
    """The GitOps Bridge contract: the env's cluster Secret (label environment: <env>) feeds the
    app-of-apps chart with every fact of cluster-facts.yaml, by its annotation, and nothing else."""
    docs = [
        d
        for d in yaml.safe_load_all((GITOPS / "bootstrap" / f"taskapp-{env}.yaml").read_text())
        if d
    ]
    appset = one(docs, "ApplicationSet", f"taskapp-{env}")["spec"]
    assert appset["goTemplate"] is True
    assert "missingkey=error" in appset["goTemplateOptions"]
    assert appset["generators"] == [
        {"clusters": {"selector": {"matchLabels": {"environment": env}}}}
    ]
    cluster = appset["template"]["spec"]["source"]["helm"]["valuesObject"]["cluster"]
    contract = estate.load_facts()
    assert cluster == {
        f["value"]: '{{ index .metadata.annotations "' + f["annotation"] + '" }}' for f in contract
    }
    assert appset["template"]["spec"]["destination"]["server"] == "{{ .server }}"


@pytest.mark.parametrize("env", ENVS)
def test_image_values_files_follow_the_delivery_contract(env):
    for part in ("backend", "frontend"):
        path = GITOPS / "envs" / env / f"taskapp-{part}.yaml"
        text = path.read_text()
        image = yaml.safe_load(text)["image"]
        # Only the repository name: the registry host is the fact ecr_registry.
        assert image["repository"] == f"taskapp-{part}"
        assert re.match(r"^([0-9a-f]{40}|v\d+\.\d+\.\d+)$", image["tag"])
        # the literal block the delivery script edits (quoted tag, two-space indent)
        assert re.search(r"(?m)^image:\n  repository: taskapp-" + part + r'\n  tag: "[^"]+"$', text)
        assert text.lstrip().startswith("#"), "keep the explanatory comments"


def test_environments_differ_where_they_should():
    def load(env, chart):
        return yaml.safe_load((GITOPS / "envs" / env / f"{chart}.yaml").read_text())

    dev, prod = load("dev", "taskapp-backend"), load("prod", "taskapp-backend")
    assert prod["resources"]["limits"]["memory"] != dev["resources"]["limits"]["memory"]
    assert load("prod", "taskapp-ingress")["alb"]["deletionProtection"] is True
    assert load("prod", "taskapp-ingress")["alb"]["accessLogs"]["enabled"] is True
    assert load("dev", "apps")["syncPolicy"]["automated"] is True
    assert load("prod", "apps")["syncPolicy"]["automated"] is False


def test_argo_cd_install_values_assess_application_health_so_waves_wait():
    values = yaml.safe_load((GITOPS / "bootstrap" / "argocd-values.yaml").read_text())
    lua = values["configs"]["cm"]["resource.customizations.health.argoproj.io_Application"]
    assert "obj.status.health.status" in lua
    assert "return hs" in lua


def test_checkov_skips_each_have_a_reason_and_are_listed_once():
    skips = yaml.safe_load((ROOT / "deploy" / "checkov-skips.yaml").read_text())["skips"]
    ids = [s["id"] for s in skips]
    assert len(ids) == len(set(ids))
    for s in skips:
        assert re.match(r"^CKV2?_[A-Z0-9]+_\d+$", s["id"])
        assert len(s["reason"].split()) >= 10, f"{s['id']}: say why it does not apply"


@pytest.mark.parametrize("version", ["~72.9", ">=1.0.0", "72.x", "latest"])
def test_app_of_apps_refuses_chart_version_ranges(version):
    proc = helm_template(
        GITOPS / "apps",
        "taskapp-dev",
        "argocd",
        [GITOPS / "envs" / "dev" / "apps.yaml"],
        {"addons.certManager.version": version},
        check=False,
    )
    assert proc.returncode != 0
    assert "addons" in proc.stderr


def test_every_chart_has_a_values_schema_and_notes():
    for chart in CHARTS:
        assert (HELM_DIR / chart / "values.schema.json").is_file()
        assert (HELM_DIR / chart / "templates" / "NOTES.txt").is_file()
        assert (HELM_DIR / chart / "templates" / "_helpers.tpl").is_file()
    assert (GITOPS / "apps" / "values.schema.json").is_file()


def _paths(d, prefix=()):
    for k, v in d.items():
        if isinstance(v, dict) and v:
            yield from _paths(v, (*prefix, k))
        else:
            yield (*prefix, k)


@pytest.mark.parametrize("env", ENVS)
def test_env_values_files_hold_choices_only_never_a_value_the_facts_provide(env):
    """One source per value: whatever the root sets from the cluster facts (registry, roles,
    buckets, secrets, host, CIDRs) is absent from the env's values files, which Argo CD would
    otherwise silently override."""
    out = facts_dir(env)
    for chart in CHARTS:
        from_facts = yaml.safe_load((out / f"{chart}.values.yaml").read_text()) or {}
        own = yaml.safe_load((GITOPS / "envs" / env / f"{chart}.yaml").read_text()) or {}
        own_paths = set(_paths(own))
        for path in _paths(from_facts):
            if path == ("image", "repository"):
                continue  # kept as the bare name for the delivery pipeline's guard
            assert path not in own_paths, f"envs/{env}/{chart}.yaml sets {'.'.join(path)}"


def test_the_apps_chart_schema_takes_exactly_the_contracts_facts():
    """cluster-facts.yaml is the contract: a fact added there must be accepted (and required) by
    the app-of-apps chart, and the chart must take no fact the contract does not list."""
    schema = json.loads((GITOPS / "apps" / "values.schema.json").read_text())
    cluster = schema["properties"]["cluster"]
    values = [f["value"] for f in estate.load_facts()]
    assert set(cluster["properties"]) == set(values)
    assert set(cluster["required"]) == set(values)
    assert cluster["additionalProperties"] is False


@pytest.mark.parametrize("env", [*ENVS, "local"])
def test_the_cluster_secret_fixture_is_shaped_like_the_contract(env):
    """The facts the checks render with: one annotation per fact of cluster-facts.yaml, all of
    them set in the AWS envs (but the optional ones), and for local exactly what cluster-up sets."""
    ann = estate.cluster_secret(env)["metadata"]["annotations"]
    contract = estate.load_facts()
    assert list(ann) == [f["annotation"] for f in contract]
    if env == "local":
        assert {k: v for k, v in ann.items() if v} == {
            "environment": "local",
            "aws_cluster_name": "kind-taskapp",
            "domain_name": "localhost",
            "edge_mode": "ingress",
            "repo_url": estate.LOCAL_FACTS["repo_url"],
        }
        assert {f["annotation"] for f in contract if f.get("local")} == {
            k for k, v in ann.items() if v
        }
    else:
        empty = {k for k, v in ann.items() if not v}
        # Empty only where the contract says "empty where the env has none / where ... is off".
        optional = {f["annotation"] for f in contract if "empty" in f["about"]}
        assert empty <= optional, empty - optional
