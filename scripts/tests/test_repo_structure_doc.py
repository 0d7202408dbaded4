"""docs/repo-structure.md is where a newcomer finds where any behaviour lives (issue 17), so it
keeps up with the code: every backend module is named in its package's entry, and every
feature folder of the web app in the features entry."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs/repo-structure.md"
PACKAGE = ROOT / "backend/src/taskapp"
# Where the tree's descriptions start: text left of it names an entry, text from it describes one.
DESCRIPTION_COLUMN = 23


def tree() -> tuple[dict[str, str], str]:
    """Each entry's description (continuation lines included) by its path from the repository
    root as the tree nests it ("backend/src/taskapp/tasks/"), and the text of the section
    markers ("-- domains (...) --"), which name the files every package of that kind has."""
    block = DOC.read_text(encoding="utf-8").split("```")[1]
    entries: dict[str, str] = {}
    markers = ""
    parents: list[tuple[int, str]] = []  # (indent, path) of the folders enclosing the next entry
    current: str | None = None
    for line in block.splitlines()[1:]:
        indent = len(line) - len(line.lstrip())
        if not line.strip():
            continue
        if indent >= DESCRIPTION_COLUMN and current is not None:
            entries[current] += " " + line.strip()
            continue
        name, _, text = line.strip().partition(" ")
        if name.startswith("--"):
            markers += " " + line.strip()
            current = None
            continue
        while parents and parents[-1][0] >= indent:
            parents.pop()
        current = (parents[-1][1] if parents else "") + name
        entries[current] = text.strip()
        if name.endswith("/"):
            parents.append((indent, current))
    return entries, markers


def described(module: Path, entries: dict[str, str], markers: str) -> bool:
    if module.relative_to(ROOT).as_posix() in entries:
        return True
    folder = entries.get(module.parent.relative_to(ROOT).as_posix() + "/", "")
    mentioned = re.compile(rf"(?<![\w/]){re.escape(module.name)}")
    return bool(mentioned.search(folder) or mentioned.search(markers))


def test_the_tree_is_parsed() -> None:
    entries, markers = tree()
    # Spot checks that the parser nests and joins as the page is written.
    assert "backend/src/taskapp/tasks/" in entries
    assert "reads.py" in entries["backend/src/taskapp/tasks/"]
    assert "backend/src/taskapp/main.py" in entries
    assert "router.py" in markers


def test_every_backend_module_is_named_in_its_packages_entry() -> None:
    entries, markers = tree()
    modules = [
        module
        for module in sorted(PACKAGE.rglob("*.py"))
        if module.name != "__init__.py" and "versions" not in module.parts
    ]
    assert len(modules) > 100  # the walk finds the package
    missing = [
        m.relative_to(PACKAGE).as_posix() for m in modules if not described(m, entries, markers)
    ]
    assert missing == [], f"docs/repo-structure.md does not say what these hold: {missing}"


def test_every_feature_folder_of_the_web_app_is_named() -> None:
    entries, _ = tree()
    features = sorted(p.name for p in (ROOT / "frontend/src/features").iterdir() if p.is_dir())
    assert "tasks" in features
    text = entries["frontend/src/features/"]
    missing = [name for name in features if not re.search(rf"(?<![\w/]){name}/", text)]
    assert missing == [], f"docs/repo-structure.md's src/features/ entry does not name {missing}"
