"""scripts/gitops-commit.sh against a real bare remote: bot commit, no-op, stray files, races."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "gitops-commit.sh"
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "dev",
    "GIT_AUTHOR_EMAIL": "dev@example.test",
    "GIT_COMMITTER_NAME": "dev",
    "GIT_COMMITTER_EMAIL": "dev@example.test",
    "GITOPS_RETRY_DELAY": "0",
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=ENV
    ).stdout.strip()


def commit_script(cwd: Path, message: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), message],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )


def set_tag(clone: Path, env: str, tag: str) -> None:
    path = clone / "deploy/gitops/envs" / env / "taskapp-backend.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'image:\n  repository: r/taskapp-backend\n  tag: "{tag}"  # comment\n')


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(bare), str(seed))
    for env in ("dev", "staging"):
        set_tag(seed, env, "v1.0.0")
    (seed / "README.md").write_text("taskapp\n")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "seed")
    git(seed, "push", "-q", "origin", "HEAD:main")
    return bare


def clone(remote: Path, name: str) -> Path:
    path = remote.parent / name
    git(remote.parent, "clone", "-q", str(remote), str(path))
    return path


def test_commits_as_the_bot_and_pushes(remote: Path) -> None:
    work = clone(remote, "a")
    set_tag(work, "dev", "v1.1.0")
    result = commit_script(work, "deploy(dev): v1.1.0 [skip ci]")
    assert result.returncode == 0, result.stderr
    assert "pushed to origin/main" in result.stdout
    log = git(remote, "log", "-1", "--format=%an <%ae>|%cn|%s", "main")
    assert log == (
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
        "|github-actions[bot]|deploy(dev): v1.1.0 [skip ci]"
    )
    assert (
        git(remote, "show", "--name-only", "--format=", "main")
        == "deploy/gitops/envs/dev/taskapp-backend.yaml"
    )


def test_nothing_changed_is_a_no_op(remote: Path) -> None:
    work = clone(remote, "a")
    before = git(remote, "rev-parse", "main")
    result = commit_script(work, "deploy(dev): nothing")
    assert (result.returncode, result.stdout.strip()) == (0, "gitops-commit: nothing to commit")
    assert git(remote, "rev-parse", "main") == before


def test_refuses_changes_outside_the_gitops_envs(remote: Path) -> None:
    work = clone(remote, "a")
    set_tag(work, "dev", "v1.1.0")
    (work / "README.md").write_text("edited\n")
    (work / "new.txt").write_text("stray\n")
    result = commit_script(work, "deploy(dev): v1.1.0")
    assert result.returncode == 1
    assert "README.md" in result.stderr
    assert "new.txt" in result.stderr
    assert git(remote, "log", "-1", "--format=%s", "main") == "seed"


def test_rebases_when_main_moved_meanwhile(remote: Path) -> None:
    bot, person = clone(remote, "bot"), clone(remote, "person")
    (person / "README.md").write_text("a merge landed meanwhile\n")
    git(person, "commit", "-q", "-am", "feature merged")
    git(person, "push", "-q", "origin", "HEAD:main")
    set_tag(bot, "staging", "v1.2.0")
    result = commit_script(bot, "promote(staging): v1.2.0 [skip ci]")
    assert result.returncode == 0, result.stderr
    assert "push rejected (attempt 1/5)" in result.stderr
    assert git(remote, "log", "--format=%s", "main").splitlines() == [
        "promote(staging): v1.2.0 [skip ci]",
        "feature merged",
        "seed",
    ]


def test_a_conflicting_values_change_stops_the_push(remote: Path) -> None:
    bot, person = clone(remote, "bot"), clone(remote, "person")
    set_tag(person, "dev", "v9.9.9")
    git(person, "commit", "-q", "-am", "someone rolled dev")
    git(person, "push", "-q", "origin", "HEAD:main")
    set_tag(bot, "dev", "v1.1.0")
    result = commit_script(bot, "deploy(dev): v1.1.0")
    assert result.returncode == 1
    assert "conflict with origin/main" in result.stderr
    assert git(remote, "log", "-1", "--format=%s", "main") == "someone rolled dev"
