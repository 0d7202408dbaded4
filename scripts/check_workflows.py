#!/usr/bin/env python3
"""Supply-chain and least-privilege rules for .github/workflows/*.yml (actionlint checks the rest).

    scripts/check_workflows.py [--shellcheck PATH] [FILE...]
        default FILEs: every .github/workflows/*.y*ml and the local composite actions
        .github/actions/*/action.yml

Rules, each reported as FILE:LINE: message:
  * every `uses:` of a remote action or reusable workflow is pinned to a full 40-hex commit SHA
    and carries a version comment on the same line (`uses: owner/repo@<sha> # v1.2.3`), so a moved
    tag can never change what runs and Dependabot can still bump it; `docker://` images are pinned
    by digest; local `./` actions are fine as they are;
  * the workflow sets a top-level `permissions` default and every job sets its own `permissions`;
  * no `pull_request_target` trigger (it runs with secrets on code from forks);
  * the workflow sets `concurrency`, so superseded runs are cancelled or queued, never raced;
  * with --shellcheck PATH: every bash `run:` script passes shellcheck (what actionlint does with a
    shellcheck binary; the WebAssembly actionlint used here cannot start one), `${{ }}` expressions
    replaced by a placeholder first, as actionlint does.
Exit status 1 when any rule is broken.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

ROOT = Path(__file__).resolve().parent.parent
PINNED = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@[0-9a-f]{40}")
DOCKER_PINNED = re.compile(r"docker://[^@\s]+@sha256:[0-9a-f]{64}")
VERSION_COMMENT = re.compile(r"#\s*v?\d+(\.\d+){0,2}\b")


def _step_uses(steps: Any) -> list[tuple[str, int]]:
    if not isinstance(steps, CommentedSeq):
        return []
    return [
        (str(step["uses"]), step.lc.value("uses")[0])
        for step in steps
        if isinstance(step, CommentedMap) and "uses" in step
    ]


def _uses_nodes(doc: CommentedMap) -> list[tuple[str, int]]:
    """(value, 0-based line) of every `uses:`: jobs (reusable workflows), their steps, and the
    steps of a composite action (`runs.steps` in an action.yml)."""
    found: list[tuple[str, int]] = []
    runs = doc.get("runs")
    if isinstance(runs, CommentedMap):
        found += _step_uses(runs.get("steps"))
    jobs = doc.get("jobs")
    if not isinstance(jobs, CommentedMap):
        return found
    for job in jobs.values():
        if not isinstance(job, CommentedMap):
            continue
        if "uses" in job:
            found.append((str(job["uses"]), job.lc.value("uses")[0]))
        found += _step_uses(job.get("steps"))
    return found


def _load(name: str, text: str) -> tuple[Any, list[str]]:
    try:
        doc: Any = YAML(typ="rt").load(text)
    except Exception as exc:
        return None, [f"{name}:1: not valid YAML: {exc}"]
    if not isinstance(doc, CommentedMap):
        return None, [f"{name}:1: expected a mapping at the top level"]
    return doc, []


def check_pins(name: str, text: str, doc: CommentedMap) -> list[str]:
    problems: list[str] = []
    lines = text.splitlines()
    for value, line in _uses_nodes(doc):
        where = f"{name}:{line + 1}"
        if value.startswith("./"):
            continue
        if value.startswith("docker://"):
            if not DOCKER_PINNED.fullmatch(value):
                problems.append(
                    f"{where}: {value} must be pinned by digest (docker://image@sha256:<64 hex>)"
                )
            continue
        if not PINNED.fullmatch(value):
            problems.append(f"{where}: {value} is not pinned to a full 40-hex commit SHA")
            continue
        comment = lines[line].split(value, 1)[-1]
        if not VERSION_COMMENT.search(comment):
            problems.append(
                f"{where}: {value} needs a version comment on its line, e.g. `# v4.2.2`"
            )
    return problems


def check_action(name: str, text: str) -> list[str]:
    """Rules for a local composite action (.github/actions/*/action.yml): pinned `uses:` only."""
    doc, problems = _load(name, text)
    return problems if doc is None else check_pins(name, text, doc)


def check_text(name: str, text: str) -> list[str]:
    """Every rule broken by the workflow `text`, as 'name:line: message'."""
    workflow, problems = _load(name, text)
    if workflow is None:
        return problems
    problems = check_pins(name, text, workflow)

    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 loaders read `on` as true
    names = set(triggers) if isinstance(triggers, (dict, list)) else {triggers}
    if "pull_request_target" in names:
        problems.append(
            f"{name}:1: pull_request_target is not allowed (it runs fork code with secrets)"
        )

    if "permissions" not in workflow:
        problems.append(f"{name}:1: set a top-level `permissions` default (e.g. contents: read)")
    if "concurrency" not in workflow:
        problems.append(f"{name}:1: set a top-level `concurrency` group")

    jobs = workflow.get("jobs")
    if not isinstance(jobs, CommentedMap) or not jobs:
        problems.append(f"{name}:1: no jobs")
        return problems
    for job_id, job in jobs.items():
        line = jobs.lc.key(job_id)[0] + 1
        if not isinstance(job, CommentedMap) or "permissions" not in job:
            problems.append(f"{name}:{line}: job `{job_id}` must set its own `permissions`")
    return problems


# As actionlint: variables set by `env:` look unassigned (SC2154), expression placeholders look
# constant (SC2050, SC2157, SC2194), sourced files are not followed (SC1091).
SHELLCHECK_EXCLUDES = "SC1091,SC2050,SC2154,SC2157,SC2194"
EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.S)


def _run_scripts(doc: CommentedMap) -> list[tuple[str, int, str]]:
    """(script, 0-based line of its first script line, shell) of every `run:` step."""
    steps: list[Any] = []
    runs = doc.get("runs")
    if isinstance(runs, CommentedMap) and isinstance(runs.get("steps"), CommentedSeq):
        steps += list(runs["steps"])
    default_shell = ((doc.get("defaults") or {}).get("run") or {}).get("shell", "bash")
    for job in (doc.get("jobs") or {}).values():
        if isinstance(job, CommentedMap) and isinstance(job.get("steps"), CommentedSeq):
            shell = ((job.get("defaults") or {}).get("run") or {}).get("shell", default_shell)
            steps += [(step, shell) for step in job["steps"]]
    found = []
    for item in steps:
        step, shell = item if isinstance(item, tuple) else (item, "bash")
        if isinstance(step, CommentedMap) and "run" in step:
            line = step.lc.value("run")[0]
            script = str(step["run"])
            # a block scalar (`run: |`) starts on the next line
            found.append(
                (script, line + (1 if "\n" in script else 0), str(step.get("shell", shell)))
            )
    return found


def shellcheck_runs(name: str, text: str, shellcheck: str) -> list[str]:
    doc, problems = _load(name, text)
    if doc is None:
        return problems
    for script, first_line, shell in _run_scripts(doc):
        if not shell.startswith("bash"):
            continue
        body = EXPRESSION.sub("_GHA_EXPR_", script)
        with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as tmp:
            tmp.write(body)
        result = subprocess.run(
            [
                shellcheck,
                "--norc",
                "--shell=bash",
                "--format=json",
                f"--exclude={SHELLCHECK_EXCLUDES}",
                tmp.name,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        Path(tmp.name).unlink()
        if result.returncode not in (0, 1):
            problems.append(f"{name}:{first_line + 1}: shellcheck failed: {result.stderr.strip()}")
            continue
        for finding in json.loads(result.stdout or "[]"):
            line = first_line + finding["line"]
            problems.append(f"{name}:{line}: shellcheck SC{finding['code']}: {finding['message']}")
    return problems


def main(argv: list[str]) -> int:
    shellcheck = None
    if argv[:1] == ["--shellcheck"]:
        shellcheck, argv = argv[1], argv[2:]
    files = [Path(a) for a in argv] or sorted(
        p for p in (ROOT / ".github/workflows").glob("*.y*ml") if p.is_file()
    )
    if not files:
        print("check_workflows: no workflow files found", file=sys.stderr)
        return 1
    actions = sorted((ROOT / ".github/actions").glob("*/action.y*ml")) if not argv else []
    problems: list[str] = []
    uses = 0
    for path in [*files, *actions]:
        text = path.read_text(encoding="utf-8")
        check = check_action if path.name.startswith("action.") else check_text
        problems += check(str(path), text)
        if shellcheck:
            problems += shellcheck_runs(str(path), text, shellcheck)
        uses += len(re.findall(r"^\s*(?:-\s+)?uses:", text, flags=re.M))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"check_workflows: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(
        f"check_workflows: {len(files)} workflow(s), {len(actions)} local action(s), "
        f"{uses} `uses:` pinned, every job sets permissions"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
