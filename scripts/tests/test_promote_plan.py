"""scripts/promote-plan.sh (the promote.yml steps) on fixture values files."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "promote-plan.sh"
DEV, STAGING = "d" * 40, "5" * 40


def write(root: Path, env: str, component: str, tag: str) -> None:
    folder = root / "deploy/gitops/envs" / env
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"taskapp-{component}.yaml").write_text(
        f'# {env}\nimage:\n  repository: r/taskapp-{component}\n  tag: "{tag}"\n'
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for component in ("backend", "frontend"):
        write(tmp_path, "dev", component, DEV)
        write(tmp_path, "staging", component, STAGING)
        write(tmp_path, "prod", component, "v1.0.0")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    return tmp_path


def plan(root: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    output = root / "github_output"
    output.write_text("")
    result = subprocess.run(
        ["bash", str(SCRIPT)],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "GITOPS_ROOT": str(root),
            "GITHUB_OUTPUT": str(output),
            "RUNNER_TEMP": str(root),
            **env,
        },
        check=False,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    summary = (root / "plan.md").read_text() if (root / "plan.md").exists() else ""
    return result, outputs, summary


def tag_of(root: Path, env: str, component: str) -> str:
    text = (root / "deploy/gitops/envs" / env / f"taskapp-{component}.yaml").read_text()
    return text.split('tag: "')[1].split('"')[0]


def test_plan_of_a_promotion_writes_nothing_and_reports_the_diff(root: Path) -> None:
    result, out, summary = plan(root, ACTION="promote", TARGET="staging")
    assert result.returncode == 0, result.stderr
    assert out == {
        "env": "staging",
        "backend_tag": DEV,
        "frontend_tag": DEV,
        "changed": "true",
        "message": (
            f"promote(staging): taskapp-backend {DEV[:12]}, taskapp-frontend {DEV[:12]} from dev"
        ),
    }
    assert tag_of(root, "staging", "backend") == STAGING
    assert f'+  tag: "{DEV}"' in summary
    assert "```diff" in summary


def test_apply_of_a_promotion_to_production_changes_prod(root: Path) -> None:
    result, out, _ = plan(root, ACTION="promote", TARGET="production", PLAN_MODE="apply")
    assert result.returncode == 0, result.stderr
    assert out["env"] == "prod"
    assert out["changed"] == "true"
    assert tag_of(root, "prod", "backend") == tag_of(root, "prod", "frontend") == STAGING


def test_a_promotion_with_nothing_to_do(root: Path) -> None:
    plan(root, ACTION="promote", TARGET="staging", PLAN_MODE="apply")
    result, out, summary = plan(root, ACTION="promote", TARGET="staging")
    assert result.returncode == 0
    assert out["changed"] == "false"
    assert "Nothing to change" in summary


def test_one_component_keeps_the_others_tag_in_the_report(root: Path) -> None:
    result, out, _ = plan(
        root, ACTION="promote", TARGET="staging", COMPONENT="frontend", PLAN_MODE="apply"
    )
    assert result.returncode == 0, result.stderr
    assert (out["backend_tag"], out["frontend_tag"]) == (STAGING, DEV)
    assert (tag_of(root, "staging", "backend"), tag_of(root, "staging", "frontend")) == (
        STAGING,
        DEV,
    )


def test_rollback_needs_a_tag_the_env_ran(root: Path) -> None:
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "s"],
        check=True,
    )
    result, out, _ = plan(root, ACTION="rollback", TARGET="production", TAG="v1.0.0")
    assert result.returncode == 0
    assert out["changed"] == "false"
    result, _, _ = plan(root, ACTION="rollback", TARGET="production", TAG=DEV)
    assert result.returncode == 2
    assert "never deployed to prod" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ACTION": "rollback", "TARGET": "production"}, "rollback needs 'tag'"),
        ({"ACTION": "promote", "TARGET": "staging", "TAG": DEV}, "leave 'tag' empty"),
        ({"ACTION": "promote", "TARGET": "dev"}, "unknown target 'dev'"),
        ({"ACTION": "deploy", "TARGET": "staging"}, "unknown action 'deploy'"),
        ({"ACTION": "rollback", "TARGET": "staging", "TAG": "latest"}, "malformed image tag"),
    ],
)
def test_bad_inputs_are_refused(root: Path, env: dict[str, str], message: str) -> None:
    result, out, _ = plan(root, **env)
    assert result.returncode == 2
    assert message in result.stderr
    assert out == {}
