#!/usr/bin/env python3
"""The CI role against the pipeline that uses it (make ci-role-test; scripts/terraform.sh ci-role).

What the pipeline needs is derived from the files that run it: every job of .github/workflows
that assumes the role (aws-actions/configure-aws-credentials, directly or through a local
action) gives an OIDC subject (its GitHub environment, or the refs its triggers run on) and the
AWS calls of its steps, the local actions they use and the scripts they run (`aws <service>
<operation>`, ECR logins, docker/helm pushes and pulls). What the role may do is read from
Terraform's plan of ../deploy/terraform (estate/ci-role: shared and two envs with the web app on
CloudFront): its trust policy and every inline policy attached to it. The check fails on a call
the role cannot make and on a grant or subject no call needs.

    terraform test -verbose -json ... | ci_role.py collect > plans.json
    ci_role.py check plans.json
    ci_role.py needs                # what the workflows need, as JSON
"""

from __future__ import annotations

import fnmatch
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
ROLE = "taskapp-github-actions"
CONFIGURE = "aws-actions/configure-aws-credentials"
ECR_LOGIN = "aws-actions/amazon-ecr-login"
ISSUER = "token.actions.githubusercontent.com"


class Unreadable(SystemExit):
    """The pipeline or the plan says something this script cannot judge: fail, never guess."""


def _require(ok: object, message: str) -> None:
    if not ok:
        raise Unreadable(f"ci-role: {message}")


def _load(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text())


# What each kind of call needs (IAM actions). A push checks which layers exist, uploads the
# missing ones and writes the manifest (buildx and helm read the manifest back); a pull reads the
# manifest and downloads layers.
PUSH = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
    "ecr:BatchGetImage",
)
PULL = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
CLI = {
    ("ecr", "describe-images"): ("ecr:DescribeImages",),
    ("ecr", "batch-get-image"): ("ecr:BatchGetImage",),
    ("ecr", "put-image"): ("ecr:PutImage",),
    ("ecr", "get-login-password"): ("ecr:GetAuthorizationToken",),
    ("cloudfront", "create-invalidation"): ("cloudfront:CreateInvalidation",),
}
# An upload into the web bucket: PutObject (multipart parts included), and data keys of the
# bucket's KMS key (Decrypt completes a multipart upload).
S3_UPLOAD = ("s3:PutObject",)
KMS_UPLOAD = ("kms:GenerateDataKey", "kms:Decrypt")


@dataclass(frozen=True)
class Need:
    """One IAM action on one kind of resource: `ecr:<repository glob>`, `web-objects`,
    `web-key`, `distribution` or `*`; `where` says which file asked for it."""

    action: str
    resource: str
    where: str


def _glob(word: str, text: str) -> str:
    """A shell word as a glob: quotes dropped, `$var` resolved through a `var="..."` assignment
    in the same text where there is one, any other expansion a `*`."""
    word = word.strip("\"'")
    m = re.fullmatch(r"\$\{?(\w+)\}?", word)
    if m:
        a = re.search(rf'\b{m[1]}="([^"]+)"', text)
        if a:
            word = a[1]
    return re.sub(r"\$\{\{[^}]*\}\}|\$\{?\w+\}?|\$\([^)]*\)", "*", word)


def _calls(text: str, env: dict[str, str], where: str) -> set[Need]:
    """The AWS calls of a shell text (a run step or a script)."""
    out: set[Need] = set()
    text = re.sub(r"(?m)^\s*#.*$", "", text)  # comments
    for m in re.finditer(r"\baws (\w+) ([a-z-]+)([^\n]*)", text):
        service, op, rest = m[1], m[2], m[3]
        if service == "s3" and op == "cp":
            if "s3://" in rest:  # an upload (the pipeline never downloads)
                out |= {Need(a, "web-objects", where) for a in S3_UPLOAD}
                out |= {Need(a, "web-key", where) for a in KMS_UPLOAD}
            continue
        actions = CLI.get((service, op))
        if actions is None:  # reported if the job assumes the role
            out.add(Need(f"unknown command `aws {service} {op}`", "?", where))
            continue
        repo = re.search(r"--repository-name (\S+)", rest)
        for a in actions:
            if a == "ecr:GetAuthorizationToken":
                out.add(Need(a, "*", where))
            elif service == "ecr":
                _require(repo, f"{where}: aws ecr {op} without --repository-name")
                out.add(Need(a, "ecr:" + _glob(repo[1], text), where))
            else:
                out.add(Need(a, "distribution", where))
    for m in re.finditer(r'helm"? (push \S+|show chart) "?oci://[^/]+/([^"\s]+)', text):
        push = m[1].startswith("push")
        repo = m[2] + "/*" if push else m[2]  # push names the namespace, the chart is the rest
        for a in PUSH if push else PULL:
            out.add(Need(a, "ecr:" + _glob(repo, text), where))
    if re.search(r'(docker|DOCKER}?"?) pull', text):
        images = [v for v in env.values() if re.search(r"/taskapp-[\w$.{}-]+:", v)]
        _require(images, f"{where}: a docker pull whose image the step's env does not name")
        for image in images:
            repo = re.search(r"/(taskapp-[^:]+):", image)[1]  # type: ignore[index]
            out |= {Need(a, "ecr:" + _glob(repo, text), where) for a in PULL}
    return out


