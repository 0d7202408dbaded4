"""Every workload the charts render, in every environment: Pod Security "restricted", probes,
requests/limits, rollouts that lose nothing, selectors that select, references that resolve."""

from __future__ import annotations

import re

import estate
import pytest
from conftest import (
    CHARTS,
    ENVS,
    all_workloads,
    containers,
    labels_match,
    of_kind,
    one,
    pod_spec,
    pod_template,
    render_chart,
)

OUR_IMAGE = re.compile(
    r"^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/taskapp-(backend|frontend):([0-9a-f]{40}|v\d+\.\d+\.\d+)$"
)
PINNED_THIRD_PARTY = re.compile(r"^[a-z0-9./-]+:\d+(\.\d+)+(-[a-z0-9.]+)?$")
ALLOWED_VOLUME_TYPES = {
    "emptyDir",
    "configMap",
    "secret",
    "projected",
    "downwardAPI",
    "persistentVolumeClaim",
    "ephemeral",
}


def workloads(rendered):
    return list(all_workloads(rendered))


def test_there_are_workloads_to_check(rendered):
    kinds = sorted({(c, o["kind"]) for _, c, o in workloads(rendered)})
    assert ("taskapp-backend", "Deployment") in kinds
    assert ("taskapp-backend", "Job") in kinds
    assert ("taskapp-backend", "CronJob") in kinds
    assert ("taskapp-frontend", "Deployment") in kinds


def test_pods_meet_the_restricted_pod_security_profile(rendered):
    problems = []
    for env, _chart, w in workloads(rendered):
        spec = pod_spec(w)
        where = f"{env}/{w['kind']}/{w['metadata']['name']}"
        psc = spec.get("securityContext", {})
        problems.extend(
            f"{where}: {key}" for key in ("hostNetwork", "hostPID", "hostIPC") if spec.get(key)
        )
        if psc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            problems.append(f"{where}: pod seccompProfile is not RuntimeDefault")
        problems.extend(
            f"{where}: volume {vol['name']} of type {set(vol) - {'name'}}"
            for vol in spec.get("volumes", [])
            if not set(vol) - {"name"} <= ALLOWED_VOLUME_TYPES
        )
        for c in containers(spec):
            sc = c.get("securityContext", {})
            cw = f"{where}/{c['name']}"
            if sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{cw}: allowPrivilegeEscalation not false")
            if sc.get("privileged"):
                problems.append(f"{cw}: privileged")
            if sc.get("capabilities", {}).get("drop") != ["ALL"] or sc.get("capabilities", {}).get(
                "add"
            ):
                problems.append(f"{cw}: capabilities must drop ALL and add nothing")
            if not (sc.get("runAsNonRoot") or psc.get("runAsNonRoot")):
                problems.append(f"{cw}: runAsNonRoot")
            uid = sc.get("runAsUser", psc.get("runAsUser"))
            if not uid or uid < 10000:
                problems.append(f"{cw}: runAsUser {uid} (need a non-zero UID >= 10000)")
            if sc.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{cw}: root filesystem is writable")
            seccomp = sc.get("seccompProfile", psc.get("seccompProfile", {}))
            if seccomp.get("type") != "RuntimeDefault":
                problems.append(f"{cw}: seccomp")
            if not any(m["mountPath"] == "/tmp" for m in c.get("volumeMounts", [])):
                problems.append(
                    f"{cw}: no writable /tmp (emptyDir) for a read-only root filesystem"
                )
            problems.extend(f"{cw}: hostPort" for p in c.get("ports", []) if p.get("hostPort"))
    assert not problems, "\n".join(problems)


def test_pods_mount_no_service_account_token(rendered):
    bad = [
        f"{env}/{w['metadata']['name']}"
        for env, _, w in workloads(rendered)
        if pod_spec(w).get("automountServiceAccountToken") is not False
    ]
    assert not bad


