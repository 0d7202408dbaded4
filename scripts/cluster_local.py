#!/usr/bin/env python3
"""The data side of scripts/cluster-up.sh (the local kind environment), kept here to be testable.

    cluster_local.py secret --repo URL
        the Argo CD cluster Secret of the local env, from deploy/gitops/cluster-facts.yaml (URL is
        its repo_url fact: the repository Argo CD syncs from, cluster-up's --repo)
    cluster_local.py repo-secret --repo URL
        an Argo CD repository Secret for URL, the token read from $CLUSTER_REPO_TOKEN
    cluster_local.py bootstrap --repo URL --revision REV [FILE]
        FILE (default deploy/gitops/bootstrap/taskapp-local.yaml) pointed at URL and REV instead
        of the repository and revision it names
    cluster_local.py problems [FILE]
        the same input: conditions, failed operations and resources not Synced + Healthy
    cluster_local.py unready [FILE]
        from `kubectl get applications -o json` (FILE or stdin): one line per Application that
        is not Synced and Healthy; exit 1 when any is, or when none exists

Manifests are printed as YAML on stdout, for `kubectl apply -f -`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "deploy/gitops/cluster-facts.yaml"
BOOTSTRAP = ROOT / "deploy/gitops/bootstrap/taskapp-local.yaml"

# The local env's facts (the contract in docs/delivery.md, "Cluster smoke test"); every other fact
# names an AWS part and is "" on kind.
LOCAL_FACTS = {
    "environment": "local",
    "aws_cluster_name": "kind-taskapp",
    "domain_name": "localhost",
    "edge_mode": "ingress",
}
CLUSTER_NAME = "in-cluster"
CLUSTER_SERVER = "https://kubernetes.default.svc"
ARGOCD_NAMESPACE = "argocd"


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    return yaml


def _dump(docs: list[Any]) -> None:
    _yaml().dump_all(docs, sys.stdout)


def cluster_secret(repo: str, facts_path: Path = FACTS) -> dict[str, Any]:
    """The cluster Secret: every fact of cluster-facts.yaml as an annotation, local ones set
    (repo_url to `repo`, the repository this kind cluster's Argo CD syncs from)."""
    facts = YAML(typ="safe").load(facts_path.read_text(encoding="utf-8"))["facts"]
    names = [str(f["annotation"]) for f in facts]
    local = {str(f["annotation"]) for f in facts if f.get("local")}
    values = {**LOCAL_FACTS, "repo_url": repo}
    if local != set(values):
        raise ValueError(
            f"{facts_path} marks {sorted(local)} as local facts, cluster_local.py sets "
            f"{sorted(values)}: give every local fact its kind value here"
        )
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": CLUSTER_NAME,
            "namespace": ARGOCD_NAMESPACE,
            "labels": {
                "argocd.argoproj.io/secret-type": "cluster",
                "environment": LOCAL_FACTS["environment"],
            },
            "annotations": {name: values.get(name, "") for name in names},
        },
        "type": "Opaque",
        "stringData": {
            "name": CLUSTER_NAME,
            "server": CLUSTER_SERVER,
            "config": json.dumps({"tlsClientConfig": {"insecure": False}}),
        },
    }


def repo_secret(repo: str, token: str) -> dict[str, Any]:
    if not token:
        raise ValueError("set CLUSTER_REPO_TOKEN to a token that may read the repository")
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "taskapp-repo",
            "namespace": ARGOCD_NAMESPACE,
            "labels": {"argocd.argoproj.io/secret-type": "repository"},
        },
        "type": "Opaque",
        # GitHub accepts any user name with a token as the password.
        "stringData": {"type": "git", "url": repo, "username": "x-access-token", "password": token},
    }


def project_repo_url(docs: list[Any]) -> str:
    """The repository the bootstrap names for this project: the repoURL of the source that renders
    a path of this repository (`deploy/gitops/...`), whatever the values layout is."""
    urls = {
        str(m["repoURL"])
        for m in _mappings(docs)
        if isinstance(m.get("repoURL"), str) and str(m.get("path", "")).startswith("deploy/")
    }
    if len(urls) != 1:
        raise ValueError(
            f"expected one repository serving deploy/gitops paths, found {sorted(urls) or 'none'}"
        )
    return urls.pop()


