"""scripts/ci_role.py: what it derives from the real workflows, and that its check refuses a
missing grant, a broader one and an untrusted trigger (small plans shaped like Terraform's
`terraform test -verbose -json` output). The check over the real plan is `make ci-role-test`."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("ci_role", ROOT / "scripts/ci_role.py")
assert _spec
assert _spec.loader
ci_role = importlib.util.module_from_spec(_spec)
sys.modules["ci_role"] = ci_role  # dataclasses look their module up
_spec.loader.exec_module(ci_role)

REPO = "arn:aws:ecr:eu-west-1:123456789012:repository/"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/k"
DIST = "arn:aws:cloudfront::123456789012:distribution/E1"


def _policy(*statements: tuple[list[str], list[str]]) -> str:
    return json.dumps(
        {"Statement": [{"Effect": "Allow", "Action": a, "Resource": r} for a, r in statements]}
    )


def _plans(subjects: list[str], web_actions: list[str]) -> dict[str, Any]:
    """shared (the role, its ECR policy as the pipeline needs it) and one env with the web app."""
    repos = ["taskapp-backend", "taskapp-frontend", "charts/taskapp-backend"]
    arns = {r: REPO + r for r in repos}
    trust = {
        "Statement": [
            {
                "Effect": "Allow",
                "Condition": {
                    "StringLike": {
                        f"{ci_role.ISSUER}:sub": [f"repo:taskapp/taskapp:{s}" for s in subjects]
                    }
                },
            }
        ]
    }
    ecr = _policy(
        (["ecr:GetAuthorizationToken"], ["*"]),
        (list(ci_role.PUSH), list(arns.values())),
        (["ecr:DescribeImages"], [arns["taskapp-backend"], arns["taskapp-frontend"]]),
        (
            ["ecr:GetDownloadUrlForLayer"],
            [arns["taskapp-frontend"], arns["charts/taskapp-backend"]],
        ),
    )

    def res(address: str, kind: str, after: dict[str, Any]) -> dict[str, Any]:
        return {"address": address, "type": kind, "change": {"after": after}}

    return {
        "shared": {
            "outputs": {"ecr_repository_arns": arns},
            "resources": [
                res("module.github_oidc.aws_iam_role.ci", "aws_iam_role", {
                    "assume_role_policy": json.dumps(trust)
                }),
                res("module.github_oidc.aws_iam_role_policy.ecr_push", "aws_iam_role_policy", {
                    "policy": ecr, "role": "x"
                }),
            ],
        },
        "dev": {
            "outputs": {},
            "resources": [
                res("module.edge[0].aws_s3_bucket.web", "aws_s3_bucket", {"bucket": "dev-web"}),
                res("module.edge[0].module.kms.aws_kms_key.this", "aws_kms_key", {"arn": KEY}),
                res("module.edge[0].aws_cloudfront_distribution.this",
                    "aws_cloudfront_distribution", {"arn": DIST}),
                res("module.edge[0].aws_iam_role_policy.publisher[0]", "aws_iam_role_policy", {
                    "role": ci_role.ROLE,
                    "policy": _policy(
                        (web_actions, ["arn:aws:s3:::dev-web/*"]),
                        (["kms:GenerateDataKey", "kms:Decrypt"], [KEY]),
                        (["cloudfront:CreateInvalidation"], [DIST]),
                    ),
                }),
            ],
        },
    }  # fmt: skip


SUBJECTS = [
    "ref:refs/heads/main",
    "ref:refs/tags/v*",
    "environment:dev",
    "environment:staging",
    "environment:production",
]


def test_the_workflows_need_environment_subjects_and_the_web_publish_calls() -> None:
    subjects, calls = ci_role.needs()
    assert {"environment:dev", "environment:staging", "environment:production"} <= subjects
    assert "ref:refs/heads/main" in subjects
    pairs = {(n.action, n.resource) for n in calls}
    assert ("s3:PutObject", "web-objects") in pairs
    assert ("cloudfront:CreateInvalidation", "distribution") in pairs
    # publish-web.sh never lists, reads or deletes the bucket.
    assert not {a for a, r in pairs if r == "web-objects"} - {"s3:PutObject"}


def test_a_plan_that_grants_exactly_what_the_workflows_call_passes() -> None:
    assert ci_role.check(_plans(SUBJECTS, ["s3:PutObject"])) == []


def test_a_wildcard_action_on_the_web_bucket_is_refused() -> None:
    problems = ci_role.check(_plans(SUBJECTS, ["s3:*"]))
    assert problems == [
        "the role may s3:* on arn:aws:s3:::dev-web/*, which no call of the pipeline needs"
    ]


def test_an_environment_the_role_does_not_trust_is_caught() -> None:
    problems = ci_role.check(
        _plans([s for s in SUBJECTS if s != "environment:production"], ["s3:PutObject"])
    )
    assert problems == [
        "the role does not trust environment:production (a job of .github/workflows assumes it so)"
    ]


def test_a_pull_request_job_that_assumes_the_role_is_never_trusted(tmp_path: Path) -> None:
    shutil.copytree(ROOT / ".github", tmp_path / ".github")
    (tmp_path / ".github/workflows/pr.yml").write_text(
        "on: {pull_request: {}}\n"
        "jobs:\n"
        "  x:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        "      - uses: aws-actions/configure-aws-credentials@v4\n"
    )
    subjects, _ = ci_role.needs(tmp_path)
    assert "pull_request:*" in subjects
    problems = ci_role.check(_plans(SUBJECTS, ["s3:PutObject"]), tmp_path)
    assert (
        "the role does not trust pull_request:* (a job of .github/workflows assumes it so)"
        in problems
    )