def _scripts(text: str) -> list[Path]:
    return [ROOT / s for s in dict.fromkeys(re.findall(r"\b(scripts/[\w.-]+\.sh)\b", text))]


def _steps(steps: list[dict[str, Any]], where: str) -> tuple[bool, set[Need]]:
    """(does it assume the role, the calls) of a list of steps, local actions followed."""
    assumes, needs = False, set()
    for step in steps:
        uses = str(step.get("uses", ""))
        env = {k: str(v) for k, v in (step.get("env") or {}).items()}
        if uses.startswith(CONFIGURE):
            assumes = True
        elif uses.startswith(ECR_LOGIN):
            needs.add(Need("ecr:GetAuthorizationToken", "*", where))
        elif uses.startswith("docker/build-push-action") and (step.get("with") or {}).get("push"):
            for tag in re.split(r"[\n,]", str(step["with"]["tags"])):
                if not tag.strip():
                    continue
                repo = _glob(tag.strip(), "").split("/", 1)[1].rsplit(":", 1)[0]
                needs |= {Need(a, "ecr:" + _glob(repo, ""), where) for a in PUSH}
        elif uses.startswith("./"):
            action = _load(ROOT / uses / "action.yml")
            a, n = _steps(action["runs"].get("steps", []), uses)
            assumes, needs = assumes or a, needs | n
        run = str(step.get("run", ""))
        needs |= _calls(run, env, where)
        for script in _scripts(run):
            needs |= _calls(script.read_text(), env, str(script.relative_to(ROOT)))
    return assumes, needs


def _subjects(wf: dict[str, Any], job: dict[str, Any]) -> set[str]:
    """The OIDC sub claims a job presents: `environment:<name>` when it names a GitHub
    environment, else `ref:<ref>` for each ref its workflow's triggers run it on."""
    on = wf["on"]
    env = job.get("environment")
    if isinstance(env, dict):
        env = env.get("name")
    if env:
        m = re.fullmatch(r"\$\{\{\s*inputs\.(\w+)\s*\}\}", str(env))
        if m:
            options = on["workflow_dispatch"]["inputs"][m[1]]["options"]
            return {f"environment:{o}" for o in options}
        return {f"environment:{env}"}
    refs: set[str] = set()
    for trigger, given in (on if isinstance(on, dict) else dict.fromkeys(on)).items():
        spec = given or {}
        if trigger == "push":
            refs |= {f"ref:refs/heads/{b}" for b in spec.get("branches", [])}
            refs |= {f"ref:refs/tags/{t}" for t in spec.get("tags", [])}
        elif trigger in ("workflow_dispatch", "schedule", "workflow_run"):
            refs.add("ref:refs/heads/main")  # the default branch; others are refused by design
        else:
            refs.add(f"{trigger}:*")  # e.g. pull_request: must never be trusted
    return refs


def needs(root: Path = ROOT) -> tuple[set[str], set[Need]]:
    """(subjects, calls) of every job that assumes the role."""
    subjects: set[str] = set()
    calls: set[Need] = set()
    for path in sorted((root / ".github/workflows").glob("*.yml")):
        wf = _load(path)
        for name, job in wf["jobs"].items():
            assumes, n = _steps(job.get("steps", []), f"{path.name}:{name}")
            if assumes:
                subjects |= _subjects(wf, job)
                calls |= n
    return subjects, calls


# ---------------------------------------------------------------------------------------------
# The plans


def collect(lines: Any) -> dict[str, Any]:
    """`terraform test -verbose -json` output -> {run: resource changes}; fails on a failed run."""
    plans: dict[str, Any] = {}
    for line in lines:
        d = json.loads(line)
        if d.get("type") == "test_plan":
            plan = d["test_plan"]
            plans[d["@testrun"]] = {
                "resources": plan.get("resource_changes", []),
                "outputs": {k: v.get("after") for k, v in plan.get("output_changes", {}).items()},
            }
        elif d.get("type") == "test_run" and d["test_run"].get("status") in ("fail", "error"):
            raise SystemExit(f"terraform test run {d['@testrun']} failed")
        elif d.get("type") == "diagnostic" and d.get("@level") == "error":
            raise SystemExit(d["@message"])
    if not plans:
        raise SystemExit("no plan in the terraform test output")
    return plans


def _after(changes: list[Any], where: Any) -> list[dict[str, Any]]:
    return [c["change"]["after"] | {"@": c["address"]} for c in changes if where(c)]


