#!/usr/bin/env python3
"""The GitOps Bridge: turn Terraform's facts about an environment into Argo CD's cluster Secret.

    REPO_URL="$(terraform -chdir=deploy/terraform/shared output -raw repo_url)"
    terraform -chdir=deploy/terraform/envs/<env> output -json gitops_bridge \\
      | "$(scripts/delivery-tools.sh venv)/python" scripts/gitops-bridge.py \\
          --repo-url "$REPO_URL" | kubectl apply -f -
    # then the same with --bootstrap | kubectl apply -n argocd -f -

Reads the env's ``gitops_bridge`` output (``{"annotations": {...}, "labels": {...}}``, every value
a string) from stdin or ``--input``, adds the facts of deploy/terraform/shared (``--repo-url``: the
``repo_url`` fact, the repository Argo CD syncs from) and prints the Argo CD cluster Secret of the
cluster Argo CD runs in (name ``in-cluster``, server ``https://kubernetes.default.svc``, label
``argocd.argoproj.io/secret-type: cluster``) carrying those annotations and labels. The root
ApplicationSet's cluster generator reads them and hands each fact to the app-of-apps chart.

With ``--bootstrap`` it prints deploy/gitops/bootstrap/taskapp-<env>.yaml instead, its AppProject's
``sourceRepos`` filled in with the repository (Argo CD does not template an AppProject; the
ApplicationSet reads ``repo_url`` from the cluster Secret itself): the committed file types no
repository URL, so a fork or a renamed repository changes only Terraform's ``github_repository``.

The annotation names must be exactly the ``annotation`` names of deploy/gitops/cluster-facts.yaml
(``--facts``), the contract both sides are tested against: a missing or unknown fact is refused
before anything reaches the cluster; the env's output must not carry the ``from: shared`` ones.
The manifests are JSON, which kubectl reads as YAML. Run it with the Python of
`scripts/delivery-tools.sh venv` (it has ruamel.yaml).

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

GITOPS = Path(__file__).resolve().parent.parent / "deploy" / "gitops"
FACTS = GITOPS / "cluster-facts.yaml"
BOOTSTRAP = GITOPS / "bootstrap"
# What the committed bootstrap files name the repository with: the cluster Secret's repo_url.
REPO_URL_FACT = '{{ index .metadata.annotations "repo_url" }}'
# shared's repo_url output: an https clone URL of GitHub (github_repository is owner/name).
REPO_URL_RE = re.compile(r"^https://github\.com/[A-Za-z0-9-]+/[A-Za-z0-9._-]+\.git$")
ARGOCD_CLUSTER_LABEL = "argocd.argoproj.io/secret-type"
IN_CLUSTER_SERVER = "https://kubernetes.default.svc"
# Kubernetes label/annotation name (without prefix) and label value syntax.
NAME_RE = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
LABEL_VALUE_RE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")


class RefusedError(Exception):
    """The input cannot become a cluster Secret (exit 2)."""


def contract_annotations(facts_file: Path) -> tuple[set[str], set[str]]:
    """The annotation names deploy/gitops/cluster-facts.yaml lists: all, and the `from: shared`."""
    try:
        doc = YAML(typ="safe").load(facts_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RefusedError(f"cannot read the facts file {facts_file}: {exc.strerror}") from exc
    try:
        names = {str(fact["annotation"]) for fact in doc["facts"]}
        shared = {str(f["annotation"]) for f in doc["facts"] if f.get("from") == "shared"}
    except (KeyError, TypeError, AttributeError) as exc:
        raise RefusedError(f"{facts_file} has no facts: [{{annotation: ...}}, ...] list") from exc
    if shared != {"repo_url"}:
        raise RefusedError(
            f"{facts_file}: from: shared facts {sorted(shared)}, this script sets repo_url"
        )
    return names, shared


def string_map(value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise RefusedError(
            f"{what} must be a map of strings (from `terraform output -json gitops_bridge`?)"
        )
    return dict(value)


def cluster_secret(
    bridge: Any, contract: tuple[set[str], set[str]], repo_url: str, namespace: str
) -> dict[str, Any]:
    """The Argo CD cluster Secret for ``bridge`` (the env's gitops_bridge output value) and
    ``repo_url`` (shared's output)."""
    names, shared = contract
    if not isinstance(bridge, dict) or set(bridge) != {"annotations", "labels"}:
        raise RefusedError(
            "input must be the gitops_bridge output: an object with exactly annotations and labels"
        )
    annotations = string_map(bridge["annotations"], "annotations")
    labels = string_map(bridge["labels"], "labels")
    if given := sorted(shared & set(annotations)):
        raise RefusedError(f"{given} come from deploy/terraform/shared, not the env's output")
    if not REPO_URL_RE.match(repo_url):
        raise RefusedError(
            f"--repo-url {repo_url!r} is not https://github.com/<owner>/<name>.git "
            "(`terraform -chdir=deploy/terraform/shared output -raw repo_url`)"
        )
    annotations["repo_url"] = repo_url

    missing, unknown = sorted(names - set(annotations)), sorted(set(annotations) - names)
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


def bootstrap(secret: dict[str, Any], folder: Path) -> list[Any]:
    """The env's bootstrap manifests with the AppProject's sourceRepos naming the repository."""
    env = secret["metadata"]["labels"]["environment"]
    path = folder / f"taskapp-{env}.yaml"
    try:
        docs = [d for d in YAML(typ="safe").load_all(path.read_text(encoding="utf-8")) if d]
    except OSError as exc:
        raise RefusedError(f"no bootstrap for environment {env}: {path}: {exc.strerror}") from exc
    filled = 0
    for doc in docs:
        if doc.get("kind") == "AppProject":
            repos = doc["spec"]["sourceRepos"]
            filled += repos.count(REPO_URL_FACT)
            doc["spec"]["sourceRepos"] = [
                secret["metadata"]["annotations"]["repo_url"] if r == REPO_URL_FACT else r
                for r in repos
            ]
    if filled == 0:
        raise RefusedError(f"{path}: no AppProject sourceRepos entry {REPO_URL_FACT!r} to fill in")
    return docs


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
        "--repo-url",
        required=True,
        help="the repository Argo CD syncs from: `terraform output -raw repo_url` of shared",
    )
    parser.add_argument(
        "--bootstrap",
        action="store_true",
        help="print the env's bootstrap manifests (deploy/gitops/bootstrap) instead of the Secret",
    )
    parser.add_argument("--bootstrap-dir", type=Path, default=BOOTSTRAP, help=argparse.SUPPRESS)
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
        contract = contract_annotations(args.facts)
        secret = cluster_secret(bridge, contract, args.repo_url, args.namespace)
        docs = bootstrap(secret, args.bootstrap_dir) if args.bootstrap else [secret]
    except RefusedError as exc:
        print(f"gitops-bridge: {exc}", file=sys.stderr)
        return 2
    # JSON documents, which kubectl reads as YAML (a stream of them for the bootstrap).
    sys.stdout.write("---\n".join(json.dumps(d, indent=2) + "\n" for d in docs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
