"""The background worker (issue 19): its own Deployment of the backend chart, with the API's image,
settings and secrets, probes on its metrics port, an HPA and a PDB of its own, a NetworkPolicy,
a ServiceMonitor in taskapp-monitoring, and on in every environment of the GitOps tree.

The worker's contract (the backend implements it): `taskapp worker`, metrics and /healthz on
TASKAPP_WORKER_METRICS_PORT (9102); the API replicas run no in-process loop when it is deployed
(TASKAPP_WORKER_IN_PROCESS=false)."""

from __future__ import annotations

import estate
import pytest
from conftest import ENVS, labels_match, of_kind, one, pod_spec, pod_template, render_chart
from netpol import backend_egress, paths, pods_by_component
from test_smtp import SMTP

API = "taskapp-backend"
WORKER = "taskapp-backend-worker"
# Only what tells the two processes apart: the API's switch, the worker's own port.
API_ONLY = {"TASKAPP_WORKER_IN_PROCESS"}
WORKER_ONLY = {"TASKAPP_WORKER_METRICS_PORT", "TASKAPP_WORKER_METRICS_HOST"}


def _container(objs, name):
    (c,) = pod_spec(one(objs, "Deployment", name))["containers"]
    return c


def _env(c):
    return {e["name"]: e for e in c.get("env", [])}


def test_every_env_runs_the_worker_from_the_api_image_with_the_worker_command(rendered):
    for env in ENVS:
        objs = rendered[env]["taskapp-backend"]
        api, worker = _container(objs, API), _container(objs, WORKER)
        assert worker["image"] == api["image"]
        assert worker["imagePullPolicy"] == api["imagePullPolicy"]
        # The image's ENTRYPOINT is `taskapp` (backend/Dockerfile), as for `serve`.
        assert "command" not in worker
        assert worker["args"] == ["worker"]
        assert worker["securityContext"] == api["securityContext"]
        api_pod, worker_pod = (
            pod_spec(one(objs, "Deployment", API)),
            pod_spec(one(objs, "Deployment", WORKER)),
        )
        for key in ("securityContext", "serviceAccountName", "automountServiceAccountToken"):
            assert worker_pod[key] == api_pod[key], key


@pytest.mark.parametrize("env", ENVS)
def test_worker_and_api_read_the_same_settings_and_secrets(env):
    """Mail settings and credentials included: the worker sends the reminders."""
    objs = render_chart("taskapp-backend", env, SMTP)
    api, worker = _container(objs, API), _container(objs, WORKER)
    assert worker["envFrom"] == api["envFrom"]
    api_env, worker_env = _env(api), _env(worker)
    assert set(api_env) - API_ONLY == set(worker_env) - WORKER_ONLY
    for name in set(api_env) - API_ONLY:
        assert worker_env[name] == api_env[name], name
    assert {"TASKAPP_SMTP_USERNAME", "TASKAPP_SMTP_PASSWORD", "TASKAPP_DATABASE_URL"} <= set(
        worker_env
    )
    # Both roll when the Secret or the ConfigMap changes.
    api_d, worker_d = one(objs, "Deployment", API), one(objs, "Deployment", WORKER)
    reload = "secret.reloader.stakater.com/reload"
    assert worker_d["metadata"]["annotations"][reload] == api_d["metadata"]["annotations"][reload]
    checksum = "checksum/config"
    assert (
        pod_template(worker_d)["metadata"]["annotations"][checksum]
        == pod_template(api_d)["metadata"]["annotations"][checksum]
    )


def test_the_api_gives_up_its_in_process_loop_exactly_when_the_worker_is_deployed():
    on = render_chart("taskapp-backend", "dev")
    assert _env(_container(on, API))["TASKAPP_WORKER_IN_PROCESS"] == {
        "name": "TASKAPP_WORKER_IN_PROCESS",
        "value": "false",
    }
    assert "TASKAPP_WORKER_IN_PROCESS" not in one(on, "ConfigMap")["data"]
    off = render_chart("taskapp-backend", "dev", {"worker.enabled": "false"})
    assert "TASKAPP_WORKER_IN_PROCESS" not in _env(_container(off, API))
    worker_objs = [
        f"{o['kind']}/{o['metadata']['name']}"
        for o in off
        if o["metadata"]["labels"].get("app.kubernetes.io/component") == "worker"
        or "worker" in o["metadata"]["name"]
    ]
    assert worker_objs == []


def test_worker_probes_ask_healthz_on_the_port_it_serves_metrics_on(rendered):
    for env in ENVS:
        worker = _container(rendered[env]["taskapp-backend"], WORKER)
        ports = {p["name"]: p["containerPort"] for p in worker["ports"]}
        served = int(_env(worker)["TASKAPP_WORKER_METRICS_PORT"]["value"])
        assert served == 9102
        # The backend binds loopback unless told: the kubelet and Prometheus come from outside.
        assert _env(worker)["TASKAPP_WORKER_METRICS_HOST"]["value"] == "0.0.0.0"  # noqa: S104 - the value under test
        assert ports == {"metrics": served}
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            get = worker[probe]["httpGet"]
            assert get["path"] == "/healthz", probe
            assert ports.get(get["port"], get["port"]) == served, probe


