"""Every repository/environment variable and secret the workflows read is documented in
docs/delivery.md's "Repository settings", with the Terraform output it comes from."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def settings_section() -> str:
    text = (ROOT / "docs/delivery.md").read_text(encoding="utf-8")
    start = text.index("## Repository settings")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def used() -> set[str]:
    names: set[str] = set()
    for path in [*(ROOT / ".github").rglob("*.yml"), ROOT / "Jenkinsfile"]:
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"\b(?:vars|secrets)\.([A-Z][A-Z0-9_]+)", text))
    return names - {"GITHUB_TOKEN"}


def test_every_variable_and_secret_the_workflows_read_is_documented() -> None:
    names = used()
    assert {"ECR_REGISTRY", "AWS_ROLE_ARN", "AWS_REGION"} <= names
    section = settings_section()
    missing = sorted(n for n in names if f"`{n}`" not in section)
    assert missing == [], f"docs/delivery.md, Repository settings: document {missing}"


def test_each_setting_row_says_where_its_value_comes_from() -> None:
    rows = [line for line in settings_section().splitlines() if line.startswith("| ")]
    for name in used():
        row = next(r for r in rows if f"`{name}`" in r)
        assert re.search(r"Terraform output|the region|e\.g\.", row), row
