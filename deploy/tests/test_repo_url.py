"""One source for the Git repository Argo CD syncs from (issue 15, point 6).

Terraform's shared `github_repository` is the one operator input: shared's `repo_url` output
reaches the cluster Secret as the fact `repo_url` (scripts/gitops-bridge.py --repo-url), the env
ApplicationSet reads it from there, and the bootstrap AppProject's sourceRepos is filled in by
scripts/gitops-bridge.py --bootstrap. Nothing under deploy/gitops may type a repository URL.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import estate
import pytest
import yaml
from conftest import run_bridge

ROOT = Path(__file__).resolve().parent.parent.parent
GITOPS = ROOT / "deploy" / "gitops"
FACT = '{{ index .metadata.annotations "repo_url" }}'
# A Git repository URL: a forge host, an ssh remote, or any URL ending in .git. The Helm chart
# repositories of apps/values.yaml `addons` are not Git repositories and match none of these;
# nor does the bare suffix ".git" a template trims off the fact.
GIT_URL = re.compile(
    r"(https?://|git@)(github\.com|gitlab\.com|bitbucket\.org)\S*|[\w@:/.~-]*\w\.git\b"
)


def test_no_file_under_deploy_gitops_types_a_repository_url() -> None:
    typed = [
        f"{path.relative_to(ROOT)}:{n}: {m[0]}"
        for path in sorted(GITOPS.rglob("*"))
        if path.is_file()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if (m := GIT_URL.search(line))
    ]
    assert not typed, "repository URLs typed by hand (use the repo_url fact):\n" + "\n".join(typed)


@pytest.mark.parametrize("env", ["dev", "staging", "prod", "local"])
def test_bootstrap_names_the_repository_only_through_the_fact(env: str) -> None:
    docs = [
        d for d in yaml.safe_load_all((GITOPS / f"bootstrap/taskapp-{env}.yaml").read_text()) if d
    ]
    project = next(d for d in docs if d["kind"] == "AppProject")
    appset = next(d for d in docs if d["kind"] == "ApplicationSet")
    source = appset["spec"]["template"]["spec"]["source"]
    assert project["spec"]["sourceRepos"] == [FACT]
    assert source["repoURL"] == FACT
    assert source["helm"]["valuesObject"]["cluster"]["repoURL"] == FACT


def _shared_repo_url(github_repository: str) -> str:
    """Shared's repo_url output for `github_repository`, computed by Terraform itself from the
    expression in deploy/terraform/shared/outputs.tf (terraform console, no provider needed)."""
    outputs = (ROOT / "deploy/terraform/shared/outputs.tf").read_text()
    block = re.search(r'output "repo_url" \{.*?\n  value\s*=\s*(.+?)\n', outputs, re.S)
    assert block, "deploy/terraform/shared/outputs.tf must have a repo_url output"
    expr = block[1].replace("var.github_repository", json.dumps(github_repository))
    tf = shutil.which("terraform")
    assert tf, "terraform CLI not found on PATH: install Terraform >= 1.11 (scripts/terraform.sh)"
    with tempfile.TemporaryDirectory() as empty:  # no configuration: the expression alone
        out = subprocess.run(
            [tf, "console"], input=expr, capture_output=True, text=True, check=True, cwd=empty
        )
    return str(json.loads(out.stdout))


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_a_changed_github_repository_reaches_the_apps_chart_and_the_bootstrap(env: str) -> None:
    url = _shared_repo_url("acme-platform/taskapp-fork")
    assert url == "https://github.com/acme-platform/taskapp-fork.git"

    secret = json.loads(run_bridge(env, url))
    assert secret["metadata"]["annotations"]["repo_url"] == url
    built = estate.build(env, secret=secret)
    assert not built.problems, built.problems
    children = [s for app in built.applications() for s in estate.sources(app) if s.get("path")]
    assert children
    assert {s["repoURL"] for s in children} == {url}

    docs: list[Any] = [d for d in yaml.safe_load_all(run_bridge(env, url, "--bootstrap")) if d]
    project = next(d for d in docs if d["kind"] == "AppProject")
    assert project["spec"]["sourceRepos"] == [url]
    root = estate.root_applications(env, secret)
    assert [r["spec"]["source"]["repoURL"] for r in root] == [url]


def test_the_app_of_apps_refuses_to_render_without_the_repository() -> None:
    """A cluster Secret without repo_url (a bridge run without --repo-url, an old Secret) stops
    the root's render instead of sending every child to an empty repository."""
    secret = estate.cluster_secret("dev")
    secret["metadata"]["annotations"]["repo_url"] = ""
    with pytest.raises(estate.RenderError, match="repoURL"):
        estate.build("dev", secret=secret)


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_alert_runbook_links_open_the_runbooks_of_the_synced_repository(env: str) -> None:
    """An alert's runbook link (Slack, PagerDuty, Alertmanager's UI) points into the repository
    and revision Argo CD deploys, at a runbook that exists, not at the upstream project."""
    url = _shared_repo_url("acme-platform/taskapp-fork")
    built = estate.build(env, secret=json.loads(run_bridge(env, url)))
    assert not built.problems, built.problems
    links = [
        rule["annotations"]["runbook_url"]
        for objs in built.rendered.values()
        for o in objs
        if o["kind"] == "PrometheusRule"
        for group in o["spec"]["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]
    assert links, "no alert rendered"
    base = "https://github.com/acme-platform/taskapp-fork/blob/main/docs/runbooks/"
    wrong = [link for link in links if not link.startswith(base)]
    assert not wrong, f"runbook links outside {base}: {wrong}"
    missing = [link for link in links if not (ROOT / "docs/runbooks" / link[len(base) :]).is_file()]
    assert not missing, f"runbook links to no file under docs/runbooks: {missing}"
