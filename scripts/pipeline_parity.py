#!/usr/bin/env python3
"""Keep the Jenkinsfile and the GitHub workflows (ci.yml, cd.yml) running the same pipeline.

    scripts/pipeline_parity.py [--jenkinsfile PATH] [WORKFLOW...]
                                    default: ./Jenkinsfile against .github/workflows/{ci,cd}.yml

A *gate* is what a job runs that decides whether the pipeline goes on: `make <target>`, a project
script (`scripts/<name>`), and the image steps that are actions on GitHub and CLI calls on Jenkins
(build, vulnerability scan, push). Each GitHub job id must be a Jenkins `stage('<job id>')` with
the same gates in the same order, and a job that `needs:` another must run after it on Jenkins
(a later stage, not a sibling inside the same `parallel` block). Jobs with no gate (the
`ci passed` roll-up) have nothing to keep in step and are left out. Exit status 1 on any drift,
each reported as one line.

The Jenkinsfile is read by a small scanner of Groovy's strings, comments and braces (no Groovy
parser exists for Python): `stage('name') {`, `parallel {` and `sh '<script>'` / `sh '''<script>'''`
(also with double quotes). Any other form of `sh` is an error, never silently ignored.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent

MAKE = re.compile(r"(?<![\w./-])make((?:[ \t]+[^\s;&|)]+)+)")
SCRIPT = re.compile(r"(?<![\w.-])(?:\./)?scripts/([A-Za-z0-9_.-]+)")
# Jenkins has no actions: the image gates are the CLI calls the actions make.
CLI_GATES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bdocker\s+buildx\s+build\b[^\n]*--push\b"), "image:push"),
    (re.compile(r"\bdocker\s+buildx\s+build\b(?![^\n]*--push\b)"), "image:build"),
    (re.compile(r"\btrivy\s+image\b"), "image:scan"),
)


def gates_of_shell(script: str) -> list[str]:
    """The gates a shell script runs, in the order they appear (comments ignored)."""
    found: list[tuple[int, str]] = []
    lines = [re.sub(r"(^|\s)#.*$", "", line) for line in script.splitlines()]
    text = "\n".join(lines)
    for match in MAKE.finditer(text):
        words = match.group(1).split()
        # `make a b VAR=x -k`: the targets, not the variables or options. A target built from a
        # variable (`make $T`) stays as written, so it can never match a job silently.
        found += [(match.start(), f"make {w}") for w in words if "=" not in w and w[0] != "-"]
    found += [(m.start(), f"scripts/{m.group(1)}") for m in SCRIPT.finditer(text)]
    for pattern, gate in CLI_GATES:
        found += [(m.start(), gate) for m in pattern.finditer(text)]
    ordered = [gate for _, gate in sorted(found, key=lambda item: item[0])]
    # One gate named twice in a row (`scripts/x.sh` read, then named in its error message) is one.
    return [g for n, g in enumerate(ordered) if n == 0 or ordered[n - 1] != g]


def _action_gate(step: dict[str, Any]) -> str | None:
    uses = str(step.get("uses", ""))
    if uses.startswith("docker/build-push-action@"):
        push = str((step.get("with") or {}).get("push", "false")).lower() == "true"
        return "image:push" if push else "image:build"
    if uses.startswith("aquasecurity/trivy-action@"):
        return "image:scan"
    return None


def _step_gates(steps: list[dict[str, Any]], root: Path) -> list[str]:
    gates: list[str] = []
    for step in steps:
        uses = str(step.get("uses", ""))
        if "run" in step:
            gates += gates_of_shell(str(step["run"]))
        elif uses.startswith("./"):
            # A local composite action runs its steps inside the job: its gates are the job's.
            action = YAML(typ="safe").load((root / uses / "action.yml").read_text(encoding="utf-8"))
            gates += _step_gates((action.get("runs") or {}).get("steps") or [], root)
        elif (gate := _action_gate(step)) is not None:
            gates.append(gate)
    return gates


@dataclass
class Job:
    name: str
    gates: list[str]
    needs: list[str] = field(default_factory=list)


def github_jobs(paths: list[Path]) -> dict[str, Job]:
    jobs: dict[str, Job] = {}
    for path in paths:
        doc = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        for job_id, job in (doc.get("jobs") or {}).items():
            if job_id in jobs:
                raise ValueError(f"{path}: job id {job_id} is used by two workflows")
            gates = _step_gates(job.get("steps") or [], path.parents[2])
            needs = job.get("needs") or []
            jobs[job_id] = Job(job_id, gates, [needs] if isinstance(needs, str) else list(needs))
    return jobs


@dataclass
class Block:
    kind: str  # "stage", "parallel" or "other"
    name: str
    start: int
    parent: Block | None
    end: int = -1
    gates: list[str] = field(default_factory=list)

    def ancestors(self) -> list[Block]:
        chain: list[Block] = []
        node: Block | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


STRING_START = re.compile(r"'''|\"\"\"|'|\"")


def _read_string(text: str, i: int) -> tuple[str, int]:
    """The Groovy string literal starting at text[i] and the index after it."""
    quote = STRING_START.match(text, i)
    if quote is None:
        raise ValueError(f"Jenkinsfile:{_line(text, i)}: expected a string literal")
    q = quote.group(0)
    j = i + len(q)
    out: list[str] = []
    while j < len(text):
        if text.startswith(q, j):
            return "".join(out), j + len(q)
        if text[j] == "\\" and j + 1 < len(text):
            out.append(text[j + 1] if text[j + 1] in "'\"\\$" else text[j : j + 2])
            j += 2
            continue
        if len(q) == 1 and text[j] == "\n":
            raise ValueError(f"Jenkinsfile:{_line(text, i)}: unterminated string")
        out.append(text[j])
        j += 1
    raise ValueError(f"Jenkinsfile:{_line(text, i)}: unterminated string")


def _line(text: str, i: int) -> int:
    return text.count("\n", 0, i) + 1


WORD = re.compile(r"[A-Za-z_]\w*")
STAGE_HEAD = re.compile(r"stage\s*\(\s*")
AFTER_STAGE_NAME = re.compile(r"\s*\)\s*\{")
PARALLEL_HEAD = re.compile(r"parallel\s*\{")


def jenkins_stages(text: str) -> list[Block]:
    """Every stage of a declarative Jenkinsfile, with its gates and its place in the block tree."""
    root = Block("other", "<root>", 0, None)
    stack: list[Block] = [root]
    stages: list[Block] = []
    i = 0
    while i < len(text):
        c = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise ValueError(f"Jenkinsfile:{_line(text, i)}: unterminated comment")
            i = end + 2
        elif STRING_START.match(text, i):
            _, i = _read_string(text, i)
        elif c == "{":
            stack.append(Block("other", "", i, stack[-1]))
            i += 1
        elif c == "}":
            if len(stack) == 1:
                raise ValueError(f"Jenkinsfile:{_line(text, i)}: unbalanced '}}'")
            stack.pop().end = i
            i += 1
        elif (word := WORD.match(text, i)) and (i == 0 or not text[i - 1].isalnum()):
            i = _keyword(text, word.group(0), i, stack, stages)
        else:
            i += 1
    if len(stack) != 1:
        raise ValueError("Jenkinsfile: unbalanced '{' at the end of the file")
    return stages


def _keyword(text: str, word: str, i: int, stack: list[Block], stages: list[Block]) -> int:
    if word == "stage" and (head := STAGE_HEAD.match(text, i)):
        name, j = _read_string(text, head.end())
        brace = AFTER_STAGE_NAME.match(text, j)
        if brace is None:
            raise ValueError(f"Jenkinsfile:{_line(text, i)}: expected `stage('{name}') {{`")
        block = Block("stage", name, i, stack[-1])
        stack.append(block)
        stages.append(block)
        return brace.end()
    if word == "parallel" and (head := PARALLEL_HEAD.match(text, i)):
        stack.append(Block("parallel", "", i, stack[-1]))
        return head.end()
    if word == "sh":
        j = i + 2
        while j < len(text) and text[j] in " \t":
            j += 1
        if not STRING_START.match(text, j):
            raise ValueError(
                f"Jenkinsfile:{_line(text, i)}: write `sh '<script>'` or `sh '''<script>'''` "
                "(the parity check reads only those forms)"
            )
        script, end = _read_string(text, j)
        stage = next((b for b in reversed(stack) if b.kind == "stage"), None)
        if stage is None:
            raise ValueError(f"Jenkinsfile:{_line(text, i)}: `sh` outside any stage")
        stage.gates += gates_of_shell(script)
        return end
    return i + len(word)


def _runs_after(later: Block, earlier: Block) -> bool:
    """True when Jenkins starts `later` only once `earlier` has finished."""
    if earlier.end < 0 or earlier.end > later.start:
        return False
    earlier_chain = earlier.ancestors()
    common = next(b for b in later.ancestors() if b in earlier_chain)
    # Siblings of one `parallel` block run side by side; anything else in order of the text.
    return common.kind != "parallel"


def compare(github: dict[str, Job], stages: list[Block]) -> list[str]:
    problems: list[str] = []
    by_name: dict[str, Block] = {}
    for block in stages:
        if block.gates:
            if block.name in by_name:
                problems.append(f"Jenkinsfile: stage '{block.name}' appears twice with gates")
            by_name[block.name] = block
    wanted = {job_id: job for job_id, job in github.items() if job.gates}
    for job_id, job in wanted.items():
        stage = by_name.get(job_id)
        if stage is None:
            problems.append(
                f"job {job_id} ({', '.join(job.gates)}) has no Jenkins stage('{job_id}')"
            )
            continue
        missing = [
            f"job {job_id}: {g} runs on GitHub but not in Jenkins"
            for g in job.gates
            if g not in stage.gates
        ]
        missing += [
            f"stage {job_id}: {g} runs in Jenkins but not on GitHub"
            for g in stage.gates
            if g not in job.gates
        ]
        problems += missing
        if not missing and job.gates != stage.gates:
            problems.append(
                f"job {job_id}: gates run in another order: GitHub {job.gates}, "
                f"Jenkins {stage.gates}"
            )
        for need in job.needs:
            earlier = by_name.get(need)
            if earlier is not None and not _runs_after(stage, earlier):
                problems.append(
                    f"job {job_id} needs {need} on GitHub, but Jenkins does not run "
                    f"stage '{job_id}' after stage '{need}'"
                )
    for name, stage in by_name.items():
        if name not in wanted:
            problems.append(
                f"Jenkins stage '{name}' ({', '.join(stage.gates)}) has no GitHub job of that id"
            )
    return problems


def check(jenkinsfile: Path, workflows: list[Path]) -> list[str]:
    try:
        stages = jenkins_stages(jenkinsfile.read_text(encoding="utf-8"))
        github = github_jobs(workflows)
    except ValueError as exc:
        return [str(exc)]
    return compare(github, stages)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jenkinsfile", type=Path, default=ROOT / "Jenkinsfile")
    parser.add_argument("workflows", nargs="*", type=Path)
    args = parser.parse_args(argv)
    workflows = args.workflows or [
        ROOT / ".github/workflows/ci.yml",
        ROOT / ".github/workflows/cd.yml",
    ]
    problems = check(args.jenkinsfile, workflows)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"pipeline_parity: {len(problems)} drift(s)", file=sys.stderr)
        return 1
    print(f"pipeline_parity: Jenkinsfile runs the gates of {len(workflows)} workflow(s) in step")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
