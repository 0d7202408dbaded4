#!/usr/bin/env python3
"""Image-tag bumps, promotions and rollbacks of the GitOps values (delivery workflows call it).

The files it edits (written by the Kubernetes part, read by Argo CD):

    deploy/gitops/envs/<env>/taskapp-backend.yaml
    deploy/gitops/envs/<env>/taskapp-frontend.yaml      env: dev | staging | prod

Each is a Helm values override holding ``image: {repository: ..., tag: "<tag>"}``, where the tag is
a full 40-hex lowercase commit SHA or a release tag ``vMAJOR.MINOR.PATCH``.

Subcommands (all idempotent: when the file already holds the wanted tag it prints "nothing changed"
and exits 0; otherwise it prints a unified diff of each file it changed):

    set-tag  --env dev --tag <sha> [--forward-only]   cd.yml: the commit just built and pushed
    promote  --from dev --to staging                  promote.yml: copy the tags one env onward
    rollback --env prod --tag <older tag> [--force]   promote.yml: back to a tag that env ran before
    show     --env staging [--format json|env]        print the tags an env runs

Editing: the document is parsed with ruamel.yaml's round-trip loader, which gives the exact position
of the ``image.tag`` scalar; only that scalar is rewritten in place (always double-quoted, so a SHA
made only of digits can never turn into a number). The result is parsed again and must equal the
original document except for that one value. Comments, key order, indentation, quoting and blank
lines elsewhere are untouched byte for byte; a full re-dump could reflow or re-indent other lines.

Exit status: 0 done (changed or nothing to change), 2 refused (bad input, unknown environment,
malformed tag or file, a move the guards forbid), 1 unexpected failure.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

ENVS = ("dev", "staging", "prod")
COMPONENTS = ("backend", "frontend")
VALUES_DIR = Path("deploy/gitops/envs")
SHA_RE = re.compile(r"[0-9a-f]{40}")
RELEASE_RE = re.compile(r"v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


class RefusedError(Exception):
    """A request the script will not carry out (exit status 2)."""


# --------------------------------------------------------------------------------------------
# validation


def check_env(env: str) -> str:
    if env not in ENVS:
        raise RefusedError(f"unknown environment {env!r}: expected one of {', '.join(ENVS)}")
    return env


def check_tag(tag: str) -> str:
    if SHA_RE.fullmatch(tag) or RELEASE_RE.fullmatch(tag):
        return tag
    hint = ""
    if re.fullmatch(r"[0-9a-fA-F]{7,40}", tag):
        hint = " (use the full 40-character lowercase commit SHA, e.g. `git rev-parse HEAD`)"
    raise RefusedError(
        f"malformed image tag {tag!r}: "
        f"expected a 40-hex lowercase commit SHA or vMAJOR.MINOR.PATCH{hint}"
    )


def is_sha(tag: str) -> bool:
    return SHA_RE.fullmatch(tag) is not None


# --------------------------------------------------------------------------------------------
# one values file


def values_path(root: Path, env: str, component: str) -> Path:
    return root / VALUES_DIR / env / f"taskapp-{component}.yaml"


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    return yaml


@dataclass
class ValuesFile:
    path: Path
    text: str
    data: CommentedMap

    @classmethod
    def load(cls, path: Path) -> ValuesFile:
        if not path.is_file():
            raise RefusedError(f"{path}: no such values file")
        text = path.read_text(encoding="utf-8")
        try:
            data = _yaml().load(text)
        except YAMLError as exc:
            raise RefusedError(f"{path}: not valid YAML: {exc}") from exc
        image = data.get("image") if isinstance(data, CommentedMap) else None
        if not isinstance(image, CommentedMap) or "tag" not in image or "repository" not in image:
            raise RefusedError(f"{path}: expected a mapping `image:` with `repository:` and `tag:`")
        component = path.stem  # taskapp-backend
        repo = str(image["repository"])
        if repo.rsplit("/", 1)[-1] != component:
            raise RefusedError(
                f"{path}: image.repository {repo!r} is not the {component} repository"
            )
        return cls(path, text, data)

    @property
    def tag(self) -> str:
        return str(self.data["image"]["tag"])

    def with_tag(self, tag: str) -> str:
        """The file's text with image.tag replaced by `tag` and nothing else changed."""
        image: CommentedMap = self.data["image"]
        line_no, col = image.lc.value("tag")
        lines = self.text.splitlines(keepends=True)
        line = lines[line_no]
        end = _scalar_end(line, col)
        lines[line_no] = f'{line[:col]}"{tag}"{line[end:]}'
        new_text = "".join(lines)
        self._verify(new_text, tag)
        return new_text

    def _verify(self, new_text: str, tag: str) -> None:
        new = _yaml().load(new_text)
        if str(new["image"]["tag"]) != tag:
            raise RuntimeError(
                f"{self.path}: rewrite did not set image.tag (got {new['image']['tag']!r})"
            )
        expected = _plain(self.data)
        expected["image"]["tag"] = tag
        if _plain(new) != expected:
            raise RuntimeError(
                f"{self.path}: rewrite changed more than image.tag; file left untouched"
            )


