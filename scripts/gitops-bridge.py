#!/usr/bin/env python3
"""The GitOps Bridge: turn Terraform's facts about an environment into Argo CD's cluster Secret.

    terraform -chdir=deploy/terraform/envs/<env> output -json gitops_bridge \\
      | "$(scripts/delivery-tools.sh venv)/python" scripts/gitops-bridge.py | kubectl apply -f -

Reads the ``gitops_bridge`` output (``{"annotations": {...}, "labels": {...}}``, every value a
string) from stdin or ``--input`` and prints the Argo CD cluster Secret of the cluster Argo CD runs
in (name ``in-cluster``, server ``https://kubernetes.default.svc``, label
``argocd.argoproj.io/secret-type: cluster``) carrying those annotations and labels. The root
ApplicationSet's cluster generator reads them and hands each fact to the app-of-apps chart.

The annotation names must be exactly the ``annotation`` names of deploy/gitops/cluster-facts.yaml
(``--facts``), the contract both sides are tested against: a missing or unknown fact is refused
before anything reaches the cluster. The manifest is JSON, which kubectl reads as YAML. Run it
with the Python of `scripts/delivery-tools.sh venv` (it has ruamel.yaml).

Exit status: 0 printed, 2 refused (bad input or contract mismatch), 1 unexpected failure.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML  # in the delivery tool venv: scripts/delivery-tools.sh venv

FACTS = Path(__file__).resolve().parent.parent / "deploy" / "gitops" / "cluster-facts.yaml"
ARGOCD_CLUSTER_LABEL = "argocd.argoproj.io/secret-type"
IN_CLUSTER_SERVER = "https://kubernetes.default.svc"
# Kubernetes label/annotation name (without prefix) and label value syntax.
NAME_RE = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
LABEL_VALUE_RE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")


class RefusedError(Exception):
    """The input cannot become a cluster Secret (exit 2)."""


def contract_annotations(facts_file: Path) -> set[str]:
    """The annotation names deploy/gitops/cluster-facts.yaml lists."""
    try:
        doc = YAML(typ="safe").load(facts_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RefusedError(f"cannot read the facts file {facts_file}: {exc.strerror}") from exc
    try:
        names = [str(fact["annotation"]) for fact in doc["facts"]]
    except (KeyError, TypeError) as exc:
        raise RefusedError(f"{facts_file} has no facts: [{{annotation: ...}}, ...] list") from exc
    return set(names)


def string_map(value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise RefusedError(
            f"{what} must be a map of strings (from `terraform output -json gitops_bridge`?)"
        )
    return dict(value)


def cluster_secret(bridge: Any, contract: set[str], namespace: str) -> dict[str, Any]:
    """The Argo CD cluster Secret for ``bridge`` (the gitops_bridge output value)."""
    if not isinstance(bridge, dict) or set(bridge) != {"annotations", "labels"}:
        raise RefusedError(
            "input must be the gitops_bridge output: an object with exactly annotations and labels"
        )
    annotations = string_map(bridge["annotations"], "annotations")
    labels = string_map(bridge["labels"], "labels")

    missing, unknown = sorted(contract - set(annotations)), sorted(set(annotations) - contract)
    if missing or unknown:
        raise RefusedError(
            "annotations differ from deploy/gitops/cluster-facts.yaml: "
            f"missing {missing or 'none'}, not in the contract {unknown or 'none'}"
        )
    for name in [*annotations, *labels]:
        if not NAME_RE.match(name):
            raise RefusedError(f"{name!r} is not a valid Kubernetes annotation/label name")
    for name, value in labels.items():
        if not LABEL_VALUE_RE.match(value):
            raise RefusedError(f"label {name}={value!r} is not a valid Kubernetes label value")
    if "environment" not in labels or labels["environment"] != annotations.get("environment"):
        raise RefusedError("labels must carry environment, equal to the environment annotation")

    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "in-cluster",
            "namespace": namespace,
            "labels": {**dict(sorted(labels.items())), ARGOCD_CLUSTER_LABEL: "cluster"},
            "annotations": dict(sorted(annotations.items())),
        },
        "type": "Opaque",
        "stringData": {
            "name": "in-cluster",
            "server": IN_CLUSTER_SERVER,
            "config": json.dumps({"tlsClientConfig": {"insecure": False}}),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--input",
        type=Path,
        help="file with `terraform output -json gitops_bridge` (default: stdin)",
    )
    parser.add_argument(
        "--facts",
        type=Path,
        default=FACTS,
        help="the contract (default: deploy/gitops/cluster-facts.yaml)",
    )
    parser.add_argument(
        "--namespace", default="argocd", help="Argo CD's namespace (default: argocd)"
    )
    args = parser.parse_args(argv)
    try:
        text = args.input.read_text(encoding="utf-8") if args.input else sys.stdin.read()
        try:
            bridge = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RefusedError(f"input is not JSON ({exc.msg} at line {exc.lineno})") from exc
        secret = cluster_secret(bridge, contract_annotations(args.facts), args.namespace)
    except RefusedError as exc:
        print(f"gitops-bridge: {exc}", file=sys.stderr)
        return 2
    json.dump(secret, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