def granted(plans: dict[str, Any]) -> tuple[set[str], dict[str, set[str]], set[tuple[str, str]]]:
    """(trust subjects, resource kind -> ARNs, (action, ARN) pairs the role may use)."""
    shared = plans["shared"]["resources"]
    role = _after(shared, lambda c: c["type"] == "aws_iam_role" and "github_oidc" in c["address"])
    _require(len(role) == 1, "the CI role is not in the plan of shared")
    trust = json.loads(role[0]["assume_role_policy"])["Statement"]
    subjects = {
        s.split(":", 2)[2]
        for st in trust
        for s in st["Condition"]["StringLike"][f"{ISSUER}:sub"]
        if st["Effect"] == "Allow"
    }
    kinds: dict[str, set[str]] = {"*": {"*"}}
    for name, arn in plans["shared"]["outputs"]["ecr_repository_arns"].items():
        kinds.setdefault("ecr:" + name, set()).add(arn)
    docs = [
        p["policy"]
        for p in _after(
            shared, lambda c: c["type"] == "aws_iam_role_policy" and "github_oidc" in c["address"]
        )
    ]
    for run, plan in plans.items():
        if run == "shared":
            continue
        changes = plan["resources"]
        policies = _after(changes, lambda c: c["type"] == "aws_iam_role_policy")
        docs += [p["policy"] for p in policies if p["role"] == ROLE]
        for b in _after(changes, lambda c: c["address"].endswith("aws_s3_bucket.web")):
            kinds.setdefault("web-objects", set()).add(f"arn:aws:s3:::{b['bucket']}/*")
        for k in _after(
            changes, lambda c: "module.edge" in c["address"] and c["type"] == "aws_kms_key"
        ):
            kinds.setdefault("web-key", set()).add(k["arn"])
        for d in _after(changes, lambda c: c["type"] == "aws_cloudfront_distribution"):
            kinds.setdefault("distribution", set()).add(d["arn"])
    pairs: set[tuple[str, str]] = set()
    for doc in docs:
        for st in json.loads(doc)["Statement"]:
            _require(st["Effect"] == "Allow", f"a Deny or other statement: {st}")
            _require("Condition" not in st, f"a conditional grant: {st}")
            actions = [st["Action"]] if isinstance(st["Action"], str) else st["Action"]
            resources = [st["Resource"]] if isinstance(st["Resource"], str) else st["Resource"]
            pairs |= {(a, r) for a in actions for r in resources}
    return subjects, kinds, pairs


def check(plans: dict[str, Any], root: Path = ROOT) -> list[str]:
    want_subjects, calls = needs(root)
    subjects, kinds, pairs = granted(plans)
    problems = [
        f"no job presents the trusted subject {s}"
        for s in sorted(subjects)
        if not any(fnmatch.fnmatchcase(w, s) for w in want_subjects)
    ] + [
        f"the role does not trust {w} (a job of .github/workflows assumes it so)"
        for w in sorted(want_subjects)
        if not any(fnmatch.fnmatchcase(w, s) for s in subjects)
    ]
    # Each call on every resource of its kind (a repository glob names every repository it matches).
    needed: set[tuple[str, str]] = set()
    for n in sorted(calls, key=lambda n: (n.action, n.resource, n.where)):
        if n.resource == "?":
            problems.append(f"{n.where}: {n.action}: teach scripts/ci_role.py its IAM actions")
            continue
        arns = {a for k, v in kinds.items() if fnmatch.fnmatchcase(k, n.resource) for a in v}
        if not arns:
            problems.append(f"{n.where}: {n.action} on {n.resource}, which the plan does not hold")
        for arn in sorted(arns):
            needed.add((n.action, arn))
            if not any(
                fnmatch.fnmatchcase(n.action, a) and fnmatch.fnmatchcase(arn, r) for a, r in pairs
            ):
                problems.append(f"{n.where}: the role may not {n.action} on {arn}")
    problems += [
        f"the role may {a} on {r}, which no call of the pipeline needs"
        for a, r in sorted(pairs)
        if not any(fnmatch.fnmatchcase(na, a) and fnmatch.fnmatchcase(nr, r) for na, nr in needed)
        or "*" in a
        or (r == "*" and a != "ecr:GetAuthorizationToken")
    ]
    return list(dict.fromkeys(problems))


def main(argv: list[str]) -> int:
    if argv[:1] == ["collect"]:
        json.dump(collect(sys.stdin), sys.stdout)
        return 0
    if argv[:1] == ["needs"]:
        subjects, calls = needs()
        out = {
            "subjects": sorted(subjects),
            "calls": sorted({(n.action, n.resource) for n in calls}),
        }
        json.dump(out, sys.stdout, indent=1)
        return 0
    if len(argv) == 2 and argv[0] == "check":
        problems = check(json.loads(Path(argv[1]).read_text()))
        for p in problems:
            print(f"ci-role: {p}", file=sys.stderr)
        if not problems:
            subjects, calls = needs()
            print(
                f"ci-role: {len(subjects)} subjects and {len(calls)} calls of .github/workflows:"
                " the role allows each, nothing more"
            )
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
