"""Code comments say why and point at the ADRs for how much (issue 17): a measured cost quoted
in a comment goes stale with the next change on the path it measures, unseen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_database  # reads source files only

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "taskapp"
# A figure in microseconds: what `make bench` and the in-process A/Bs measure (docs/adr/0006).
MEASURED_COST = re.compile(r"\d\s*µs")


def test_no_source_file_quotes_a_measured_cost() -> None:
    quoted = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if MEASURED_COST.search(line)
    ]
    assert not quoted, "move these figures to the ADR that measured them:\n" + "\n".join(quoted)