def _mappings(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _mappings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _mappings(value)


def repoint(docs: list[Any], old_repo: str, repo: str, revision: str) -> int:
    """Point every source of `old_repo` (Application/ApplicationSet sources, the app-of-apps
    values `repoURL`/`targetRevision`, AppProject `sourceRepos`) at `repo` and `revision`.
    Returns how many sources were changed."""
    changed = 0
    for mapping in _mappings(docs):
        if mapping.get("repoURL") == old_repo:
            mapping["repoURL"] = repo
            if "targetRevision" in mapping:
                mapping["targetRevision"] = revision
                changed += 1
        values = mapping.get("valuesObject")
        if (
            isinstance(values, dict)
            and "targetRevision" in values
            and values.get("repoURL") != repo
        ):
            # the app-of-apps values: the revision every child Application follows
            values["targetRevision"] = revision
            if "repoURL" in values:
                values["repoURL"] = repo
        repos = mapping.get("sourceRepos")
        if isinstance(repos, list):
            for i, url in enumerate(repos):
                if url == old_repo:
                    repos[i] = repo
    return changed


def bootstrap(path: Path, repo: str, revision: str) -> list[Any]:
    if not path.is_file():
        raise ValueError(
            f"{path} does not exist: the local env's bootstrap (deploy/gitops) is needed"
        )
    docs = [d for d in _yaml().load_all(path.read_text(encoding="utf-8")) if d is not None]
    try:
        old = project_repo_url(docs)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from exc
    if repoint(docs, old, repo, revision) == 0:
        raise ValueError(
            f"{path} has no source with repoURL {old} and a targetRevision: "
            "cannot point it at the commit under test"
        )
    if not any(d.get("kind") == "ApplicationSet" for d in docs):
        raise ValueError(f"{path} holds no ApplicationSet (the root of each env is one)")
    return docs


def unready(listing: dict[str, Any]) -> list[str]:
    """One line per Application that is not Synced + Healthy (empty when all are)."""
    apps = listing.get("items") or []
    if not apps:
        return ["no Application exists yet"]
    lines = []
    for app in apps:
        status = app.get("status") or {}
        sync = (status.get("sync") or {}).get("status", "Unknown")
        health = (status.get("health") or {}).get("status", "Unknown")
        if sync != "Synced" or health != "Healthy":
            name = app.get("metadata", {}).get("name", "?")
            message = (status.get("health") or {}).get("message") or next(
                (c.get("message", "") for c in status.get("conditions") or []), ""
            )
            lines.append(f"{name}: {sync}/{health}" + (f" ({message})" if message else ""))
    return lines


def problems(listing: dict[str, Any]) -> list[str]:
    """For the diagnostic dump: per Application, its conditions, a failed or running operation,
    and each resource that is not Synced + Healthy."""
    lines: list[str] = []
    for app in listing.get("items") or []:
        name = app.get("metadata", {}).get("name", "?")
        status = app.get("status") or {}
        lines += [
            f"{name}: {c.get('type')}: {c.get('message', '')}"
            for c in status.get("conditions") or []
        ]
        operation = status.get("operationState") or {}
        if operation.get("phase") not in (None, "Succeeded"):
            lines.append(f"{name}: sync {operation.get('phase')}: {operation.get('message', '')}")
        for res in status.get("resources") or []:
            health = (res.get("health") or {}).get("status")
            if res.get("status") != "Synced" or health not in (None, "Healthy"):
                what = f"{res.get('kind')} {res.get('namespace', '')}/{res.get('name')}"
                message = (res.get("health") or {}).get("message", "")
                lines.append(
                    f"{name}: {what} {res.get('status')}/{health or '-'} {message}".strip()
                )
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    secret = sub.add_parser("secret")
    secret.add_argument("--repo", required=True)
    repo = sub.add_parser("repo-secret")
    repo.add_argument("--repo", required=True)
    boot = sub.add_parser("bootstrap")
    boot.add_argument("--repo", required=True)
    boot.add_argument("--revision", required=True)
    boot.add_argument("file", nargs="?", type=Path, default=BOOTSTRAP)
    wait = sub.add_parser("unready")
    wait.add_argument("file", nargs="?", type=Path)
    diag = sub.add_parser("problems")
    diag.add_argument("file", nargs="?", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "secret":
            _dump([cluster_secret(args.repo)])
        elif args.command == "repo-secret":
            _dump([repo_secret(args.repo, os.environ.get("CLUSTER_REPO_TOKEN", ""))])
        elif args.command == "bootstrap":
            _dump(bootstrap(args.file, args.repo, args.revision))
        elif args.command == "problems":
            text = args.file.read_text(encoding="utf-8") if args.file else sys.stdin.read()
            print("\n".join(problems(json.loads(text))) or "no Application reports a problem")
        else:
            text = args.file.read_text(encoding="utf-8") if args.file else sys.stdin.read()
            lines = unready(json.loads(text))
            print("\n".join(lines) if lines else "every Application is Synced and Healthy")
            return 1 if lines else 0
    except ValueError as exc:
        print(f"cluster_local: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
