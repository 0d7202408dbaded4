"""docs/repo-structure.md is where a newcomer finds where any behaviour lives (issue 17), so it
keeps up with the code: every backend module is named in its package's entry, and every
feature folder of the web app in the features entry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs/repo-structure.md"
PACKAGE = ROOT / "backend/src/taskapp"
# Where the tree's descriptions start: text left of it names an entry, text from it describes one.
DESCRIPTION_COLUMN = 23


@dataclass
class Entry:
    path: str  # from the repository root, as the tree nests it ("backend/src/taskapp/tasks/")
    text: str  # its description, continuation lines included


def tree() -> tuple[dict[str, Entry], str]:
    """The tree's entries by path, and the text of its section markers ("-- domains (...) --"),
    which name the files every package of that kind has."""
    block = DOC.read_text(encoding="utf-8").split("```")[1]
    entries: dict[str, Entry] = {}
    markers = ""
    parents: list[tuple[int, str]] = []  # (indent, path) of the folders enclosing the next entry
    current: Entry | None = None
    for line in block.splitlines()[1:]:
        indent = len(line) - len(line.lstrip())
        if not line.strip():
            continue
        if indent >= DESCRIPTION_COLUMN and current is not None:
            current.text += " " + line.strip()
            continue
        name, _, text = line.strip().partition(" ")
        if name.startswith("--"):
            markers += " " + line.strip()
            current = None
            continue
        while parents and parents[-1][0] >= indent:
            parents.pop()
        path = (parents[-1][1] if parents else "") + name
        current = entries[path] = Entry(path, text.strip())
        if name.endswith("/"):
            parents.append((indent, path))
    return entries, markers


def described(module: Path, entries: dict[str, Entry], markers: str) -> bool:
    relative = module.relative_to(ROOT).as_posix()
    if relative in entries:
        return True
    folder = module.parent.relative_to(ROOT).as_posix() + "/"
    entry = entries.get(folder)
    mentioned = re.compile(rf"(?<![\w/]){re.escape(module.name)}")
    return (entry is not None and bool(mentioned.search(entry.text))) or bool(
        mentioned.search(markers)
    )


def test_the_tree_is_parsed() -> None:
    entries, markers = tree()
    # Spot checks that the parser nests and joins as the page is written.
    assert "backend/src/taskapp/tasks/" in entries
    assert "reads.py" in entries["backend/src/taskapp/tasks/"].text
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
    text = entries["frontend/src/features/"].text
    missing = [name for name in features if not re.search(rf"(?<![\w/]){name}/", text)]
    assert missing == [], f"docs/repo-structure.md's src/features/ entry does not name {missing}"
