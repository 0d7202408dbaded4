"""scripts/publish-charts.sh packages every chart with the pinned Helm, at the version asked, and
only charts that have an ECR repository in the contract (charts/taskapp-*)."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts/publish-charts.sh"
# The ECR OCI repositories Terraform creates for the charts (the contract of issue 15).
REPOSITORIES = {"taskapp-backend", "taskapp-frontend", "taskapp-ingress", "taskapp-monitoring"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, check=False, timeout=300
    )


def test_every_chart_is_packaged_at_the_version_for_its_repository(tmp_path: Path) -> None:
    result = run("v0.0.0-g0123abcd4567", "--app-version", "0123abcd4567", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    packages = sorted(tmp_path.glob("*.tgz"))
    assert {p.name.removesuffix("-0.0.0-g0123abcd4567.tgz") for p in packages} == REPOSITORIES
    assert {d.name for d in (ROOT / "deploy/helm").iterdir() if d.is_dir()} == REPOSITORIES
    for package in packages:
        name = package.name.removesuffix("-0.0.0-g0123abcd4567.tgz")
        with tarfile.open(package) as tar:
            member = tar.extractfile(f"{name}/Chart.yaml")
            assert member is not None
            chart = YAML(typ="safe").load(member.read())
        assert chart["name"] == name
        assert chart["version"] == "0.0.0-g0123abcd4567"
        assert chart["appVersion"] == "0123abcd4567"


@pytest.mark.parametrize("version", ["1.2", "v1.2.3.4", "01.2.3", "latest", "1.2.3+build"])
def test_a_version_helm_or_ecr_would_mangle_is_refused(version: str) -> None:
    result = run(version)
    assert result.returncode == 1
    assert "is not semver" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [((), "usage:"), (("1.2.3", "--push"), "--push needs a value"), (("1.2.3", "-x"), "unknown")],
)
def test_wrong_arguments_are_refused(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.returncode == 1
    assert message in result.stderr
