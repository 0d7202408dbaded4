"""promote.py on a copy of the repository's real GitOps values files (not fixtures)."""

from __future__ import annotations

import difflib
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from test_promote import run

REPO = Path(__file__).resolve().parents[2]
ENVS = REPO / "deploy/gitops/envs"
SHA = "0123456789abcdef0123456789abcdef01234567"


def copy_envs(tmp_path: Path) -> Path:
    shutil.copytree(ENVS, tmp_path / "deploy/gitops/envs")
    return tmp_path


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_every_environment_has_both_image_files() -> None:
    for env in ("dev", "staging", "prod"):
        for chart in ("taskapp-backend", "taskapp-frontend"):
            text = (ENVS / env / f"{chart}.yaml").read_text()
            assert "repository: " in text, (env, chart)
            assert "tag: " in text, (env, chart)


def test_set_tag_then_promote_changes_only_tag_lines_of_the_real_files(tmp_path: Path) -> None:
    root = copy_envs(tmp_path)
    originals = {p: p.read_text() for p in (root / "deploy/gitops/envs").rglob("*.yaml")}
    code, _ = run(root, "set-tag", "--env", "dev", "--tag", SHA)
    assert code == 0
    code, _ = run(root, "promote", "--from", "dev", "--to", "staging")
    assert code == 0
    for path, before in originals.items():
        after = path.read_text()
        env, name = path.parent.name, path.name
        if env in {"dev", "staging"} and name in {"taskapp-backend.yaml", "taskapp-frontend.yaml"}:
            diff = changed_lines(before, after)
            assert len(diff) == 2, (path, diff)
            assert diff[1] == f'+  tag: "{SHA}"', (path, diff)
        else:
            assert after == before, path
    # Idempotent: the same promotion again changes nothing.
    code, output = run(root, "promote", "--from", "dev", "--to", "staging")
    assert code == 0
    assert "nothing changed" in output
