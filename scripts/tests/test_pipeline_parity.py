"""The Jenkinsfile and ci.yml/cd.yml run the same gates in the same order; drift is named."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import pipeline_parity

ROOT = Path(__file__).resolve().parents[2]
JENKINSFILE = ROOT / "Jenkinsfile"
WORKFLOWS = [ROOT / ".github/workflows/ci.yml", ROOT / ".github/workflows/cd.yml"]


def drift(tmp_path: Path, jenkinsfile: str) -> list[str]:
    path = tmp_path / "Jenkinsfile"
    path.write_text(jenkinsfile, encoding="utf-8")
    return pipeline_parity.check(path, WORKFLOWS)


def real() -> str:
    return JENKINSFILE.read_text(encoding="utf-8")


def test_the_jenkinsfile_runs_the_workflows_gates_in_step() -> None:
    assert pipeline_parity.check(JENKINSFILE, WORKFLOWS) == []


def test_the_real_files_have_gates_to_compare() -> None:
    # A parser that found nothing on either side would report no drift: make sure it reads both.
    github = pipeline_parity.github_jobs(WORKFLOWS)
    stages = {s.name: s.gates for s in pipeline_parity.jenkins_stages(real()) if s.gates}
    assert github["backend-test"].gates[:3] == [
        "make backend-test-sqlite",
        "make backend-test-postgres",
        "make backend-coverage",
    ]
    assert github["images"].gates[-1] == "image:push"
    assert github["images"].gates.index("image:scan") < github["images"].gates.index("image:push")
    assert github["deploy-dev"].needs == ["images"]
    assert set(stages) == {job for job, j in github.items() if j.gates}


def test_a_make_target_only_in_jenkins_is_drift(tmp_path: Path) -> None:
    text = real().replace("sh 'make delivery-test'", "sh 'make delivery-test'\n sh 'make extra'")
    assert drift(tmp_path, text) == ["stage delivery: make extra runs in Jenkins but not on GitHub"]


def test_a_make_target_missing_from_jenkins_is_drift(tmp_path: Path) -> None:
    text = real().replace("sh 'make web-build'", "")
    assert drift(tmp_path, text) == ["job web: make web-build runs on GitHub but not in Jenkins"]


def test_a_script_missing_from_jenkins_is_drift(tmp_path: Path) -> None:
    lines = [line for line in real().splitlines() if "scripts/gitops-commit.sh" not in line]
    assert drift(tmp_path, "\n".join(lines)) == [
        "job deploy-dev: scripts/gitops-commit.sh runs on GitHub but not in Jenkins"
    ]


def test_gates_in_another_order_are_drift(tmp_path: Path) -> None:
    text = real().replace("sh 'make web-lint'", "sh 'make web-X'")
    text = text.replace("sh 'make web-test'", "sh 'make web-lint'").replace("web-X", "web-test")
    problems = drift(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].startswith("job web: gates run in another order")


def test_pushing_before_the_scan_is_drift(tmp_path: Path) -> None:
    text = real().replace("trivy image --severity", "echo skipped --severity")
    assert drift(tmp_path, text) == ["job images: image:scan runs on GitHub but not in Jenkins"]


def test_a_stage_renamed_away_from_its_job_is_drift(tmp_path: Path) -> None:
    problems = drift(tmp_path, real().replace("stage('monitoring')", "stage('observability')"))
    assert problems[0].startswith("job monitoring (make monitoring-rules")
    assert problems[1].startswith("Jenkins stage 'observability'")


def test_a_dependency_run_in_parallel_is_drift(tmp_path: Path) -> None:
    # deploy-dev needs images on GitHub: Jenkins must not run the two side by side.
    text = real().replace(
        "when { branch 'main' }\n      stages {", "when { branch 'main' }\n      parallel {"
    )
    assert text != real()
    assert drift(tmp_path, text) == [
        "job deploy-dev needs images on GitHub, but Jenkins does not run "
        "stage 'deploy-dev' after stage 'images'"
    ]


def test_comments_and_strings_do_not_count(tmp_path: Path) -> None:
    text = real().replace(
        "pipeline {",
        "// stage('x') { sh 'make nothing' }\n/* parallel { */\n"
        "def note = 'stage(\"y\") {'\npipeline {",
        1,
    )
    assert drift(tmp_path, text) == []


@pytest.mark.parametrize("form", ["sh script: 'make x'", "sh(script: 'make x')"])
def test_a_sh_form_the_check_cannot_read_is_an_error(tmp_path: Path, form: str) -> None:
    text = real().replace("sh 'make delivery-test'", f"sh 'make delivery-test'\n{form}")
    problems = drift(tmp_path, text)
    assert len(problems) == 1
    assert "write `sh '<script>'`" in problems[0]


def test_a_target_from_a_variable_is_drift_not_ignored(tmp_path: Path) -> None:
    text = real().replace("sh 'make delivery-test'", 'sh """make delivery-test ${TARGET}"""')
    assert drift(tmp_path, text) == [
        "stage delivery: make ${TARGET} runs in Jenkins but not on GitHub"
    ]


def test_make_variables_and_options_are_not_targets() -> None:
    assert pipeline_parity.gates_of_shell(
        "make -k cluster-up REVISION=$SHA smoke # make not-this"
    ) == [
        "make cluster-up",
        "make smoke",
    ]


def test_a_local_composite_action_counts_as_the_jobs_steps(tmp_path: Path) -> None:
    (tmp_path / ".github/actions/build").mkdir(parents=True)
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/actions/build/action.yml").write_text(
        "runs:\n  using: composite\n  steps:\n"
        "    - uses: docker/build-push-action@x\n      with: {push: false}\n"
        "    - uses: aquasecurity/trivy-action@y\n"
        "    - run: scripts/publish.sh\n      shell: bash\n",
        encoding="utf-8",
    )
    workflow = tmp_path / ".github/workflows/cd.yml"
    workflow.write_text(
        "jobs:\n  images:\n    steps:\n      - uses: ./.github/actions/build\n"
        "      - run: make after\n",
        encoding="utf-8",
    )
    assert pipeline_parity.github_jobs([workflow])["images"].gates == [
        "image:build",
        "image:scan",
        "scripts/publish.sh",
        "make after",
    ]


def test_unbalanced_braces_are_an_error(tmp_path: Path) -> None:
    assert drift(tmp_path, real() + "\n}\n") == [
        f"Jenkinsfile:{real().count(chr(10)) + 2}: unbalanced '}}'"
    ]