def test_every_container_has_cpu_and_memory_requests_and_limits(rendered):
    bad = [
        f"{env}/{w['metadata']['name']}/{c['name']}: {kind}.{res}"
        for env, _, w in workloads(rendered)
        for c in containers(pod_spec(w))
        for kind in ("requests", "limits")
        for res in ("cpu", "memory")
        if not c.get("resources", {}).get(kind, {}).get(res)
    ]
    assert not bad, bad


def test_long_running_containers_have_liveness_and_readiness_probes_on_a_declared_port(rendered):
    for env, _, w in workloads(rendered):
        if w["kind"] != "Deployment":
            continue
        for c in pod_spec(w)["containers"]:
            ports = {p["name"]: p["containerPort"] for p in c["ports"]}
            for probe in ("livenessProbe", "readinessProbe"):
                assert probe in c, f"{env}/{w['metadata']['name']}: no {probe}"
                port = c[probe]["httpGet"]["port"]
                assert port in ports or port in ports.values(), (
                    f"{probe} port {port} not on the container"
                )


def test_backend_probes_use_health_for_liveness_and_ready_for_readiness(rendered):
    for env in ENVS:
        c = pod_spec(one(rendered[env]["taskapp-backend"], "Deployment", "taskapp-backend"))[
            "containers"
        ][0]
        assert c["livenessProbe"]["httpGet"]["path"] == "/health"
        assert c["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert c["startupProbe"]["httpGet"]["path"] == "/health"
        f = pod_spec(one(rendered[env]["taskapp-frontend"], "Deployment"))["containers"][0]
        assert f["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_rollouts_keep_capacity_and_drain_before_sigterm(rendered):
    for env in ENVS:
        for chart in ("taskapp-backend", "taskapp-frontend"):
            d = one(rendered[env][chart], "Deployment", chart)
            assert d["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
            spec = pod_spec(d)
            pause = spec["containers"][0]["lifecycle"]["preStop"]["sleep"]["seconds"]
            assert pause >= 5
            # grace covers the pause plus the server's drain
            assert spec["terminationGracePeriodSeconds"] >= pause + 15
            zones = [
                t
                for t in spec["topologySpreadConstraints"]
                if t["topologyKey"] == "topology.kubernetes.io/zone"
            ]
            assert zones
            assert labels_match(
                zones[0]["labelSelector"]["matchLabels"], pod_template(d)["metadata"]["labels"]
            )


def test_prod_spreads_hard_across_zones(rendered):
    spec = pod_spec(one(rendered["prod"]["taskapp-backend"], "Deployment", "taskapp-backend"))
    zone = next(
        t
        for t in spec["topologySpreadConstraints"]
        if t["topologyKey"] == "topology.kubernetes.io/zone"
    )
    assert zone["whenUnsatisfiable"] == "DoNotSchedule"


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("chart", ["taskapp-backend", "taskapp-frontend"])
def test_deployment_has_hpa_on_cpu_70_and_memory_80_and_a_pdb_selecting_its_pods(
    rendered, env, chart
):
    objs = rendered[env][chart]
    d = one(objs, "Deployment", chart)
    hpa = one(objs, "HorizontalPodAutoscaler", chart)
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": d["metadata"]["name"],
    }
    targets = {
        m["resource"]["name"]: m["resource"]["target"]["averageUtilization"]
        for m in hpa["spec"]["metrics"]
    }
    assert targets == {"cpu": 70, "memory": 80}
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    assert "replicas" not in d["spec"], (
        "the HPA owns the replica count: the Deployment must not set it"
    )
    pdb = one(objs, "PodDisruptionBudget", chart)
    assert labels_match(
        pdb["spec"]["selector"]["matchLabels"], pod_template(d)["metadata"]["labels"]
    )


def test_hpa_bounds_grow_from_dev_to_prod(rendered):
    def bounds(env, chart):
        h = one(rendered[env][chart], "HorizontalPodAutoscaler", chart)["spec"]
        return h["minReplicas"], h["maxReplicas"]

    for chart in ("taskapp-backend", "taskapp-frontend"):
        dev, stg, prod = (bounds(e, chart) for e in ENVS)
        assert dev[0] <= stg[0] < prod[0]
        assert dev[1] <= stg[1] < prod[1]
        assert prod[0] >= 3, "prod keeps one replica per zone at least"


def test_selectors_match_their_pod_labels_and_services_select_exactly_one_workload(rendered):
    for env in ENVS:
        for chart in CHARTS:
            objs = rendered[env][chart]
            pods = [
                (w, pod_template(w)["metadata"]["labels"])
                for w in objs
                if w["kind"] in ("Deployment", "Job", "CronJob")
            ]
            for d in of_kind(objs, "Deployment"):
                assert labels_match(
                    d["spec"]["selector"]["matchLabels"], pod_template(d)["metadata"]["labels"]
                )
            for svc in of_kind(objs, "Service"):
                selected = [
                    w for w, labels in pods if labels_match(svc["spec"]["selector"], labels)
                ]
                assert [w["kind"] for w in selected] == ["Deployment"], (
                    f"{env}: Service {svc['metadata']['name']} selects "
                    f"{[w['metadata']['name'] for w in selected]}"
                )
                container_ports = {
                    p["name"]: p["containerPort"]
                    for c in pod_spec(selected[0])["containers"]
                    for p in c["ports"]
                }
                for port in svc["spec"]["ports"]:
                    tp = port["targetPort"]
                    assert tp in container_ports or tp in container_ports.values(), (
                        f"targetPort {tp} not on a container"
                    )


def _referenced(spec):
    cms, secrets = set(), set()
    for c in containers(spec):
        for ef in c.get("envFrom", []):
            if "configMapRef" in ef:
                cms.add(ef["configMapRef"]["name"])
            if "secretRef" in ef:
                secrets.add(ef["secretRef"]["name"])
        for e in c.get("env", []):
            vf = e.get("valueFrom", {})
            if "configMapKeyRef" in vf:
                cms.add(vf["configMapKeyRef"]["name"])
            if "secretKeyRef" in vf:
                secrets.add((vf["secretKeyRef"]["name"], vf["secretKeyRef"]["key"]))
    for v in spec.get("volumes", []):
        if "configMap" in v:
            cms.add(v["configMap"]["name"])
        if "secret" in v:
            secrets.add((v["secret"]["secretName"], None))
    return cms, secrets


def test_every_configmap_and_secret_a_pod_uses_is_rendered_or_synced_by_an_external_secret(
    rendered,
):
    for env in ENVS:
        for chart in CHARTS:
            objs = rendered[env][chart]
            cm_names = {o["metadata"]["name"] for o in of_kind(objs, "ConfigMap")}
            synced = {}
            for es in of_kind(objs, "ExternalSecret"):
                target = es["spec"]["target"]
                tpl = target.get("template") or {}
                # A Replace template writes only its own keys; otherwise the data keys land.
                keys = set(tpl.get("data") or {})
                if tpl.get("mergePolicy") != "Replace":
                    keys |= {d["secretKey"] for d in es["spec"]["data"]}
                synced[target["name"]] = keys
            for w in objs:
                if w["kind"] not in ("Deployment", "Job", "CronJob"):
                    continue
                cms, secrets = _referenced(pod_spec(w))
                assert cms <= cm_names, (
                    f"{env}/{w['metadata']['name']} uses missing ConfigMaps {cms - cm_names}"
                )
                for name, key in secrets:
                    assert name in synced, (
                        f"{env}/{w['metadata']['name']}: "
                        f"Secret {name} is neither rendered nor synced"
                    )
                    assert key is None or key in synced[name], (
                        f"{env}: key {key} not synced into {name}"
                    )


def test_existing_secret_replaces_the_external_secret():
    objs = render_chart("taskapp-backend", "dev", {"secret.existingSecret": "my-backend-secret"})
    assert not of_kind(objs, "ExternalSecret")
    names = {
        name
        for w in objs
        if w["kind"] in ("Deployment", "Job", "CronJob")
        for name, _ in _referenced(pod_spec(w))[1]
    }
    assert names == {"my-backend-secret"}


def test_image_tags_are_pinned_and_never_latest(rendered):
    for env, _chart, w in workloads(rendered):
        for c in containers(pod_spec(w)):
            image = c["image"]
            assert not image.endswith(":latest"), image
            assert ":" in image.rsplit("/", 1)[-1], image
            if "/taskapp-" in image:
                assert OUR_IMAGE.match(image), f"{env}: {image} is not <ecr>/taskapp-*:<sha|vX.Y.Z>"
            else:
                assert PINNED_THIRD_PARTY.match(image), (
                    f"{env}: third-party image {image} not pinned to a version"
                )


def test_backend_runs_the_image_entrypoint_with_serve_and_the_job_with_migrate(rendered):
    objs = rendered["dev"]["taskapp-backend"]
    api = pod_spec(one(objs, "Deployment", "taskapp-backend"))["containers"][0]
    assert api["args"][0] == "serve"
    assert "command" not in api
    assert {p["containerPort"] for p in api["ports"]} == {8000}
    job = pod_spec(one(objs, "Job"))["containers"][0]
    assert job["args"] == ["migrate"]
    assert "command" not in job


def test_backend_service_account_is_the_irsa_one(rendered):
    for env in ENVS:
        objs = rendered[env]["taskapp-backend"]
        sa = one(objs, "ServiceAccount", "taskapp-backend")
        assert sa["metadata"]["namespace"] == f"taskapp-{env}"
        assert re.match(
            rf"^arn:aws:iam::\d{{12}}:role/.*{env}.*$",
            sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
        )
        assert sa["automountServiceAccountToken"] is False
        assert (
            pod_spec(one(objs, "Deployment", "taskapp-backend"))["serviceAccountName"]
            == "taskapp-backend"
        )
        # the backup writes to S3 through its own role, not the API's
        backup = pod_spec(one(objs, "CronJob"))["serviceAccountName"]
        assert backup == "taskapp-backend-backup"
        roles = {
            s["metadata"]["name"]: s["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
            for s in of_kind(objs, "ServiceAccount")
        }
        facts = estate.cluster_secret(env)["metadata"]["annotations"]
        assert roles == {
            "taskapp-backend": facts["irsa_backend_role_arn"],
            "taskapp-backend-backup": facts["irsa_backup_role_arn"],
        }


def test_configmap_holds_only_non_secret_settings(rendered):
    for env in ENVS:
        cm = one(rendered[env]["taskapp-backend"], "ConfigMap")
        assert cm["data"]["TASKAPP_ENV"] == "production"
        for key in cm["data"]:
            assert not re.search(r"SECRET|PASSWORD|DATABASE_URL|REDIS_URL|TOKEN$", key), key


def test_every_object_carries_the_standard_labels(rendered):
    required = {
        "app.kubernetes.io/name",
        "app.kubernetes.io/instance",
        "app.kubernetes.io/version",
        "app.kubernetes.io/component",
        "app.kubernetes.io/part-of",
        "app.kubernetes.io/managed-by",
        "helm.sh/chart",
    }
    for env in ENVS:
        for chart in CHARTS:
            for o in rendered[env][chart]:
                missing = required - set(o["metadata"].get("labels", {}))
                assert not missing, f"{env}/{o['kind']}/{o['metadata']['name']} lacks {missing}"
                if o["kind"] != "ClusterIssuer":
                    assert o["metadata"]["namespace"] == (
                        "monitoring" if chart == "taskapp-monitoring" else f"taskapp-{env}"
                    )
