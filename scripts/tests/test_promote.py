"""Unit tests of scripts/promote.py on their own fixture values files (temporary repositories)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import promote

SCRIPT = Path(__file__).resolve().parent.parent / "promote.py"
SHA_A = "a" * 40
SHA_B = "0123456789abcdef0123456789abcdef01234567"
SHA_DIGITS = "1234567890" * 4  # would be an int if it lost its quotes

BACKEND = """\
# Helm values for taskapp-backend in {env}. Written by hand, bumped by scripts/promote.py.
replicaCount: 2   # two pods minimum

image:
    # The CD pipeline writes the tag below; never edit it by hand in prod.
    repository: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/taskapp-backend
    tag: "{tag}"  # deployed by cd.yml
    pullPolicy: IfNotPresent

env:
  - name: TASKAPP_ENV
    value: production
resources: {{requests: {{cpu: 100m, memory: 256Mi}}}}
"""

FRONTEND = """\
image:
  repository: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/taskapp-frontend
  tag: '{tag}'
# trailing comment survives
"""


def write_env(root: Path, env: str, backend: str, frontend: str) -> None:
    folder = root / "deploy/gitops/envs" / env
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "taskapp-backend.yaml").write_text(BACKEND.format(env=env, tag=backend))
    (folder / "taskapp-frontend.yaml").write_text(FRONTEND.format(tag=frontend))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write_env(tmp_path, "dev", SHA_B, SHA_B)
    write_env(tmp_path, "staging", SHA_A, SHA_A)
    write_env(tmp_path, "prod", "v1.0.0", "v1.0.0")
    return tmp_path


def run(root: Path, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = promote.main(["--root", str(root), *argv], out=out)
    return code, out.getvalue()


def read(root: Path, env: str, component: str) -> str:
    return (root / "deploy/gitops/envs" / env / f"taskapp-{component}.yaml").read_text()


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted((root / "deploy").rglob("*.yaml"))}


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.test",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.test",
    }
    return subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env
    ).stdout.strip()


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD")


# ---------------------------------------------------------------------------------------------
# set-tag


def test_set_tag_rewrites_only_the_tag_line_of_both_files(repo: Path) -> None:
    before_b, before_f = read(repo, "dev", "backend"), read(repo, "dev", "frontend")
    code, out = run(repo, "set-tag", "--env", "dev", "--tag", SHA_A)
    assert code == 0
    assert read(repo, "dev", "backend") == before_b.replace(f'tag: "{SHA_B}"', f'tag: "{SHA_A}"')
    assert read(repo, "dev", "frontend") == before_f.replace(f"tag: '{SHA_B}'", f'tag: "{SHA_A}"')
    # the unified diff names both files and shows exactly one removed and one added line each
    assert "--- a/deploy/gitops/envs/dev/taskapp-backend.yaml" in out
    assert "+++ b/deploy/gitops/envs/dev/taskapp-frontend.yaml" in out
    assert f'-    tag: "{SHA_B}"  # deployed by cd.yml' in out
    assert f'+    tag: "{SHA_A}"  # deployed by cd.yml' in out
    removed = [
        line for line in out.splitlines() if line.startswith("-") and not line.startswith("---")
    ]
    added = [
        line for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")
    ]
    assert len(removed) == len(added) == 2


def test_set_tag_leaves_other_environments_alone(repo: Path) -> None:
    before = snapshot(repo)
    run(repo, "set-tag", "--env", "dev", "--tag", SHA_A)
    after = snapshot(repo)
    changed = sorted(Path(p).relative_to(repo).as_posix() for p in before if before[p] != after[p])
    assert changed == [
        "deploy/gitops/envs/dev/taskapp-backend.yaml",
        "deploy/gitops/envs/dev/taskapp-frontend.yaml",
    ]


def test_set_tag_twice_is_a_no_op_that_says_nothing_changed(repo: Path) -> None:
    run(repo, "set-tag", "--env", "dev", "--tag", SHA_A)
    before = snapshot(repo)
    code, out = run(repo, "set-tag", "--env", "dev", "--tag", SHA_A)
    assert (code, out) == (0, "nothing changed\n")
    assert snapshot(repo) == before


def test_set_tag_of_one_component(repo: Path) -> None:
    code, _ = run(repo, "set-tag", "--env", "dev", "--tag", SHA_A, "--component", "frontend")
    assert code == 0
    assert f'"{SHA_A}"' in read(repo, "dev", "frontend")
    assert f'"{SHA_B}"' in read(repo, "dev", "backend")


def test_a_sha_of_only_digits_stays_a_quoted_string(repo: Path) -> None:
    run(repo, "set-tag", "--env", "dev", "--tag", SHA_DIGITS)
    assert f'tag: "{SHA_DIGITS}"' in read(repo, "dev", "backend")
    _, out = run(repo, "show", "--env", "dev", "--format", "json")
    assert f'"backend": "{SHA_DIGITS}"' in out


def test_release_tags_are_accepted(repo: Path) -> None:
    code, _ = run(repo, "set-tag", "--env", "prod", "--tag", "v1.10.0")
    assert code == 0
    assert 'tag: "v1.10.0"' in read(repo, "prod", "backend")


def test_dry_run_prints_the_diff_and_writes_nothing(repo: Path) -> None:
    before = snapshot(repo)
    code, out = run(repo, "set-tag", "--env", "dev", "--tag", SHA_A, "--dry-run")
    assert code == 0
    assert f'+    tag: "{SHA_A}"' in out
    assert "dry run" in out
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    "line",
    [
        "  tag: plainvalue\n",
        "  tag: plainvalue   # keep me\n",
        '  tag: "quoted" # keep me\n',
        "  tag: 'single''quoted'\n",
    ],
)
def test_every_scalar_style_is_rewritten_in_place(tmp_path: Path, line: str) -> None:
    folder = tmp_path / "deploy/gitops/envs/dev"
    folder.mkdir(parents=True)
    head = "image:\n  repository: r.example/taskapp-backend\n"
    (folder / "taskapp-backend.yaml").write_text(head + line + "extra: 1\n")
    code, _ = run(tmp_path, "set-tag", "--env", "dev", "--tag", SHA_A, "--component", "backend")
    assert code == 0
    text = (folder / "taskapp-backend.yaml").read_text()
    comment = "   # keep me" if "   #" in line else (" # keep me" if "#" in line else "")
    assert text == head + f'  tag: "{SHA_A}"{comment}\n' + "extra: 1\n"


def test_flow_mapping_image_is_rewritten_in_place(tmp_path: Path) -> None:
    folder = tmp_path / "deploy/gitops/envs/dev"
    folder.mkdir(parents=True)
    path = folder / "taskapp-backend.yaml"
    path.write_text(
        "image: {repository: r.example/taskapp-backend, tag: old, pullPolicy: Always}\n"
    )
    assert (
        run(tmp_path, "set-tag", "--env", "dev", "--tag", SHA_A, "--component", "backend")[0] == 0
    )
    assert path.read_text() == (
        f'image: {{repository: r.example/taskapp-backend, tag: "{SHA_A}", pullPolicy: Always}}\n'
    )


# ---------------------------------------------------------------------------------------------
# bad input: refused with exit 2, nothing written


@pytest.mark.parametrize(
    "tag",
    [
        "latest",
        "",
        SHA_A[:7],
        SHA_A.upper(),
        SHA_A + "a",
        SHA_A[:39],
        "g" * 40,
        SHA_A + "\n",
        "1.2.3",
        "v1.2",
        "v01.2.3",
        "v1.2.3-rc1",
        'a"; rm -rf /',
    ],
)
def test_malformed_tags_are_refused(
    repo: Path, tag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(repo)
    code, out = run(repo, "set-tag", "--env", "dev", "--tag", tag)
    assert code == 2
    assert out == ""
    assert "malformed image tag" in capsys.readouterr().err
    assert snapshot(repo) == before


def test_short_sha_gets_a_hint(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(repo, "set-tag", "--env", "dev", "--tag", SHA_B[:12])
    assert "full 40-character" in capsys.readouterr().err


@pytest.mark.parametrize("env", ["production", "qa", "Dev", "", "../dev"])
def test_unknown_environments_are_refused(
    repo: Path, env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(repo)
    assert run(repo, "set-tag", "--env", env, "--tag", SHA_A)[0] == 2
    assert "unknown environment" in capsys.readouterr().err
    assert run(repo, "promote", "--from", "dev", "--to", env)[0] == 2
    assert run(repo, "rollback", "--env", env, "--tag", SHA_A, "--force")[0] == 2
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("image: [1, 2\n", "not valid YAML"),
        ("replicaCount: 1\n", "expected a mapping `image:`"),
        ("image:\n  repository: r/taskapp-backend\n", "expected a mapping `image:`"),
        (
            "image:\n  repository: r/taskapp-frontend\n  tag: x\n",
            "not the taskapp-backend repository",
        ),
        ("- just\n- a list\n", "expected a mapping `image:`"),
    ],
)
def test_malformed_values_files_are_refused(
    repo: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / "deploy/gitops/envs/dev/taskapp-backend.yaml"
    path.write_text(content)
    before = snapshot(repo)
    assert run(repo, "set-tag", "--env", "dev", "--tag", SHA_A)[0] == 2
    assert message in capsys.readouterr().err
    # all-or-nothing: the valid frontend file was not touched either
    assert snapshot(repo) == before


def test_missing_values_file_is_refused(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "deploy/gitops/envs/staging/taskapp-frontend.yaml").unlink()
    assert run(repo, "promote", "--from", "dev", "--to", "staging")[0] == 2
    assert "no such values file" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# promote


def test_promote_copies_each_components_tag_to_the_next_env(repo: Path) -> None:
    run(repo, "set-tag", "--env", "dev", "--tag", SHA_DIGITS, "--component", "frontend")
    staging_before = read(repo, "staging", "backend")
    code, out = run(repo, "promote", "--from", "dev", "--to", "staging")
    assert code == 0
    assert read(repo, "staging", "backend") == staging_before.replace(SHA_A, SHA_B)
    assert f'tag: "{SHA_DIGITS}"' in read(repo, "staging", "frontend")
    assert "envs/staging/taskapp-backend.yaml" in out
    assert "envs/dev/" not in out
    assert run(repo, "promote", "--from", "dev", "--to", "staging") == (0, "nothing changed\n")


def test_promote_staging_to_prod_replaces_release_tags(repo: Path) -> None:
    assert run(repo, "promote", "--from", "staging", "--to", "prod")[0] == 0
    assert f'tag: "{SHA_A}"' in read(repo, "prod", "backend")


@pytest.mark.parametrize(
    ("src", "dst"), [("dev", "prod"), ("staging", "dev"), ("prod", "prod"), ("dev", "dev")]
)
def test_promote_goes_one_step_forward_only(
    repo: Path, src: str, dst: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(repo)
    assert run(repo, "promote", "--from", src, "--to", dst)[0] == 2
    assert "one step at a time" in capsys.readouterr().err
    assert snapshot(repo) == before


def test_promote_refuses_a_malformed_source_tag(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / "deploy/gitops/envs/dev/taskapp-backend.yaml"
    path.write_text(path.read_text().replace(SHA_B, "latest"))
    before = snapshot(repo)
    assert run(repo, "promote", "--from", "dev", "--to", "staging")[0] == 2
    assert "malformed image tag 'latest'" in capsys.readouterr().err
    assert snapshot(repo) == before


# ---------------------------------------------------------------------------------------------
# rollback (checks the values file's git history)


@pytest.fixture
def history(repo: Path) -> Path:
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "initial: prod at v1.0.0")
    run(repo, "set-tag", "--env", "prod", "--tag", "v1.1.0")
    commit_all(repo, "prod v1.1.0")
    run(repo, "set-tag", "--env", "prod", "--tag", SHA_A)
    commit_all(repo, "prod a")
    return repo


def test_rollback_to_a_tag_the_env_ran_before(history: Path) -> None:
    code, out = run(history, "rollback", "--env", "prod", "--tag", "v1.1.0")
    assert code == 0
    assert f'-    tag: "{SHA_A}"' in out
    assert '+    tag: "v1.1.0"' in out
    assert 'tag: "v1.1.0"' in read(history, "prod", "frontend")
    assert run(history, "rollback", "--env", "prod", "--tag", "v1.1.0") == (0, "nothing changed\n")


def test_rollback_to_a_tag_never_deployed_there_is_refused(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(history)
    # SHA_B runs in dev, but prod never ran it
    assert run(history, "rollback", "--env", "prod", "--tag", SHA_B)[0] == 2
    err = capsys.readouterr().err
    assert "never deployed to prod" in err
    assert SHA_A in err
    assert "v1.1.0" in err
    assert snapshot(history) == before


def test_rollback_force_skips_the_history_check(history: Path) -> None:
    assert run(history, "rollback", "--env", "prod", "--tag", SHA_B, "--force")[0] == 0
    assert f'tag: "{SHA_B}"' in read(history, "prod", "backend")


def test_rollback_outside_a_git_repository_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(repo, "rollback", "--env", "prod", "--tag", "v1.0.0")[0] == 2
    assert "git history" in capsys.readouterr().err


def test_deployed_history_lists_tags_newest_first(history: Path) -> None:
    path = promote.values_path(history, "prod", "backend")
    assert promote.deployed_history(history, path) == [SHA_A, "v1.1.0", "v1.0.0"]


# ---------------------------------------------------------------------------------------------
# set-tag --forward-only (cd.yml: dev never moves to an older commit)


@pytest.fixture
def commits(repo: Path) -> tuple[Path, str, str]:
    git(repo, "init", "-q", "-b", "main")
    old = commit_all(repo, "c1")
    run(repo, "set-tag", "--env", "dev", "--tag", old)
    commit_all(repo, "dev -> c1")
    new = commit_all(repo, "c2")
    return repo, old, new


def test_forward_only_accepts_a_descendant(commits: tuple[Path, str, str]) -> None:
    repo, _, new = commits
    assert run(repo, "set-tag", "--env", "dev", "--tag", new, "--forward-only")[0] == 0
    assert f'"{new}"' in read(repo, "dev", "backend")


def test_forward_only_refuses_an_older_commit(
    commits: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, old, new = commits
    run(repo, "set-tag", "--env", "dev", "--tag", new)
    before = snapshot(repo)
    assert run(repo, "set-tag", "--env", "dev", "--tag", old, "--forward-only")[0] == 2
    assert "backwards or sideways" in capsys.readouterr().err
    assert snapshot(repo) == before


def test_forward_only_refuses_unknown_commits(
    commits: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, _, _ = commits
    assert run(repo, "set-tag", "--env", "dev", "--tag", SHA_A, "--forward-only")[0] == 2
    assert "fetch-depth: 0" in capsys.readouterr().err


def test_forward_only_is_idempotent(commits: tuple[Path, str, str]) -> None:
    repo, old, _ = commits
    assert run(repo, "set-tag", "--env", "dev", "--tag", old, "--forward-only") == (
        0,
        "nothing changed\n",
    )


# ---------------------------------------------------------------------------------------------
# show and the real command line


def test_show_prints_the_tags(repo: Path) -> None:
    assert run(repo, "show", "--env", "staging") == (
        0,
        f"backend_tag={SHA_A}\nfrontend_tag={SHA_A}\n",
    )


def promote_cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """promote.py in a process of its own, so its exit code and streams are the real ones."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *argv], capture_output=True, text=True, check=False
    )


def test_command_line_exit_codes_and_streams(repo: Path) -> None:
    ok = promote_cli("--root", str(repo), "set-tag", "--env", "dev", "--tag", SHA_A)
    assert ok.returncode == 0
    assert ok.stdout.startswith("--- a/deploy/gitops/envs/dev/")
    assert ok.stderr == ""
    bad = promote_cli("--root", str(repo), "set-tag", "--env", "qa", "--tag", SHA_A)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.startswith("promote.py: refused: unknown environment 'qa'")
    usage = promote_cli("set-tag")
    assert usage.returncode == 2
    assert "--env" in usage.stderr
