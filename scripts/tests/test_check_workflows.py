"""The workflow rules checker: it must accept a compliant workflow and name each broken rule."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import check_workflows

SHA = "08c6903cd8c0fde910a37f88322edcfb5dd907a8"
GOOD = f"""\
name: ok
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
concurrency:
  group: ${{{{ github.workflow }}}}-${{{{ github.ref }}}}
  cancel-in-progress: true
jobs:
  test:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@{SHA} # v5.0.0
      - name: local
        uses: ./.github/actions/setup
      - uses: docker://alpine@sha256:{"b" * 64}
      - run: make test
  reuse:
    permissions: {{}}
    uses: org/repo/.github/workflows/x.yml@{SHA}  # v1
"""


def test_a_compliant_workflow_passes() -> None:
    assert check_workflows.check_text("w.yml", GOOD) == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (f"checkout@{SHA} # v5.0.0", "checkout@v5", "w.yml:17: actions/checkout@v5 is not pinned"),
        (f"checkout@{SHA} # v5.0.0", f"checkout@{SHA[:12]} # v5", "is not pinned to a full 40-hex"),
        (
            f"checkout@{SHA} # v5.0.0",
            f"checkout@{SHA.upper()} # v5",
            "is not pinned to a full 40-hex",
        ),
        (
            f"checkout@{SHA} # v5.0.0",
            f"checkout@{SHA}",
            "w.yml:17: actions/checkout@" + SHA + " needs a version",
        ),
        (f"checkout@{SHA} # v5.0.0", f"checkout@{SHA} # pinned", "needs a version comment"),
        ("alpine@sha256:", "alpine:3.20#", "must be pinned by digest"),
        (f"x.yml@{SHA}  # v1", "x.yml@main", "x.yml@main is not pinned"),
        (
            "    permissions:\n      contents: read\n    steps",
            "    steps",
            "w.yml:12: job `test` must set",
        ),
        ("    permissions: {}\n", "", "job `reuse` must set its own `permissions`"),
        ("permissions:\n  contents: read\nconcurrency", "concurrency", "top-level `permissions`"),
        ("concurrency:\n  group", "x-concurrency:\n  group", "top-level `concurrency`"),
        ("  pull_request:\n", "  pull_request_target:\n", "pull_request_target is not allowed"),
    ],
)
def test_each_broken_rule_is_reported(old: str, new: str, message: str) -> None:
    assert old in GOOD
    problems = check_workflows.check_text("w.yml", GOOD.replace(old, new, 1))
    assert any(message in p for p in problems), problems
    assert len(problems) == 1, problems


def test_list_form_of_on_is_checked_too() -> None:
    text = GOOD.replace(
        "on:\n  pull_request:\n  push:\n    branches: [main]\n", "on: [push, pull_request_target]\n"
    )
    assert any("pull_request_target" in p for p in check_workflows.check_text("w.yml", text))


def test_invalid_yaml_is_a_finding() -> None:
    assert "not valid YAML" in check_workflows.check_text("w.yml", "jobs: [\n")[0]


def test_main_reports_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.yml", tmp_path / "bad.yml"
    good.write_text(GOOD)
    bad.write_text(GOOD.replace(f"checkout@{SHA} # v5.0.0", "checkout@v5"))
    assert check_workflows.main([str(good)]) == 0
    assert "1 workflow(s), 0 local action(s), 4 `uses:` pinned" in capsys.readouterr().out
    assert check_workflows.main([str(good), str(bad)]) == 1
    assert f"{bad}:17: actions/checkout@v5 is not pinned" in capsys.readouterr().err


def test_composite_action_steps_are_checked() -> None:
    action = f"""\
name: setup
runs:
  using: composite
  steps:
    - uses: actions/cache@{SHA} # v4.3.0
    - uses: actions/setup-node@v6
"""
    assert check_workflows.check_action("action.yml", action) == [
        "action.yml:6: actions/setup-node@v6 is not pinned to a full 40-hex commit SHA"
    ]


def test_the_repositorys_workflows_follow_the_rules() -> None:
    files = sorted((check_workflows.ROOT / ".github/workflows").glob("*.yml"))
    assert {f.name for f in files} >= {"ci.yml", "cd.yml", "promote.yml", "release.yml"}
    for path in files:
        assert check_workflows.check_text(path.name, path.read_text()) == []
    for path in sorted((check_workflows.ROOT / ".github/actions").glob("*/action.yml")):
        assert check_workflows.check_action(path.name, path.read_text()) == []
    assert check_workflows.main([]) == 0
