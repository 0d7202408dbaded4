"""docs/infrastructure.md keeps up with what Terraform and Argo CD create: every module the
environments compose, every Application the app-of-apps renders and every bucket of the cluster
facts is named there, and the diagram is one Mermaid flowchart."""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs/infrastructure.md"


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def composed_modules() -> set[str]:
    """`modules/<name>` of every module block in the composition and the env roots."""
    found: set[str] = set()
    roots = [ROOT / "deploy/terraform/composition", *(ROOT / "deploy/terraform/envs").iterdir()]
    for root in roots:
        for tf in root.glob("*.tf"):
            found |= set(re.findall(r'source\s*=\s*"[./]*modules/([\w-]+)"', tf.read_text()))
    return found


def test_every_composed_terraform_module_is_on_the_page() -> None:
    modules = composed_modules()
    assert len(modules) >= 9  # the parser finds them (network, eks, database, ...)
    missing = sorted(m for m in modules if f"`modules/{m}`" not in doc())
    assert missing == [], f"docs/infrastructure.md does not say what modules/{missing} creates"


def test_every_application_of_the_app_of_apps_is_on_the_page() -> None:
    templates = sorted(
        p.name for p in (ROOT / "deploy/gitops/apps/templates").glob("application-*.yaml")
    )
    assert templates
    missing = [t for t in templates if f"`{t}`" not in doc()]
    assert missing == [], f"docs/infrastructure.md does not name {missing}"


def test_every_bucket_fact_is_on_the_page() -> None:
    facts = YAML(typ="safe").load((ROOT / "deploy/gitops/cluster-facts.yaml").read_text())
    buckets = [f["annotation"] for f in facts["facts"] if f["annotation"].endswith("_bucket")]
    assert "backup_bucket" in buckets
    names = {b.removesuffix("_bucket").replace("_", "-") for b in buckets}
    # backup -> "backups bucket", alb-logs -> "ALB logs bucket", ...
    text = doc().lower().replace("-", " ")
    missing = sorted(n for n in names if not re.search(rf"{n.replace('-', ' ')}s? bucket", text))
    assert missing == []


def test_the_diagram_is_one_mermaid_flowchart() -> None:
    blocks = re.findall(r"```mermaid\n(.*?)```", doc(), flags=re.S)
    assert len(blocks) == 1
    lines = blocks[0].splitlines()
    assert lines[0].startswith("flowchart ")
    # Every subgraph is closed, and every edge names nodes that exist.
    assert sum(1 for line in lines if line.strip().startswith("subgraph ")) == sum(
        1 for line in lines if line.strip() == "end"
    )
    declared = set(re.findall(r"^\s*(?:subgraph\s+)?([A-Za-z]\w*)[\[\(]", blocks[0], flags=re.M))
    for line in lines:
        edge = re.match(r"\s*(\w+)\s*-[-.]*>(?:\|[^|]*\|)?\s*(\w+)\s*$", line)
        if edge:
            assert {edge.group(1), edge.group(2)} <= declared, line
