"""The import contracts in pyproject.toml (run by `make backend-lint`) catch what they promise.

Each case copies the package to a temporary folder, adds one import that breaks one layer rule,
and runs the real lint-imports over the copy: that contract must break, naming that import.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_database  # reads source files only

BACKEND = Path(__file__).resolve().parents[1]
PACKAGE = BACKEND / "src" / "taskapp"
CONTRACTS = {
    contract["id"]: contract["name"]
    for contract in tomllib.loads((BACKEND / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
}


def lint_imports(root: Path) -> tuple[int, str]:
    """lint-imports over the copy in `root` (it puts the working folder first on sys.path)."""
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.is_file():
        pytest.fail("lint-imports is missing: run `make backend-sync` (dev dependency group)")
    result = subprocess.run(
        [str(lint), str(BACKEND / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # Long contract names wrap: compare on single-spaced text.
    return result.returncode, " ".join((result.stdout + result.stderr).split())


def copy_package(tmp_path: Path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / "taskapp", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_the_package_as_committed_keeps_every_contract(tmp_path: Path) -> None:
    code, output = lint_imports(copy_package(tmp_path))
    assert code == 0, output
    for name in CONTRACTS.values():
        assert f"{name} KEPT" in output


# Imports the contracts forbid, each added to a copy of the package: (the contract it breaks,
# importer, imported).
BAD_IMPORTS = [
    # The core reaching up into a domain (as cache.py once did for metrics).
    ("core-knows-no-domain", "taskapp.cache", "taskapp.tasks.models"),
    # The core reaching up into composition.
    ("core-knows-no-domain", "taskapp.errors", "taskapp.observability.metrics"),
    # auth is the base domain: it must not know the domains built on it.
    ("layers", "taskapp.auth.service", "taskapp.users.service"),
    # Two domains on one layer stay independent.
    ("layers", "taskapp.tasks.pagination", "taskapp.users.schemas"),
    # Projects build on tasks: tasks must not reach up into them.
    ("layers", "taskapp.tasks.service", "taskapp.projects.service"),
    # Projects and saved views share a layer and stay independent.
    ("layers", "taskapp.saved_views.models", "taskapp.projects.models"),
    # The core's shared HTTP helpers know no domain.
    ("core-knows-no-domain", "taskapp.http.etags", "taskapp.projects.models"),
    # Another domain past tasks' interface, straight into its internals.
    ("tasks-interface", "taskapp.projects.service", "taskapp.tasks.service"),
    # A domain must not reach up into composition.
    ("layers", "taskapp.users.service", "taskapp.main"),
    # Another domain past auth's interface, straight into its internals.
    ("auth-interface", "taskapp.users.service", "taskapp.auth.service"),
]


@pytest.mark.parametrize(("contract", "importer", "imported"), BAD_IMPORTS)
def test_a_deliberate_bad_import_breaks_its_contract(
    tmp_path: Path, contract: str, importer: str, imported: str
) -> None:
    root = copy_package(tmp_path)
    path = root.joinpath(*importer.split(".")).with_suffix(".py")
    source = path.read_text()
    # After `from __future__` (which must stay first), so the copy still compiles.
    anchor = "from __future__ import annotations\n"
    assert anchor in source
    path.write_text(source.replace(anchor, f"{anchor}import {imported}  # noqa\n", 1))

    code, output = lint_imports(root)

    assert code != 0, output
    assert f"{CONTRACTS[contract]} BROKEN" in output, output
    assert f"{importer} -> {imported}" in output, output
