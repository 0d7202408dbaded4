"""ADR 0006 keeps a table of the backend's `perf/` modules: what each bends and when it goes.
A module added to `perf/` without a row there, or without saying in its docstring what would let
it go, is performance code nobody will know when to delete (issue 17)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PERF = ROOT / "backend/src/taskapp/perf"
ADR = next((ROOT / "docs/adr").glob("0006-*.md"))


def perf_modules() -> list[Path]:
    return sorted(p for p in PERF.glob("*.py") if p.name != "__init__.py")


def table_rows() -> dict[str, list[str]]:
    """The ADR's perf table: module path to its cells (what it bends, when it goes)."""
    rows: dict[str, list[str]] = {}
    for line in ADR.read_text(encoding="utf-8").splitlines():
        found = re.match(r"\| `(perf/[a-z_]+\.py)` \|(.+)\|$", line)
        if found:
            rows[found[1]] = [cell.strip() for cell in found[2].split(" | ")]
    return rows


def test_there_are_perf_modules_and_a_table() -> None:
    assert len(perf_modules()) >= 5
    assert len(table_rows()) >= 5


def test_every_perf_module_has_a_row_saying_what_it_bends_and_when_it_goes() -> None:
    rows = table_rows()
    missing = [p.name for p in perf_modules() if f"perf/{p.name}" not in rows]
    assert not missing, f"{ADR.name}'s perf table has no row for {missing}"
    for module, cells in rows.items():
        assert (PERF / module.removeprefix("perf/")).is_file(), f"a row for a gone {module}"
        assert len(cells) == 2, f"{module}: a row has what it bends and when it goes: {cells}"
        assert all(cells), f"{module}: an empty cell in {cells}"


def test_every_perf_module_says_what_would_let_it_go() -> None:
    silent = []
    for module in perf_modules():
        docstring = ast.get_docstring(ast.parse(module.read_text(encoding="utf-8"))) or ""
        if not re.search(r"lets? (this|it|them) go|goes when", docstring, re.IGNORECASE):
            silent.append(module.name)
    assert not silent, f"no word on what upstream change would let these go: {silent}"