@pytest.mark.parametrize("env", ENVS)
def test_hpa_pdb_and_services_of_api_and_worker_select_only_their_own_pods(rendered, env):
    objs = rendered[env]["taskapp-backend"]
    api_labels = pod_template(one(objs, "Deployment", API))["metadata"]["labels"]
    worker_labels = pod_template(one(objs, "Deployment", WORKER))["metadata"]["labels"]

    hpa = one(objs, "HorizontalPodAutoscaler", WORKER)["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": WORKER}
    assert [m["resource"]["name"] for m in hpa["metrics"]] == ["cpu"]
    assert 1 <= hpa["minReplicas"] <= hpa["maxReplicas"]
    assert "replicas" not in one(objs, "Deployment", WORKER)["spec"]
    assert one(objs, "HorizontalPodAutoscaler", API)["spec"]["scaleTargetRef"]["name"] == API

    for name, own, other in ((WORKER, worker_labels, api_labels), (API, api_labels, worker_labels)):
        sel = one(objs, "PodDisruptionBudget", name)["spec"]["selector"]["matchLabels"]
        assert labels_match(sel, own), name
        assert not labels_match(sel, other), name
    for svc in of_kind(objs, "Service"):
        sel = svc["spec"]["selector"]
        assert labels_match(sel, api_labels) != labels_match(sel, worker_labels), svc


@pytest.mark.parametrize("env", ENVS)
def test_worker_paths_are_prometheus_in_and_dns_db_redis_smtp_s3_out(rendered, env):
    objs = rendered[env]["taskapp-backend"]
    labels, ports = pods_by_component(objs)["worker"]
    pols = of_kind(objs, "NetworkPolicy")
    prom = ("ns=monitoring,pods=app.kubernetes.io/name=prometheus", "9102/TCP")
    assert paths(pols, labels, "Ingress", ports) == {prom}
    # 443 out: S3 and STS, for the attachments bucket's purge (the API's own paths do the same).
    assert paths(pols, labels, "Egress", ports) == backend_egress(env)


@pytest.mark.parametrize("env", ENVS)
def test_prometheus_scrapes_the_worker_as_its_own_job(rendered, env):
    """taskapp-monitoring's worker ServiceMonitor finds the worker's metrics Service and port; the
    API's ServiceMonitor does not (or a dead API would hide behind live workers in
    TaskappBackendDown's up{job="taskapp-backend"})."""
    backend, monitoring = rendered[env]["taskapp-backend"], rendered[env]["taskapp-monitoring"]
    sm = one(monitoring, "ServiceMonitor", "taskapp-monitoring-worker")
    api_sm = one(monitoring, "ServiceMonitor", "taskapp-monitoring-backend")
    worker_labels = pod_template(one(backend, "Deployment", WORKER))["metadata"]["labels"]

    def selected(monitor):
        return [
            s
            for s in of_kind(backend, "Service")
            if s["metadata"]["namespace"] in monitor["spec"]["namespaceSelector"]["matchNames"]
            and labels_match(monitor["spec"]["selector"]["matchLabels"], s["metadata"]["labels"])
        ]

    (svc,) = selected(sm)
    assert labels_match(svc["spec"]["selector"], worker_labels)
    assert not [s for s in selected(api_sm) if labels_match(s["spec"]["selector"], worker_labels)]
    (ep,) = sm["spec"]["endpoints"]
    (port,) = [p for p in svc["spec"]["ports"] if p["name"] == ep["port"]]
    assert port["targetPort"] == "metrics"
    assert ep["path"] == "/metrics"
    # The rules read the job's name as exported_job: the target's job label must win.
    assert ep["honorLabels"] is False
    assert {"action": "replace", "targetLabel": "job", "replacement": "taskapp-worker"} in ep[
        "relabelings"
    ]
    assert sm["metadata"]["labels"]["release"] == api_sm["metadata"]["labels"]["release"]


@pytest.mark.parametrize("env", estate.ALL_ENVS)
def test_the_gitops_tree_deploys_the_worker_in_every_environment(env):
    """As Argo CD renders it (root -> app-of-apps -> the env's values and facts)."""
    built = estate.build(env)
    assert not built.problems, built.problems
    objs = built.rendered[f"taskapp-backend-{env}"]
    worker = one(objs, "Deployment", WORKER)
    assert _container(objs, API)["image"] == _container(objs, WORKER)["image"]
    assert _env(_container(objs, API))["TASKAPP_WORKER_IN_PROCESS"]["value"] == "false"
    if env == "local":
        assert worker["spec"]["replicas"] == 1
        return
    assert one(objs, "HorizontalPodAutoscaler", WORKER)["spec"]["minReplicas"] >= 1
    assert one(objs, "PodDisruptionBudget", WORKER)
    # Scraped where it runs (or TaskappWorkerDown pages from absent() for a worker never deployed).
    one(built.rendered[f"taskapp-monitoring-{env}"], "ServiceMonitor", "taskapp-monitoring-worker")
