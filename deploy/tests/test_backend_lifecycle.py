"""Migrations before the rollout, and the nightly backup."""

from __future__ import annotations

import estate
import pytest
from conftest import ENVS, of_kind, one, pod_spec, render_chart, try_render_chart

HOOK = "argocd.argoproj.io/hook"


@pytest.mark.parametrize("env", ENVS)
def test_migration_job_runs_before_the_deployment_rolls(rendered, env):
    objs = rendered[env]["taskapp-backend"]
    job = one(objs, "Job")
    ann = job["metadata"]["annotations"]
    # Argo CD: PreSync runs and must succeed before the Sync phase applies the Deployment.
    assert ann[HOOK] == "PreSync"
    assert "BeforeHookCreation" in ann["argocd.argoproj.io/hook-delete-policy"]
    # plain Helm: pre-install/pre-upgrade hooks complete before the release's objects change.
    assert set(ann["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    # ...and nothing the Deployment rolls with is itself a hook.
    for kind in ("Deployment", "ConfigMap", "Service", "ServiceAccount"):
        for o in of_kind(objs, kind):
            assert HOOK not in o["metadata"].get("annotations", {}), f"{kind} must not be a hook"
            assert "helm.sh/hook" not in o["metadata"].get("annotations", {})
    spec = pod_spec(job)
    assert spec["restartPolicy"] == "Never"
    assert job["spec"]["backoffLimit"] <= 3
    assert job["spec"]["activeDeadlineSeconds"] > 0


def test_migration_job_needs_nothing_that_the_sync_phase_creates(rendered):
    """Hooks run before the release's ConfigMap and ServiceAccount exist (first install)."""
    objs = rendered["dev"]["taskapp-backend"]
    job = one(objs, "Job")
    spec = pod_spec(job)
    c = spec["containers"][0]
    assert "envFrom" not in c
    assert spec["serviceAccountName"] == "default"
    env = {e["name"]: e for e in c["env"]}
    cm = one(objs, "ConfigMap")
    # the same non-secret settings as the API, inline
    for k, v in cm["data"].items():
        assert env[k]["value"] == v
    # its Secret comes from an ExternalSecret that is an earlier PreSync hook
    es = one(objs, "ExternalSecret")
    ann = es["metadata"]["annotations"]
    assert ann[HOOK] == "PreSync"
    assert int(ann["argocd.argoproj.io/sync-wave"]) < int(
        job["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
    )
    assert int(ann["helm.sh/hook-weight"]) < int(
        job["metadata"]["annotations"]["helm.sh/hook-weight"]
    )
    # re-creating the hook must not delete the Secret the running pods use
    assert es["spec"]["target"]["creationPolicy"] == "Orphan"
    assert (
        env["TASKAPP_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"]
        == es["spec"]["target"]["name"]
    )


def test_migration_pods_are_never_behind_the_service(rendered):
    objs = rendered["dev"]["taskapp-backend"]
    for svc in of_kind(objs, "Service"):  # the API's and the worker's metrics Service
        for kind in ("Job", "CronJob"):
            labels = (
                one(objs, kind)["spec"].get("template")
                or one(objs, kind)["spec"]["jobTemplate"]["spec"]["template"]
            )["metadata"]["labels"]
            assert not all(labels.get(k) == v for k, v in svc["spec"]["selector"].items())


@pytest.mark.parametrize("env", ENVS)
def test_backup_cronjob_dumps_custom_format_and_uploads_to_the_backup_bucket(rendered, env):
    cj = one(rendered[env]["taskapp-backend"], "CronJob")
    spec = cj["spec"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert len(spec["schedule"].split()) == 5
    pod = pod_spec(cj)
    dump = pod["initContainers"][0]
    script = dump["args"][0]
    assert "pg_dump --format=custom" in script
    assert "pg_restore --list" in script, "the dump is verified before upload"
    assert "postgresql+asyncpg://" in script, "the SQLAlchemy URL is turned into a libpq one"
    assert dump["image"].split("/")[-1].startswith("postgres:")
    major = int(dump["image"].rsplit(":", 1)[1].split(".")[0])
    assert major >= 16, "pg_dump must be at least the server's major version"
    upload = pod["containers"][0]
    env_vars = {e["name"]: e.get("value") for e in upload["env"]}
    facts = estate.cluster_secret(env)["metadata"]["annotations"]
    assert env_vars["BACKUP_BUCKET"] == facts["backup_bucket"]
    assert pod["serviceAccountName"] == "taskapp-backend-backup", "the backup has its own role"
    assert "aws s3 cp" in upload["args"][0]
    assert "--sse" in upload["args"][0]
    mounts = {m["name"]: m for m in upload["volumeMounts"]}
    assert mounts["backup"]["readOnly"] is True


def test_backup_refuses_to_render_without_a_bucket():
    proc = try_render_chart("taskapp-backend", "dev", {"backup.bucket": ""})
    assert proc.returncode != 0
    assert "backup.bucket" in proc.stderr


def test_backup_can_be_turned_off():
    objs = render_chart("taskapp-backend", "dev", {"backup.enabled": "false"})
    assert not of_kind(objs, "CronJob")
    assert not [
        n for n in of_kind(objs, "NetworkPolicy") if n["metadata"]["name"].endswith("-backup")
    ]


@pytest.mark.parametrize("tag", ["latest", "main", "1.2.3", "0123456789abcdef", "V1.2.3"])
def test_chart_refuses_image_tags_outside_the_contract(tag):
    proc = try_render_chart("taskapp-backend", "dev", {"image.tag": tag})
    assert proc.returncode != 0, f"tag {tag} was accepted"


@pytest.mark.parametrize("tag", ["v1.2.3", "0123456789abcdef0123456789abcdef01234567"])
def test_chart_accepts_commit_shas_and_release_tags(tag):
    objs = render_chart("taskapp-backend", "dev", {"image.tag": tag})
    assert pod_spec(one(objs, "Deployment", "taskapp-backend"))["containers"][0]["image"].endswith(
        ":" + tag
    )
