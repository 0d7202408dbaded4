"""Consistency checks for deploy/monitoring that promtool does not do.

  checks.py rules        every alert: severity critical|warning, summary, description,
                         runbook_url -> docs/runbooks/<AlertName>.md (file exists), and a
                         promtool test that expects it to fire and one that expects silence;
                         every metric named in an expression is taskapp's, a recording rule, or
                         in metrics-allowlist.yaml.
  checks.py fluentbit    fluent-bit/values.yaml ships to the contract's log group with
                         namespace/pod/container metadata and JSON fields merged, and only there.
  checks.py selftest     the metric-name extractor on known expressions.

Used by scripts/monitoring-rules.sh; the dashboard generator imports metric_names() and
allowed_metrics(); the generator, platform_check.py and alert_routing.py end with report().
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

MON = Path(__file__).resolve().parents[1]
ROOT = MON.parents[1]
RULES = sorted((MON / "rules").glob("*.yaml"))
TESTS = sorted((MON / "rules" / "tests").glob("*.yaml"))
RUNBOOK_PREFIX = "https://github.com/taskapp/taskapp/blob/main/docs/runbooks/"

# Words that look like identifiers in PromQL but are not metric names.
_KEYWORDS = {
    "and",
    "or",
    "unless",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "offset",
    "inf",
    "nan",
    "atan2",
}
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_BRACES = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def metric_names(expr: str) -> set[str]:
    """Metric names an expression selects (identifiers that are not functions or keywords)."""
    text = _STRING.sub('""', expr)
    text = _BRACES.sub("{}", text)
    text = _RANGE.sub("[]", text)
    text = _GROUPING.sub(" ", text)
    text = re.sub(r"\b\d+(\.\d+)?([eE][+-]?\d+)?([smhdwy]|ms)?\b", " ", text)  # numbers, durations
    names = set()
    for m in _IDENT.finditer(text):
        rest = text[m.end() :].lstrip()
        word = m.group(0)
        if rest.startswith("(") or word.lower() in _KEYWORDS:
            continue  # function call or keyword
        names.add(word)
    return names


def load_rules() -> list[dict]:
    return [
        {**rule, "_file": path.name, "_group": group["name"]}
        for path in RULES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
    ]


def allowed_metrics() -> set[str]:
    data = yaml.safe_load((MON / "metrics-allowlist.yaml").read_text())
    allowed = set(data["taskapp"]) | set(data["taskapp-worker"])
    for names in data["external"].values():
        allowed.update(names)
    allowed.update(r["record"] for r in load_rules() if "record" in r)
    return allowed


def check_rules() -> list[str]:
    errors: list[str] = []
    rules = load_rules()
    allowed = allowed_metrics()
    for rule in rules:
        where = f"{rule['_file']}:{rule['_group']}:{rule.get('alert') or rule.get('record')}"
        errors.extend(
            f"{where}: metric {name!r} is neither taskapp's, a recording rule, nor in "
            "metrics-allowlist.yaml"
            for name in sorted(metric_names(rule["expr"]) - allowed)
        )
        if "alert" not in rule:
            continue
        name = rule["alert"]
        sev = rule.get("labels", {}).get("severity")
        if sev not in ("critical", "warning"):
            errors.append(f"{where}: severity must be critical or warning, not {sev!r}")
        ann = rule.get("annotations", {})
        errors.extend(
            f"{where}: annotation {key} missing"
            for key in ("summary", "description", "runbook_url")
            if not str(ann.get(key, "")).strip()
        )
        if ann.get("runbook_url") != f"{RUNBOOK_PREFIX}{name}.md":
            errors.append(f"{where}: runbook_url must be {RUNBOOK_PREFIX}{name}.md")
        runbook = ROOT / "docs" / "runbooks" / f"{name}.md"
        if not runbook.is_file():
            errors.append(f"{where}: runbook {runbook.relative_to(ROOT)} does not exist")
        elif not all(h in runbook.read_text() for h in ("## Check", "## Act")):
            errors.append(f"{where}: runbook {runbook.name} needs '## Check' and '## Act' sections")

    # every alert has a firing and a silent test case
    fires: dict[str, int] = {}
    silent: dict[str, int] = {}
    for path in TESTS:
        for test in yaml.safe_load(path.read_text())["tests"]:
            for case in test.get("alert_rule_test", []):
                bucket = fires if case.get("exp_alerts") else silent
                bucket[case["alertname"]] = bucket.get(case["alertname"], 0) + 1
    for name in sorted({r["alert"] for r in rules if "alert" in r}):
        if not fires.get(name):
            errors.append(f"alert {name}: no promtool test case where it fires")
        if not silent.get(name):
            errors.append(f"alert {name}: no promtool test case where it must stay silent")
    # and every runbook belongs to an alert
    alerts = {r["alert"] for r in rules if "alert" in r}
    errors.extend(
        f"docs/runbooks/{runbook.name}: no alert of that name"
        for runbook in sorted((ROOT / "docs" / "runbooks").glob("*.md"))
        if runbook.stem not in alerts and runbook.stem != "README"
    )
    return errors


def check_fluentbit() -> list[str]:
    v = yaml.safe_load((MON / "fluent-bit" / "values.yaml").read_text())
    errors = []

    def want(cond: bool, msg: str) -> None:
        if not cond:
            errors.append(f"fluent-bit/values.yaml: {msg}")

    cw = v.get("cloudWatchLogs", {})
    want(cw.get("enabled") is True, "cloudWatchLogs.enabled must be true")
    want(
        bool(
            re.fullmatch(
                r"/aws/eks/taskapp-(dev|staging|prod)/containers", str(cw.get("logGroupName"))
            )
        ),
        "cloudWatchLogs.logGroupName must be /aws/eks/taskapp-<env>/containers",
    )
    want(
        cw.get("autoCreateGroup") is False,
        "the log group is Terraform's: autoCreateGroup must be false",
    )
    tmpl = str(cw.get("logStreamTemplate", ""))
    for key in ("namespace_name", "pod_name", "container_name"):
        want(
            f"$kubernetes['{key}']" in tmpl, f"logStreamTemplate must contain $kubernetes['{key}']"
        )
    f = v.get("filter", {})
    want(
        f.get("enabled") is True and f.get("mergeLog") == "On",
        "kubernetes filter with mergeLog On (JSON fields queryable)",
    )
    want(not f.get("mergeLogKey"), "mergeLogKey must be empty so JSON fields land at the top level")
    for out in (
        "cloudWatch",
        "firehose",
        "kinesis",
        "kinesis_streams",
        "elasticsearch",
        "s3",
        "opensearch",
    ):
        want(
            v.get(out, {}).get("enabled") is False,
            f"{out}.enabled must be false (CloudWatch Logs only)",
        )
    want(
        v.get("serviceAccount", {}).get("name") == "aws-for-fluent-bit",
        "service account must be aws-for-fluent-bit (IRSA)",
    )
    want(
        bool(re.fullmatch(r"[a-z]{2}-[a-z]+-\d", str(cw.get("region")))),
        "cloudWatchLogs.region must be an AWS region",
    )
    want(
        "${" not in yaml.safe_dump(v),
        "no ${ENV} placeholders: per-environment values come from the Argo CD Application",
    )
    return errors


def selftest() -> None:
    cases = {
        'sum by (namespace) (rate(http_requests_total{job="a", route=~"/api/v1/.+"}[5m]))': {
            "http_requests_total"
        },
        "a:b:rate5m / 0.001 > 14.4 and c_total offset 1h > 1/60": {"a:b:rate5m", "c_total"},
        "max by (ns, hpa) (x) >= on (ns) group_left (y) z": {"x", "z"},
        'histogram_quantile(0.99, sum by (le, route) (rate(h_bucket{le!=""}[$__rate_interval])))': {
            "h_bucket"
        },
        'label_replace(m{a="b(c)"}, "namespace", "$1", "dest", "(.*)") == 1': {"m"},
        "time() - kube_cronjob_created > 26 * 3600 unless on (namespace) other": {
            "kube_cronjob_created",
            "other",
        },
        'absent(up{job="x"} == 1) or vector(0)': {"up"},
        "1e3 * sum(rate(x_seconds_sum[1d])) / sum(rate(x_seconds_count[1d]))": {
            "x_seconds_sum",
            "x_seconds_count",
        },
    }
    for expr, want in cases.items():
        got = metric_names(expr)
        if got != want:  # a plain assert would vanish under python -O
            raise SystemExit(f"selftest: metric_names({expr!r}) = {got}, want {want}")


def report(errors: list[str], summary: str) -> int:
    """A check's ending: each error on stderr, then the summary line; exit status 1 on any error."""
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    print(summary)
    return 1 if errors else 0


def main(argv: list[str]) -> int:
    selftest()
    if argv[1:] == ["selftest"]:
        print("metric-name extractor: ok")
        return 0
    if argv[1:] == ["fluentbit"]:
        errors = check_fluentbit()
        return report(errors, f"fluent-bit values: {len(errors)} problems")
    if argv[1:] == ["rules"]:
        errors = check_rules()
        n = sum(1 for r in load_rules() if "alert" in r)
        return report(errors, f"rule consistency: {n} alert rules, {len(errors)} problems")
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
