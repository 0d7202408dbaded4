"""Grafana dashboards for taskapp, as code (grafana-foundation-sdk).

    generate.py write            rewrite the committed *.json next to this file
    generate.py check OUT_RULES  fail if a committed *.json differs from what this script builds
                                 (drift), if a query names a metric that is neither taskapp's, a
                                 recording rule, nor in ../metrics-allowlist.yaml; and write every
                                 panel/variable query, Grafana variables substituted, as a rule file
                                 OUT_RULES for `promtool check rules` (syntax check).

Run through `make monitoring-dashboards` / `make monitoring-dashboards-generate` (pinned SDK in a
tool venv). Never edit the JSON by hand: change this file and regenerate.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path
from typing import TypeVar

from grafana_foundation_sdk.builders import common as cb
from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import prometheus, stat, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common as cm
from grafana_foundation_sdk.models import dashboard as dm

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools"))
from checks import allowed_metrics, metric_names, report  # noqa: E402

DS = dm.DataSourceRef(type_val="prometheus", uid="${datasource}")
APP = 'job="taskapp-backend", namespace=~"$namespace"'
API = APP + ', route=~"/api/v1/.+"'
WORKER = 'job="taskapp-worker", namespace=~"$namespace"'
RI = "$__rate_interval"


# ----------------------------------------------------------------------------- helpers
def q(expr: str, legend: str = "", ref: str = "A", instant: bool = False) -> prometheus.Dataquery:
    query = (
        prometheus.Dataquery()
        .expr(expr)
        .legend_format(legend or "__auto")
        .ref_id(ref)
        .datasource(DS)
    )
    return query.instant() if instant else query.range()


Framed = TypeVar("Framed", timeseries.Panel, stat.Panel)


def framed(panel: Framed, title: str, desc: str, unit: str, w: int, h: int) -> Framed:
    """What every panel states: its title, description and unit, the data source, its size."""
    return panel.title(title).description(desc).unit(unit).datasource(DS).span(w).height(h)


def legend() -> cb.VizLegendOptions:
    return (
        cb.VizLegendOptions()
        .display_mode(cm.LegendDisplayMode.TABLE)
        .placement(cm.LegendPlacement.BOTTOM)
        .show_legend(True)
        .calcs(["mean", "max", "lastNotNull"])
    )


def ts(
    title: str,
    desc: str,
    unit: str,
    *queries: prometheus.Dataquery,
    w: int = 12,
    h: int = 8,
    stack: bool = False,
) -> timeseries.Panel:
    panel = (
        framed(timeseries.Panel(), title, desc, unit, w, h)
        .line_width(1)
        .fill_opacity(10)
        .legend(legend())
    )
    if stack:
        panel = panel.stacking(cb.StackingConfig().mode(cm.StackingMode.NORMAL))
    for i, query in enumerate(queries):
        panel = panel.with_target(query.ref_id(chr(ord("A") + i)))
    return panel


def thresholds(*steps: tuple[float | None, str]) -> db.ThresholdsConfig:
    return (
        db.ThresholdsConfig()
        .mode(dm.ThresholdsMode.ABSOLUTE)
        .steps([dm.Threshold(value=v, color=c) for v, c in steps])
    )


def st(
    title: str,
    desc: str,
    unit: str,
    expr: str,
    legend: str,
    th: db.ThresholdsConfig,
    w: int = 6,
    h: int = 5,
    decimals: float | None = None,
) -> stat.Panel:
    """A big number: the latest value of `expr` (an instant query), coloured by `th`."""
    panel = (
        framed(stat.Panel(), title, desc, unit, w, h)
        .with_target(q(expr, legend, instant=True))
        .thresholds(th)
        .color_mode(cm.BigValueColorMode.BACKGROUND)
        .graph_mode(cm.BigValueGraphMode.AREA)
        .reduce_options(cb.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
    )
    if decimals is not None:
        panel = panel.decimals(decimals)
    return panel


def datasource_var() -> db.DatasourceVariable:
    return db.DatasourceVariable("datasource").label("Data source").type("prometheus")


def namespace_var(metric_selector: str) -> db.QueryVariable:
    return (
        db.QueryVariable("namespace")
        .label("Namespace")
        .datasource(DS)
        .query(f"label_values({metric_selector}, namespace)")
        .refresh(dm.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(dm.VariableSort.ALPHABETICAL_ASC)
        .multi(True)
        .include_all(True)
        .all_value("taskapp-.*")
    )


def base(title: str, uid: str, desc: str) -> db.Dashboard:
    return (
        db.Dashboard(title)
        .uid(uid)
        .description(desc)
        .tags(["taskapp"])
        .editable()
        .time("now-6h", "now")
        .refresh("30s")
        .timezone("browser")
        .tooltip(dm.DashboardCursorSync.CROSSHAIR)
        .link(
            db.DashboardLink("taskapp dashboards")
            .type(dm.DashboardLinkType.DASHBOARDS)
            .tags(["taskapp"])
            .as_dropdown(True)
            .keep_time(True)
            .include_vars(True)
        )
        .with_variable(datasource_var())
    )


# The SLO panels: one shape per SLI (availability, latency), read from the recording rules
# taskapp:slo_<sli>_error_ratio:rate<window> and taskapp:slo_<sli>_error_budget:remaining.
BURN_WINDOWS = ("5m", "1h", "6h", "1d")


def sli_30d(sli: str, title: str, good: str, objective: float, decimals: int) -> stat.Panel:
    return st(
        title,
        f"Share of /api/v1 requests {good} over 30 days (objective {objective * 100:g}%).",
        "percentunit",
        f'1 - taskapp:slo_{sli}_error_ratio:rate30d{{namespace=~"$namespace"}}',
        "{{namespace}}",
        thresholds((None, "red"), (objective, "green")),
        decimals=decimals,
    )


def budget_left(sli: str, title: str, budget: str) -> stat.Panel:
    return st(
        title,
        f"Remaining share of the 30-day {sli} error budget ({budget} of requests). "
        "Below 0: SLO missed.",
        "percentunit",
        f'taskapp:slo_{sli}_error_budget:remaining{{namespace=~"$namespace"}}',
        "{{namespace}}",
        thresholds((None, "red"), (0.25, "orange"), (0.5, "green")),
        decimals=1,
    )


def burn_rate(sli: str, title: str, desc: str, budget: float) -> timeseries.Panel:
    return ts(
        title,
        desc,
        "none",
        *(
            q(
                f'taskapp:slo_{sli}_error_ratio:rate{window}{{namespace=~"$namespace"}}'
                f" / {budget:g}",
                f"{window} {{{{namespace}}}}",
            )
            for window in BURN_WINDOWS
        ),
    )


# ----------------------------------------------------------------------------- dashboards
def api_overview() -> db.Dashboard:
    return (
        base(
            "taskapp / API overview",
            "taskapp-api-overview",
            "RED view of the taskapp API (requests, errors, duration), its two 30-day SLOs, "
            "and what users do (tasks, sessions, auth). See docs/observability.md.",
        )
        .with_variable(namespace_var('http_requests_total{job="taskapp-backend"}'))
        .with_row(db.Row("SLOs (30 days): availability 99.9% non-5xx, latency 99% under 300 ms"))
        .with_panel(
            sli_30d("availability", "Availability, 30d", "that were not 5xx", 0.999, decimals=3)
        )
        .with_panel(budget_left("availability", "Availability error budget left", "0.1%"))
        .with_panel(sli_30d("latency", "Latency SLI, 30d", "faster than 300 ms", 0.99, decimals=2))
        .with_panel(budget_left("latency", "Latency error budget left", "1%"))
        .with_panel(
            burn_rate(
                "availability",
                "Availability burn rate",
                (
                    "Error ratio divided by the 0.1% budget: 1 spends the budget in exactly 30 "
                    "days; pages at 14.4 (1h and 5m) and 6 (6h and 30m)."
                ),
                0.001,
            )
        )
        .with_panel(
            burn_rate(
                "latency",
                "Latency burn rate",
                "Slow-request ratio divided by the 1% budget.",
                0.01,
            )
        )
        .with_row(db.Row("Requests, errors, duration"))
        .with_panel(
            ts(
                "Request rate by route",
                (
                    "Requests per second per route template (all routes, including /health, /ready "
                    "and unmatched paths)."
                ),
                "reqps",
                q(f"sum by (route) (rate(http_requests_total{{{APP}}}[{RI}]))", "{{route}}"),
                stack=True,
            )
        )
        .with_panel(
            ts(
                "Requests by status",
                "Responses per second by HTTP status code.",
                "reqps",
                q(f"sum by (status) (rate(http_requests_total{{{APP}}}[{RI}]))", "{{status}}"),
                stack=True,
            )
        )
        .with_panel(
            ts(
                "Error ratio (5xx) by route",
                "Share of each /api/v1 route's responses that are 5xx.",
                "percentunit",
                q(
                    (
                        f'sum by (route) (rate(http_requests_total{{{API}, status=~"5.."}}[{RI}])) '
                        f"/ sum by (route) (rate(http_requests_total{{{API}}}[{RI}]))"
                    ),
                    "{{route}}",
                ),
            )
        )
        .with_panel(
            ts(
                "Client errors (4xx) by route and status",
                (
                    "404/409/422/... per second: client mistakes, not SLO errors, but a jump after "
                    "a release means a broken client."
                ),
                "reqps",
                q(
                    (
                        f"sum by (route, status) (rate(http_requests_total{{{APP}, "
                        f'status=~"4.."}}[{RI}]))'
                    ),
                    "{{route}} {{status}}",
                ),
            )
        )
        .with_panel(
            ts(
                "Latency p50 / p95 / p99 by route",
                (
                    "Quantiles from the request duration histogram (buckets 5 ms .. 10 s); the "
                    "latency SLO line is 300 ms."
                ),
                "s",
                q(
                    (
                        f"histogram_quantile(0.50, sum by (le, route) "
                        f"(rate(http_request_duration_seconds_bucket{{{API}}}[{RI}])))"
                    ),
                    "p50 {{route}}",
                ),
                q(
                    (
                        f"histogram_quantile(0.95, sum by (le, route) "
                        f"(rate(http_request_duration_seconds_bucket{{{API}}}[{RI}])))"
                    ),
                    "p95 {{route}}",
                ),
                q(
                    (
                        f"histogram_quantile(0.99, sum by (le, route) "
                        f"(rate(http_request_duration_seconds_bucket{{{API}}}[{RI}])))"
                    ),
                    "p99 {{route}}",
                ),
                w=24,
                h=10,
            )
            .thresholds(thresholds((None, "green"), (0.3, "red")))
            .thresholds_style(
                cb.GraphThresholdsStyleConfig().mode(cm.GraphThresholdsStyleMode.LINE)
            )
        )
        .with_panel(
            ts(
                "In-progress requests",
                "Requests being handled right now, per route (queueing shows here first).",
                "short",
                q(f"sum by (route) (http_requests_in_progress{{{APP}}})", "{{route}}"),
                stack=True,
            )
        )
        .with_panel(
            ts(
                "Share of requests faster than 300 ms",
                "Good-latency ratio over 5 minutes (the latency SLI).",
                "percentunit",
                q(
                    '1 - taskapp:slo_latency_error_ratio:rate5m{namespace=~"$namespace"}',
                    "{{namespace}}",
                ),
            )
        )
        .with_row(db.Row("Usage"))
        .with_panel(
            ts(
                "Tasks by status",
                "All users' tasks per status (tasks_total gauge).",
                "short",
                q(f"sum by (status) (tasks_total{{{APP}}})", "{{status}}"),
                w=8,
                stack=True,
            )
        )
        .with_panel(
            ts(
                "Tasks created / completed",
                "Created: successful POST /api/v1/tasks. Completed: growth of the done count.",
                "short",
                q(
                    (
                        f'sum(increase(http_requests_total{{{APP}, method="POST", '
                        f'route="/api/v1/tasks", status="201"}}[{RI}]))'
                    ),
                    "created",
                ),
                q(
                    f'clamp_min(sum(delta(tasks_total{{{APP}, status="done"}}[{RI}])), 0)',
                    "completed",
                ),
                w=8,
            )
        )
        .with_panel(
            ts(
                "Active sessions",
                "Unexpired, unrevoked refresh-token families.",
                "short",
                q(f"max(active_sessions{{{APP}}})", "sessions"),
                w=8,
            )
        )
        .with_panel(
            ts(
                "Auth events",
                (
                    "Logins, failures, lockouts, refreshes, detected refresh-token reuse, logouts "
                    "per second."
                ),
                "ops",
                q(f"sum by (event) (rate(auth_events_total{{{APP}}}[{RI}]))", "{{event}}"),
                w=16,
            )
        )
        .with_panel(
            stat.Panel()
            .title("Running versions")
            .description("taskapp_build_info: pods per version and commit.")
            .datasource(DS)
            .span(8)
            .height(8)
            .text_mode(cm.BigValueTextMode.VALUE_AND_NAME)
            .with_target(
                q(
                    f"count by (version, commit) (taskapp_build_info{{{APP}}})",
                    "{{version}} {{commit}}",
                    instant=True,
                )
            )
            .reduce_options(cb.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
        )
        # The background worker (its own Deployment, scraped as job="taskapp-worker"); the
        # job's name is `exported_job` (the target's job label wins). Alerts: worker-alerts.yaml.
        .with_row(db.Row("Background worker: reminders and mail"))
        .with_panel(
            st(
                "Worker targets up",
                "Worker pods Prometheus scrapes successfully (TaskappWorkerDown at 0 for 5 min).",
                "short",
                f"sum(up{{{WORKER}}})",
                "up",
                thresholds((None, "red"), (1, "green")),
                w=6,
                decimals=0,
            )
        )
        .with_panel(
            st(
                "Since the last tick",
                (
                    "Seconds since any worker replica last went round its job loop "
                    "(TaskappWorkerNotTicking above 300 s for 5 min)."
                ),
                "s",
                f"time() - max(taskapp_worker_last_tick_timestamp_seconds{{{WORKER}}})",
                "since last tick",
                thresholds((None, "green"), (120, "orange"), (300, "red")),
                w=6,
                decimals=0,
            )
        )
        .with_panel(
            ts(
                "Reminders due, not yet fired",
                (
                    "taskapp_reminders_due: a healthy worker empties it within seconds "
                    "(TaskappRemindersOverdue when it stays above 0 for 15 min)."
                ),
                "short",
                q(f"max by (namespace) (taskapp_reminders_due{{{WORKER}}})", "{{namespace}}"),
                w=12,
                h=5,
            )
        )
        .with_panel(
            ts(
                "Jobs by outcome",
                (
                    "Job runs per second by job and outcome: ok, retry (will run again), failed "
                    "(given up; TaskappWorkerJobsFailing above 10%)."
                ),
                "ops",
                q(
                    f"sum by (exported_job, outcome) (rate(taskapp_jobs_total{{{WORKER}}}[{RI}]))",
                    "{{exported_job}} {{outcome}}",
                ),
                stack=True,
            )
        )
        .with_panel(
            ts(
                "Job duration p95",
                "95th percentile of a job run's duration, per job.",
                "s",
                q(
                    (
                        "histogram_quantile(0.95, sum by (exported_job, le) "
                        f"(rate(taskapp_job_duration_seconds_bucket{{{WORKER}}}[{RI}])))"
                    ),
                    "{{exported_job}}",
                ),
            )
        )
    )


def dependencies() -> db.Dashboard:
    return (
        base(
            "taskapp / Dependencies",
            "taskapp-dependencies",
            "What the backend depends on: PostgreSQL connection pool, Redis cache, readiness.",
        )
        .with_variable(namespace_var('database_pool_size{job="taskapp-backend"}'))
        .with_row(db.Row("PostgreSQL"))
        .with_panel(
            ts(
                "DB pool: checked-out connections vs pool size",
                "Per pod; TaskappDatabasePoolSaturated fires above 90% for 10 minutes.",
                "short",
                q(f"database_connections_active{{{APP}}}", "active {{pod}}"),
                q(f"database_pool_size{{{APP}}}", "size {{pod}}"),
            )
        )
        .with_panel(
            ts(
                "DB pool usage",
                "Checked-out connections / pool size, per pod.",
                "percentunit",
                q(
                    f"database_connections_active{{{APP}}} / (database_pool_size{{{APP}}} > 0)",
                    "{{pod}}",
                ),
            )
            .thresholds(thresholds((None, "green"), (0.9, "red")))
            .thresholds_style(
                cb.GraphThresholdsStyleConfig().mode(cm.GraphThresholdsStyleMode.LINE)
            )
            .max(1)
        )
        .with_row(db.Row("Redis cache"))
        .with_panel(
            ts(
                "Cache hit ratio",
                "hits / (hits + misses) of the read cache (tasks list, task, stats).",
                "percentunit",
                q(
                    (
                        f'sum(rate(cache_requests_total{{{APP}, result="hit"}}[{RI}])) / '
                        f'sum(rate(cache_requests_total{{{APP}, result=~"hit|miss"}}[{RI}]))'
                    ),
                    "hit ratio",
                ),
                w=8,
            ).max(1)
        )
        .with_panel(
            ts(
                "Cache lookups by result",
                "hit / miss / error per second.",
                "ops",
                q(f"sum by (result) (rate(cache_requests_total{{{APP}}}[{RI}]))", "{{result}}"),
                w=8,
                stack=True,
            )
        )
        .with_panel(
            ts(
                "Cache error ratio",
                (
                    "Failed lookups (Redis down or slow); TaskappCacheErrorsHigh fires above 5% "
                    "for 10 minutes. Reads then go to PostgreSQL."
                ),
                "percentunit",
                q(
                    (
                        f'sum(rate(cache_requests_total{{{APP}, result="error"}}[{RI}])) / '
                        f"sum(rate(cache_requests_total{{{APP}}}[{RI}]))"
                    ),
                    "error ratio",
                ),
                w=8,
            )
            .thresholds(thresholds((None, "green"), (0.05, "red")))
            .thresholds_style(
                cb.GraphThresholdsStyleConfig().mode(cm.GraphThresholdsStyleMode.LINE)
            )
        )
        .with_row(db.Row("Readiness"))
        .with_panel(
            ts(
                "/ready responses by status",
                "Readiness probe answers: 503 means the database is unreachable from the pod.",
                "reqps",
                q(
                    f'sum by (status) (rate(http_requests_total{{{APP}, route="/ready"}}[{RI}]))',
                    "{{status}}",
                ),
                w=8,
                stack=True,
            )
        )
        .with_panel(
            ts(
                "Ready pods",
                "Backend pods that Kubernetes considers Ready (kube-state-metrics).",
                "short",
                q(
                    (
                        'sum by (namespace) (kube_pod_status_ready{namespace=~"$namespace", '
                        'condition="true", pod=~"taskapp-backend.*"})'
                    ),
                    "{{namespace}}",
                ),
                w=8,
            )
        )
        .with_panel(
            ts(
                "Scrape targets up",
                "Backend pods Prometheus can scrape; 0 for 2 minutes = TaskappBackendDown.",
                "short",
                q(
                    'sum by (namespace) (up{job="taskapp-backend", namespace=~"$namespace"})',
                    "{{namespace}}",
                ),
                w=8,
            )
        )
    )


def kubernetes() -> db.Dashboard:
    pods = 'namespace=~"$namespace", container!="", container!="POD"'
    return (
        base(
            "taskapp / Kubernetes",
            "taskapp-kubernetes",
            "taskapp's pods: CPU and memory against requests and limits, restarts, autoscaling "
            "(cAdvisor and kube-state-metrics from kube-prometheus-stack).",
        )
        .with_variable(
            namespace_var('kube_pod_container_resource_requests{namespace=~"taskapp-.*"}')
        )
        .with_row(db.Row("CPU and memory"))
        .with_panel(
            ts(
                "CPU usage vs requests and limits",
                "Cores used per pod; requests and limits as reference lines.",
                "short",
                q(
                    f"sum by (pod) (rate(container_cpu_usage_seconds_total{{{pods}}}[{RI}]))",
                    "used {{pod}}",
                ),
                q(
                    (
                        "sum by (pod) "
                        '(kube_pod_container_resource_requests{namespace=~"$namespace", '
                        'resource="cpu"})'
                    ),
                    "request {{pod}}",
                ),
                q(
                    (
                        'sum by (pod) (kube_pod_container_resource_limits{namespace=~"$namespace", '
                        'resource="cpu"})'
                    ),
                    "limit {{pod}}",
                ),
            )
        )
        .with_panel(
            ts(
                "Memory working set vs requests and limits",
                "Working set per pod (what the OOM killer looks at).",
                "bytes",
                q(f"sum by (pod) (container_memory_working_set_bytes{{{pods}}})", "used {{pod}}"),
                q(
                    (
                        "sum by (pod) "
                        '(kube_pod_container_resource_requests{namespace=~"$namespace", '
                        'resource="memory"})'
                    ),
                    "request {{pod}}",
                ),
                q(
                    (
                        'sum by (pod) (kube_pod_container_resource_limits{namespace=~"$namespace", '
                        'resource="memory"})'
                    ),
                    "limit {{pod}}",
                ),
            )
        )
        .with_panel(
            ts(
                "CPU usage / limit",
                "Near 100% means throttling and latency.",
                "percentunit",
                q(
                    (
                        f"sum by (pod) (rate(container_cpu_usage_seconds_total{{{pods}}}[{RI}])) / "
                        f"sum by (pod) "
                        f'(kube_pod_container_resource_limits{{namespace=~"$namespace", '
                        f'resource="cpu"}})'
                    ),
                    "{{pod}}",
                ),
            )
        )
        .with_panel(
            ts(
                "Memory / limit",
                "Near 100% means an OOM kill is close.",
                "percentunit",
                q(
                    (
                        f"sum by (pod) (container_memory_working_set_bytes{{{pods}}}) / sum by "
                        f'(pod) (kube_pod_container_resource_limits{{namespace=~"$namespace", '
                        f'resource="memory"}})'
                    ),
                    "{{pod}}",
                ),
            )
        )
        .with_row(db.Row("Restarts and autoscaling"))
        .with_panel(
            ts(
                "Container restarts",
                (
                    "Restarts per container in the interval; TaskappPodCrashLooping fires on 15 "
                    "minutes of CrashLoopBackOff."
                ),
                "short",
                q(
                    (
                        f"sum by (pod, container) "
                        f'(increase(kube_pod_container_status_restarts_total{{namespace=~"$namespace"}}[{RI}]))'
                    ),
                    "{{pod}}/{{container}}",
                ),
            )
        )
        .with_panel(
            ts(
                "Waiting containers by reason",
                "CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError ...",
                "short",
                q(
                    (
                        "sum by (reason) "
                        '(kube_pod_container_status_waiting_reason{namespace=~"$namespace"})'
                    ),
                    "{{reason}}",
                ),
                stack=True,
            )
        )
        .with_panel(
            ts(
                "HPA replicas: current vs desired vs min/max",
                "TaskappHPAMaxedOut fires when current stays at max for 15 minutes.",
                "short",
                q(
                    'kube_horizontalpodautoscaler_status_current_replicas{namespace=~"$namespace"}',
                    "current {{horizontalpodautoscaler}}",
                ),
                q(
                    'kube_horizontalpodautoscaler_status_desired_replicas{namespace=~"$namespace"}',
                    "desired {{horizontalpodautoscaler}}",
                ),
                q(
                    'kube_horizontalpodautoscaler_spec_max_replicas{namespace=~"$namespace"}',
                    "max {{horizontalpodautoscaler}}",
                ),
                q(
                    'kube_horizontalpodautoscaler_spec_min_replicas{namespace=~"$namespace"}',
                    "min {{horizontalpodautoscaler}}",
                ),
                w=24,
            )
        )
    )


DASHBOARDS = {
    "taskapp-api-overview.json": api_overview,
    "taskapp-dependencies.json": dependencies,
    "taskapp-kubernetes.json": kubernetes,
}


# ----------------------------------------------------------------------------- render and check
def render(builder: db.Dashboard) -> str:
    return JSONEncoder(sort_keys=True, indent=2).encode(builder.build()) + "\n"


def queries(model: dict) -> list[tuple[str, str]]:
    """(where, expr) for every panel target and query variable of a dashboard JSON model."""
    out = [
        (f"panel {sub.get('title')!r} target {target.get('refId')}", target["expr"])
        for panel in model.get("panels", [])
        for sub in [panel, *panel.get("panels", [])]
        for target in sub.get("targets", []) or []
        if target.get("expr")
    ]
    for var in model.get("templating", {}).get("list", []):
        if var.get("type") == "query":
            query = var["query"] if isinstance(var["query"], str) else var["query"].get("query", "")
            m = re.fullmatch(r"label_values\((.+),\s*\w+\)", query)
            if not m:
                raise SystemExit(f"variable {var['name']}: unsupported query {query!r}")
            out.append((f"variable {var['name']}", m.group(1)))
    return out


GRAFANA_VARS = {
    "$__rate_interval": "5m",
    "$__interval": "1m",
    "$__range": "1d",
    "$namespace": "taskapp-prod",
}


def as_promql(expr: str) -> str:
    for var, value in GRAFANA_VARS.items():
        expr = expr.replace(var, value)
    if "$" in expr.replace("$1", ""):
        raise ValueError(f"unsubstituted Grafana variable in {expr!r}")
    return expr


def main(argv: list[str]) -> int:
    mode = argv[1] if len(argv) > 1 else ""
    if mode == "write":
        for name, fn in DASHBOARDS.items():
            (HERE / name).write_text(render(fn()))
            print(f"wrote {name}")
        return 0
    if mode != "check" or len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2

    allowed = allowed_metrics()
    groups = []
    total = 0
    committed = {p.name for p in HERE.glob("*.json")}
    problems = [
        f"{extra}: not produced by generate.py (delete it or add it here)"
        for extra in sorted(committed - set(DASHBOARDS))
    ]
    for name, fn in DASHBOARDS.items():
        text = render(fn())
        path = HERE / name
        current = path.read_text() if path.exists() else ""
        if current != text:
            diff = "".join(
                difflib.unified_diff(
                    current.splitlines(True),
                    text.splitlines(True),
                    f"committed/{name}",
                    f"generated/{name}",
                    n=1,
                )
            )
            problems.append(
                f"{name}: committed JSON differs from generate.py output "
                f"(run make monitoring-dashboards-generate):\n{diff[:4000]}"
            )
        model = json.loads(text)
        rules = []
        uids = set()
        for i, (where, expr) in enumerate(queries(model)):
            total += 1
            try:
                promql = as_promql(expr)
            except ValueError as e:
                problems.append(f"{name}: {where}: {e}")
                continue
            problems.extend(
                f"{name}: {where}: metric {metric!r} is neither taskapp's, a recording "
                "rule, nor in metrics-allowlist.yaml"
                for metric in sorted(metric_names(promql) - allowed)
            )
            rules.append(
                {
                    "record": f"dashboard_query:{model['uid'].replace('-', '_')}:{i}",
                    "expr": promql,
                    "labels": {"where": where[:200]},
                }
            )
        problems.extend(
            f"{name}: panel {panel.get('title')!r} has no query"
            for panel in model.get("panels", [])
            if panel.get("type") != "row" and not panel.get("targets")
        )
        if model["uid"] in uids:
            problems.append(f"{name}: duplicate uid")
        uids.add(model["uid"])
        groups.append({"name": f"dashboard-{model['uid']}", "rules": rules})
    Path(argv[2]).parent.mkdir(parents=True, exist_ok=True)
    Path(argv[2]).write_text(json.dumps({"groups": groups}, indent=2))  # JSON is valid YAML
    return report(
        problems,
        f"dashboards: {len(DASHBOARDS)} dashboards, {total} queries, {len(problems)} problems",
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv))