def _scalar_end(line: str, col: int) -> int:
    """Index just past the scalar token that starts at `col` (quoted or plain, block or flow)."""
    quote = line[col] if col < len(line) else ""
    if quote == '"':
        i = col + 1
        while i < len(line):
            if line[i] == "\\":
                i += 2
                continue
            if line[i] == '"':
                return i + 1
            i += 1
        raise RefusedError(f"multi-line double-quoted tag is not supported: {line!r}")
    if quote == "'":
        i = col + 1
        while i < len(line):
            if line[i] == "'":
                if line[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                return i + 1
            i += 1
        raise RefusedError(f"multi-line single-quoted tag is not supported: {line!r}")
    m = re.compile(r"[^\s,\]}#]*(?:[ \t]+[^\s,\]}#]+)*").match(line, col)
    if m is None:  # unreachable (the pattern matches the empty string); narrows the type
        raise RuntimeError(f"no plain scalar at column {col} of {line!r}")
    return m.end()


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


# --------------------------------------------------------------------------------------------
# git helpers (guards that need the repository's history)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )


def _is_ancestor(root: Path, old: str, new: str) -> bool | None:
    """True/False when git knows both commits, None when it cannot tell (missing objects)."""
    for sha in (old, new):
        if _git(root, "cat-file", "-e", f"{sha}^{{commit}}").returncode != 0:
            return None
    return _git(root, "merge-base", "--is-ancestor", old, new).returncode == 0


def deployed_history(root: Path, path: Path) -> list[str]:
    """Every image tag the values file held in its git history, newest first."""
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    log = _git(root, "log", "--format=%H", "--", rel)
    if log.returncode != 0:
        raise RefusedError(f"cannot read the git history of {rel}: {log.stderr.strip()}")
    tags: list[str] = []
    for commit in log.stdout.split():
        show = _git(root, "show", f"{commit}:{rel}")
        if show.returncode != 0:
            continue  # the commit deleted the file
        try:
            tag = str(_yaml().load(show.stdout)["image"]["tag"])
        except (YAMLError, KeyError, TypeError):
            continue
        if tag not in tags:
            tags.append(tag)
    return tags


# --------------------------------------------------------------------------------------------
# operations


@dataclass
class Change:
    path: Path
    old: str
    new: str
    old_text: str
    new_text: str

    def diff(self, root: Path) -> str:
        rel = self.path.resolve().relative_to(root.resolve()).as_posix()
        return "".join(
            difflib.unified_diff(
                self.old_text.splitlines(keepends=True),
                self.new_text.splitlines(keepends=True),
                fromfile=f"a/{rel}",
                tofile=f"b/{rel}",
            )
        )


def plan(root: Path, env: str, tags: dict[str, str]) -> list[Change]:
    """What setting `tags` (component -> tag) in `env` would change; validates everything first."""
    check_env(env)
    changes = []
    for component, tag in tags.items():
        check_tag(tag)
        vf = ValuesFile.load(values_path(root, env, component))
        if vf.tag != tag:
            changes.append(Change(vf.path, vf.tag, tag, vf.text, vf.with_tag(tag)))
    return changes


def apply(root: Path, changes: list[Change], *, dry_run: bool, out: io.TextIOBase | Any) -> None:
    if not changes:
        print("nothing changed", file=out)
        return
    for change in changes:
        out.write(change.diff(root))
    if dry_run:
        print("(dry run: no file written)", file=out)
        return
    for change in changes:
        tmp = change.path.with_suffix(change.path.suffix + ".tmp")
        tmp.write_text(change.new_text, encoding="utf-8")
        os.replace(tmp, change.path)


def components_arg(value: str) -> tuple[str, ...]:
    return COMPONENTS if value == "all" else (value,)


def cmd_set_tag(args: argparse.Namespace, root: Path, out: Any) -> None:
    tag = check_tag(args.tag)
    env = check_env(args.env)
    tags = dict.fromkeys(components_arg(args.component), tag)
    if args.forward_only and is_sha(tag):
        for component in tags:
            current = ValuesFile.load(values_path(root, env, component)).tag
            if current == tag or not is_sha(current):
                continue
            ancestor = _is_ancestor(root, current, tag)
            if ancestor is None:
                raise RefusedError(
                    f"--forward-only: git does not know both {current} and {tag} "
                    "(fetch the full history, e.g. actions/checkout with fetch-depth: 0)"
                )
            if not ancestor:
                raise RefusedError(
                    f"--forward-only: {env} runs taskapp-{component} {current}, "
                    f"which is not an ancestor of {tag}; "
                    f"refusing to move {env} backwards or sideways (use `rollback` for that)"
                )
    apply(root, plan(root, env, tags), dry_run=args.dry_run, out=out)


def cmd_promote(args: argparse.Namespace, root: Path, out: Any) -> None:
    src, dst = check_env(args.src), check_env(args.dst)
    if ENVS.index(dst) != ENVS.index(src) + 1:
        order = " -> ".join(ENVS)
        raise RefusedError(
            f"cannot promote {src} to {dst}: promotions go one step at a time ({order})"
        )
    tags = {
        c: ValuesFile.load(values_path(root, src, c)).tag for c in components_arg(args.component)
    }
    apply(root, plan(root, dst, tags), dry_run=args.dry_run, out=out)


def cmd_rollback(args: argparse.Namespace, root: Path, out: Any) -> None:
    tag = check_tag(args.tag)
    env = check_env(args.env)
    components = components_arg(args.component)
    if not args.force:
        for component in components:
            path = values_path(root, env, component)
            ValuesFile.load(path)
            history = deployed_history(root, path)
            if tag not in history:
                known = ", ".join(history[:5]) or "none"
                raise RefusedError(
                    f"{tag} was never deployed to {env} for taskapp-{component} "
                    f"(recent tags: {known}); "
                    "pass --force to roll to it anyway"
                )
    apply(root, plan(root, env, dict.fromkeys(components, tag)), dry_run=args.dry_run, out=out)


def cmd_show(args: argparse.Namespace, root: Path, out: Any) -> None:
    env = check_env(args.env)
    tags = {c: ValuesFile.load(values_path(root, env, c)).tag for c in COMPONENTS}
    if args.format == "json":
        print(json.dumps({"env": env, "tags": tags}, sort_keys=True), file=out)
    else:
        for component, tag in tags.items():
            print(f"{component}_tag={tag}", file=out)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="promote.py",
        description=(
            "Set, promote and roll back image tags in deploy/gitops/envs/<env>/taskapp-*.yaml."
        ),
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="repository root (default: the one holding this script)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--component", choices=(*COMPONENTS, "all"), default="all")
        p.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")

    p = sub.add_parser("set-tag", help="point an environment at a tag (cd.yml, dev)")
    p.add_argument("--env", required=True)
    p.add_argument("--tag", required=True)
    p.add_argument(
        "--forward-only",
        action="store_true",
        help=(
            "refuse unless the current SHA is an ancestor of the new one (no accidental downgrade)"
        ),
    )
    common(p)
    p.set_defaults(func=cmd_set_tag)

    p = sub.add_parser("promote", help="copy the tags of one environment to the next one")
    p.add_argument("--from", dest="src", required=True)
    p.add_argument("--to", dest="dst", required=True)
    common(p)
    p.set_defaults(func=cmd_promote)

    p = sub.add_parser("rollback", help="point an environment back at a tag it ran before")
    p.add_argument("--env", required=True)
    p.add_argument("--tag", required=True)
    p.add_argument(
        "--force", action="store_true", help="skip the check against the file's git history"
    )
    common(p)
    p.set_defaults(func=cmd_rollback)

    p = sub.add_parser("show", help="print the tags an environment runs")
    p.add_argument("--env", required=True)
    p.add_argument("--format", choices=("env", "json"), default="env")
    p.set_defaults(func=cmd_show)
    return parser


def main(argv: list[str] | None = None, out: Any = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        args.func(args, args.root, out)
    except RefusedError as exc:
        print(f"promote.py: refused: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
