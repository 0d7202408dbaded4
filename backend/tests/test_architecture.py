"""The import contracts in pyproject.toml (run by `make backend-lint`) catch what they promise.

Each case copies the package to a temporary folder, adds one import that breaks one layer rule,
and runs the real lint-imports over the copy: that contract must break, naming that import.
Every top-level module falls under the contracts, and docs/architecture.md's layer diagram
draws the layers they enforce.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.no_database  # reads source files only

BACKEND = Path(__file__).resolve().parents[1]
PACKAGE = BACKEND / "src" / "taskapp"
IMPORTLINTER = tomllib.loads((BACKEND / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract["name"] for contract in IMPORTLINTER["contracts"]}


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


def contract(contract_id: str) -> dict[str, Any]:
    return next(c for c in IMPORTLINTER["contracts"] if c["id"] == contract_id)


def top_level_modules() -> set[str]:
    return {
        f"taskapp.{path.stem}"
        for path in PACKAGE.iterdir()
        if not path.name.startswith("__")
        and (path.suffix == ".py" or (path / "__init__.py").is_file())
    }


def test_every_top_level_module_is_core_or_above_it() -> None:
    """A module the core contract does not list as core or as above the core is checked by no
    contract: the core could import it, and it could import anything."""
    core_rule = contract("core-knows-no-domain")
    classified = set(core_rule["source_modules"]) | set(core_rule["forbidden_modules"])
    assert top_level_modules() - classified == set()
    assert classified - top_level_modules() == set()  # no contract names a module that is gone


ARCHITECTURE_PAGE = BACKEND.parent / "docs" / "architecture.md"


def drawn(subgraph: str) -> set[str]:
    """The modules docs/architecture.md's layer diagram lists in one subgraph's title."""
    page = ARCHITECTURE_PAGE.read_text(encoding="utf-8")
    title = re.search(rf'subgraph {subgraph}\["{subgraph}: ([^"]*)"\]', page)
    assert title is not None, f"no {subgraph} subgraph on the page"
    names = (name.strip().removesuffix("/").removesuffix(".py") for name in title[1].split(","))
    return {f"taskapp.{name}" for name in names}


def drawn_domains() -> set[str]:
    """The packages the diagram's domains subgraph has a box for (`id["package: ..."]`)."""
    page = ARCHITECTURE_PAGE.read_text(encoding="utf-8")
    block = page.split('subgraph domains["', 1)[1].split("subgraph core", 1)[0]
    return {f"taskapp.{name}" for name in re.findall(r'^\s*\w+\["(\w+): ', block, re.M)}


def layer_modules(layer: str) -> set[str]:
    return {name.strip() for name in re.split(r"[:|]", layer)}


def test_the_architecture_page_draws_the_layers_the_contracts_enforce() -> None:
    checks = {
        "core": (drawn("core"), set(contract("core-knows-no-domain")["source_modules"])),
        "composition": (drawn("composition"), layer_modules(contract("layers")["layers"][0])),
        "domains": (
            drawn_domains(),
            set().union(*(layer_modules(layer) for layer in contract("layers")["layers"][1:])),
        ),
    }
    for subgraph, (on_page, in_contracts) in checks.items():
        assert on_page == in_contracts, (
            f"docs/architecture.md's {subgraph} box lacks {sorted(in_contracts - on_page)}"
            f" and has {sorted(on_page - in_contracts)}, which the contracts do not"
        )
