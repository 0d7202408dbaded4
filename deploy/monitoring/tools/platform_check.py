"""Does the monitoring and logging platform work as deployed? Renders the app-of-apps chart of every
environment with cluster facts (one distinct value per fact of deploy/gitops/cluster-facts.yaml,
as the root ApplicationSet passes them) and the taskapp-monitoring chart, then checks across them:

  scrape      every metric an alert rule uses comes from a source that is scraped: taskapp's
              ServiceMonitors (the API's, and the worker's as job="taskapp-worker"),
              kube-prometheus-stack's own targets, cert-manager's and Argo CD's ServiceMonitors
              (argocd-values.yaml enables the metrics Services, taskapp-monitoring
              selects them) carrying the release label kube-prometheus-stack's Prometheus selects;
  eks         the control-plane monitors EKS hides are off;
  grafana     the admin password comes from a Secret an ExternalSecret builds from the fact
              grafanaAdminSecretName, synced in an earlier wave; no Grafana without one;
  retention   Prometheus keeps the longest rule window (+1d) where the SLO is reported (prod), and
              its size cap stays below the volume;
  logs        Fargate pods log through aws-observability/aws-logging to the fact logGroupName, the
              same group as Fluent Bit; no node DaemonSet (Fluent Bit, node-exporter, Alloy) may
              land on a Fargate node;
  loki        where monitoring.loki.enabled: Loki on the facts' bucket/role/region, Alloy pushing to
              the Service Grafana's Loki data source reads; nothing of it where disabled;
  waves       CRDs before anything that ships a ServiceMonitor, secrets before what mounts them.

Usage: platform_check.py HELM ENV...
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from checks import allowed_metrics, load_rules, metric_names, report

MON = Path(__file__).resolve().parents[1]
ROOT = MON.parents[1]
GITOPS = ROOT / "deploy" / "gitops"
Obj = dict[str, Any]
FARGATE_TAINT = {
    "key": "eks.amazonaws.com/compute-type",
    "value": "fargate",
    "effect": "NoSchedule",
}
SLO_ENVS = {"prod"}  # where docs/observability.md reports the 30-day SLO
UNITS = {"d": 86400, "h": 3600, "w": 7 * 86400, "m": 60, "y": 365 * 86400}


def facts() -> dict[str, str]:
    """One distinct, well-formed value per fact: each rendered value traces back to its fact."""
    data = yaml.safe_load((GITOPS / "cluster-facts.yaml").read_text())
    out = {}
    for f in data["facts"]:
        name, value = f["annotation"].replace("_", "-"), f["value"]
        if value.endswith("Arn"):
            out[value] = f"arn:aws:iam::000000000000:role/fact-{name}"
        elif value == "awsRegion":
            out[value] = "xx-fact-1"
        elif value == "logGroupName":
            out[value] = "/fact/log-group-name"
        elif value == "edgeMode":
            out[value] = "ingress"  # one of the two modes the apps schema accepts
        elif value == "repoURL":
            out[value] = "https://github.com/fact/repo-url.git"  # the apps schema wants https://
        else:
            out[value] = f"fact-{name}"
    return out


def helm(helm_bin: str, args: list[str]) -> list[Obj]:
    out = subprocess.run([helm_bin, "template", *args], check=False, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"helm template {' '.join(args[:2])} failed:\n{out.stderr}")
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def render_apps(helm_bin: str, env: str, cluster: dict[str, str]) -> list[Obj]:
    return helm(
        helm_bin,
        [
            f"taskapp-{env}",
            str(GITOPS / "apps"),
            "--namespace",
            "argocd",
            "-f",
            str(GITOPS / f"envs/{env}/apps.yaml"),
            "--set-json",
            # The environment fact is the env itself (the apps schema allows only env names).
            f"cluster={json.dumps({**cluster, 'environment': env})}",
        ],
    )


def render_monitoring(helm_bin: str, env: str) -> list[Obj]:
    return helm(
        helm_bin,
        [
            "taskapp-monitoring",
            str(ROOT / "deploy/helm/taskapp-monitoring"),
            "--namespace",
            "monitoring",
            "-f",
            str(GITOPS / f"envs/{env}/taskapp-monitoring.yaml"),
        ],
    )


def render_path_app(helm_bin: str, app: Obj) -> list[Obj]:
    """An Application whose source is a chart in this repository, rendered as Argo CD would."""
    src = app["spec"]["source"]
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as values:
        values.write(yaml.safe_dump(values_of(app)))
        values.flush()
        return helm(
            helm_bin,
            [
                src["helm"].get("releaseName", app["metadata"]["name"]),
                str(ROOT / src["path"]),
                "--namespace",
                app["spec"]["destination"]["namespace"],
                "-f",
                values.name,
            ],
        )


def seconds(duration: str) -> int:
    m = re.fullmatch(r"(\d+)([smhdwy])", duration)
    if not m:
        raise ValueError(f"not a duration: {duration}")
    return int(m.group(1)) * UNITS.get(m.group(2), 1)


def size_bytes(size: str) -> int:
    m = re.fullmatch(r"(\d+)(Mi|Gi|Ti|MB|GB|TB)", size)
    if not m:
        raise ValueError(f"not a size: {size}")
    # Prometheus' MB/GB/TB are powers of 1024, like Kubernetes' Mi/Gi/Ti.
    return int(m.group(1)) * 1024 ** {"M": 2, "G": 3, "T": 4}[m.group(2)[0]]


def tolerates(tolerations: list[Obj], taint: dict[str, str]) -> bool:
    """Kubernetes' toleration matching (no tolerationSeconds subtleties)."""
    for t in tolerations or []:
        if t.get("effect") and t["effect"] != taint["effect"]:
            continue
        if not t.get("key"):
            if t.get("operator") == "Exists":
                return True
            continue
        if t["key"] != taint["key"]:
            continue
        if t.get("operator") == "Exists" or t.get("value") == taint["value"]:
            return True
    return False


def avoids_fargate(affinity: Obj | None) -> bool:
    terms = (
        (affinity or {})
        .get("nodeAffinity", {})
        .get("requiredDuringSchedulingIgnoredDuringExecution", {})
        .get("nodeSelectorTerms", [])
    )
    return bool(terms) and all(
        any(
            e.get("key") == "eks.amazonaws.com/compute-type"
            and e.get("operator") == "NotIn"
            and "fargate" in e.get("values", [])
            for e in term.get("matchExpressions", [])
        )
        for term in terms
    )


def wave(obj: Obj) -> int:
    return int(obj["metadata"].get("annotations", {}).get("argocd.argoproj.io/sync-wave", "0"))


def values_of(app: Obj) -> Obj:
    src = app["spec"].get("source") or app["spec"]["sources"][0]
    return src.get("helm", {}).get("valuesObject", {}) or {}


def value_files(app: Obj) -> list[Obj]:
    src = app["spec"].get("source") or app["spec"]["sources"][0]
    files = src.get("helm", {}).get("valueFiles", [])
    # $values/<path> is this repository's root; a plain path is relative to the chart's path.
    paths = [
        ROOT / f.removeprefix("$values/") if f.startswith("$values/") else ROOT / src["path"] / f
        for f in files
    ]
    return [yaml.safe_load(p.resolve().read_text()) for p in paths]


class EnvCheck:
    def __init__(self, helm_bin: str, env: str) -> None:
        self.env = env
        self.cluster = facts()
        self.root = render_apps(helm_bin, env, self.cluster)
        self.monitoring = render_monitoring(helm_bin, env)
        self.values = yaml.safe_load((GITOPS / f"envs/{env}/apps.yaml").read_text())
        self.apps = {
            a["metadata"]["name"].removesuffix(f"-{env}"): a
            for a in self.root
            if a["kind"] == "Application"
        }
        # Grafana's admin Secret and Fargate's logging (an Application of their own, wave -4).
        self.prereq_app = self.apps.get("monitoring-prerequisites", {"metadata": {}})
        self.prereq = (
            render_path_app(helm_bin, self.prereq_app) if "spec" in self.prereq_app else []
        )
        self.kps = self.apps["kube-prometheus-stack"]
        self.kps_values = values_of(self.kps)
        self.release = self.kps["spec"]["source"]["helm"]["releaseName"]
        self.errors: list[str] = []

    def want(self, ok: object, message: str) -> None:
        if not ok:
            self.errors.append(f"{self.env}: {message}")

    def of_kind(self, objs: list[Obj], kind: str) -> list[Obj]:
        return [o for o in objs if o.get("kind") == kind]

    # -- scrape -------------------------------------------------------------------------------
    def scraped_argocd(self) -> bool:
        argocd = yaml.safe_load((GITOPS / "bootstrap/argocd-values.yaml").read_text())
        metrics = argocd.get("controller", {}).get("metrics", {})
        label = metrics.get("service", {}).get("labels", {})
        port = metrics.get("service", {}).get("portName", "http-metrics")
        if not metrics.get("enabled") or not label:
            return False
        for sm in self.of_kind(self.monitoring, "ServiceMonitor"):
            spec = sm["spec"]
            if (
                sm["metadata"]["labels"].get("release") == self.release
                and "argocd" in spec.get("namespaceSelector", {}).get("matchNames", [])
                and spec["selector"].get("matchLabels", {}).items() <= label.items()
                and spec["selector"].get("matchLabels")
                and any(e.get("port") == port for e in spec["endpoints"])
            ):
                return True
        return False

    def scraped_cert_manager(self) -> bool:
        prom = values_of(self.apps["cert-manager"]).get("prometheus", {})
        sm = prom.get("servicemonitor", {})
        return bool(
            prom.get("enabled")
            and sm.get("enabled")
            and sm.get("labels", {}).get("release") == self.release
        )

    def scraped_by_kps(self, key: str) -> Callable[[], bool]:
        return lambda: self.kps_values.get(key, {}).get("enabled", True) is not False

    def scraped_taskapp(self) -> bool:
        return any(
            sm["metadata"]["labels"].get("release") == self.release
            and sm["metadata"]["name"].endswith("-backend")
            for sm in self.of_kind(self.monitoring, "ServiceMonitor")
        )

    def scraped_taskapp_worker(self) -> bool:
        # The worker's rules select job="taskapp-worker": the ServiceMonitor must name it so.
        job = {"action": "replace", "targetLabel": "job", "replacement": "taskapp-worker"}
        return any(
            sm["metadata"]["labels"].get("release") == self.release
            and sm["metadata"]["name"].endswith("-worker")
            and all(job in ep.get("relabelings", []) for ep in sm["spec"]["endpoints"])
            for sm in self.of_kind(self.monitoring, "ServiceMonitor")
        )

    def check_scrape(self) -> None:
        verifiers: dict[str, Callable[[], bool]] = {
            "taskapp": self.scraped_taskapp,
            "taskapp-worker": self.scraped_taskapp_worker,
            "prometheus": lambda: True,  # up / ALERTS are Prometheus' own
            "kube-state-metrics": self.scraped_by_kps("kubeStateMetrics"),
            "cadvisor": self.scraped_by_kps("kubelet"),
            "cert-manager": self.scraped_cert_manager,
            "argocd": self.scraped_argocd,
        }
        allow = yaml.safe_load((MON / "metrics-allowlist.yaml").read_text())
        source_of = dict.fromkeys(allow["taskapp"], "taskapp")
        source_of.update(dict.fromkeys(allow["taskapp-worker"], "taskapp-worker"))
        for source, names in allow["external"].items():
            source_of.update(dict.fromkeys(names, source))
        recorded = {r["record"] for r in load_rules() if "record" in r}
        known = allowed_metrics()
        for rule in load_rules():
            if "alert" not in rule:
                continue
            for name in sorted(metric_names(rule["expr"]) & known - recorded):
                source = source_of.get(name, "?")
                verify = verifiers.get(source)
                self.want(
                    verify and verify(),
                    f"alert {rule['alert']} uses {name} from {source}, which nothing scrapes "
                    f"(a ServiceMonitor with release={self.release} on its metrics Service)",
                )

    # -- eks, grafana, retention -----------------------------------------------------------------
    def check_eks(self) -> None:
        for key in ("kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"):
            self.want(
                self.kps_values.get(key, {}).get("enabled") is False,
                f"kube-prometheus-stack {key} must be off (EKS does not expose it)",
            )

    def check_grafana(self) -> None:
        grafana = self.kps_values.get("grafana", {})
        self.want("adminPassword" not in grafana, "Grafana's admin password typed in values")
        admin = grafana.get("admin", {})
        secret = admin.get("existingSecret")
        self.want(secret, "Grafana's admin password must come from admin.existingSecret")
        es = [
            e
            for e in self.of_kind(self.prereq, "ExternalSecret")
            if e["spec"]["target"]["name"] == secret and e["metadata"]["namespace"] == "monitoring"
        ]
        self.want(es, f"no ExternalSecret builds the Secret monitoring/{secret} Grafana reads")
        for e in es:
            keys = {d["secretKey"]: d["remoteRef"] for d in e["spec"]["data"]}
            for k in (admin.get("userKey"), admin.get("passwordKey")):
                self.want(k in keys, f"ExternalSecret {secret} lacks the key {k} Grafana reads")
            self.want(
                {r["key"] for r in keys.values()} == {self.cluster["grafanaAdminSecretName"]},
                "the Grafana ExternalSecret must read the fact grafanaAdminSecretName",
            )
            self.want(
                wave(self.prereq_app) < wave(self.kps),
                "the Grafana admin Secret must sync in a wave before kube-prometheus-stack",
            )

    def check_retention(self) -> None:
        windows = [
            seconds(w)
            for r in load_rules()
            for w in re.findall(r"\[(\d+[smhdwy])\]", r["expr"])
            if r.get("record", "").startswith("taskapp:slo")
        ]
        spec = self.kps_values["prometheus"]["prometheusSpec"]
        if self.env in SLO_ENVS:
            self.want(
                seconds(spec["retention"]) >= max(windows) + 86400,
                f"Prometheus retention {spec['retention']} must cover the longest SLO window "
                f"({max(windows) // 86400}d) plus a day",
            )
        claim = spec["storageSpec"]["volumeClaimTemplate"]["spec"]
        self.want(
            size_bytes(spec["retentionSize"])
            <= 0.95 * size_bytes(claim["resources"]["requests"]["storage"]),
            f"retentionSize {spec.get('retentionSize')} must stay below the volume "
            f"{claim['resources']['requests']['storage']}",
        )
        self.want(claim["storageClassName"] == "gp3", "Prometheus volume must be gp3")

    # -- logs ------------------------------------------------------------------------------------
    def check_logs(self) -> None:
        ns = [
            n
            for n in self.of_kind(self.prereq, "Namespace")
            if n["metadata"]["name"] == "aws-observability"
        ]
        self.want(
            ns and ns[0]["metadata"]["labels"].get("aws-observability") == "enabled",
            "namespace aws-observability labelled aws-observability=enabled is missing",
        )
        cms = [
            c
            for c in self.of_kind(self.prereq, "ConfigMap")
            if c["metadata"]["name"] == "aws-logging"
            and c["metadata"].get("namespace") == "aws-observability"
        ]
        self.want(cms, "ConfigMap aws-observability/aws-logging (Fargate logging) is missing")
        fb = values_of(self.apps["aws-for-fluent-bit"])["cloudWatchLogs"]
        for c in cms:
            out = c["data"].get("output.conf", "")
            self.want(
                re.search(rf"log_group_name\s+{re.escape(self.cluster['logGroupName'])}\s", out),
                "Fargate's output.conf must ship to the fact logGroupName",
            )
            self.want(
                re.search(rf"region\s+{re.escape(self.cluster['awsRegion'])}\s", out),
                "Fargate's output.conf must use the fact awsRegion",
            )
            self.want(
                "auto_create_group  false" in out or re.search(r"auto_create_group\s+false", out),
                "Fargate's log group is Terraform's: auto_create_group false",
            )
        self.want(
            fb.get("logGroupName") == self.cluster["logGroupName"]
            and fb.get("region") == self.cluster["awsRegion"],
            "Fluent Bit must ship to the fact logGroupName in awsRegion (the group Fargate uses)",
        )
        sa = values_of(self.apps["aws-for-fluent-bit"])["serviceAccount"]
        self.want(
            sa["annotations"].get("eks.amazonaws.com/role-arn")
            == self.cluster["irsaFluentBitRoleArn"],
            "Fluent Bit's IRSA role must be the fact irsaFluentBitRoleArn",
        )
        daemonsets = {
            "aws-for-fluent-bit": {**value_files(self.apps["aws-for-fluent-bit"])[0]},
            "node-exporter": self.kps_values.get("prometheus-node-exporter", {}),
        }
        if "alloy" in self.apps:
            daemonsets["alloy"] = value_files(self.apps["alloy"])[0]["controller"]
        for name, v in daemonsets.items():
            self.want(avoids_fargate(v.get("affinity")), f"{name} needs nodeAffinity NotIn fargate")
            self.want(
                not tolerates(v.get("tolerations", []), FARGATE_TAINT),
                f"{name} tolerates Fargate's taint (its pods would stay Pending there)",
            )

    # -- loki ------------------------------------------------------------------------------------
    def check_loki(self) -> None:
        enabled = self.values["monitoring"]["loki"]["enabled"]
        sources = self.kps_values.get("grafana", {}).get("additionalDataSources", [])
        loki_ds = [d for d in sources if d.get("type") == "loki"]
        if not enabled:
            self.want("loki" not in self.apps and "alloy" not in self.apps, "Loki is off: no apps")
            self.want(not loki_ds, "Loki is off: no Grafana data source for it")
            return
        self.want("loki" in self.apps and "alloy" in self.apps, "Loki on: Loki and Alloy apps")
        if "loki" not in self.apps or "alloy" not in self.apps:
            return
        loki = self.apps["loki"]
        v = values_of(loki)
        base = value_files(loki)[0]
        buckets = v["loki"]["storage"]["bucketNames"]
        self.want(
            set(buckets.values()) == {self.cluster["lokiBucket"]}, "Loki's bucket: fact lokiBucket"
        )
        self.want(
            v["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"]
            == self.cluster["irsaLokiRoleArn"],
            "Loki's IRSA role: fact irsaLokiRoleArn",
        )
        self.want(
            v["loki"]["storage"]["s3"]["region"] == self.cluster["awsRegion"], "Loki's region"
        )
        self.want(base["deploymentMode"] == "SingleBinary", "Loki runs as a single binary")
        self.want(
            base["loki"]["compactor"]["retention_enabled"] is True
            and v["loki"]["limits_config"]["retention_period"]
            == self.values["monitoring"]["loki"]["retention"],
            "Loki deletes logs after the env's retention (compactor retention)",
        )
        url = f"http://loki.{loki['spec']['destination']['namespace']}.svc:3100"
        self.want(
            [d.get("url") for d in loki_ds] == [url] and loki_ds[0].get("uid") == "loki",
            f"Grafana needs one Loki data source (uid loki) at {url}",
        )
        alloy_cfg = value_files(self.apps["alloy"])[0]["alloy"]["configMap"]["content"]
        self.want(f'url = "{url}/loki/api/v1/push"' in alloy_cfg, f"Alloy must push to {url}")
        for name in ("loki", "alloy"):
            # Their ServiceMonitors need the operator's CRDs; logs must never gate the app.
            self.want(
                wave(self.apps[name]) > wave(self.apps["prometheus-operator-crds"]),
                f"{name} after prometheus-operator-crds (its ServiceMonitor)",
            )
            self.want(
                wave(self.apps[name]) > wave(self.apps["taskapp-backend"]),
                f"{name} after the app (the log store must not gate it)",
            )

    # -- waves -----------------------------------------------------------------------------------
    def check_waves(self) -> None:
        crds = self.apps.get("prometheus-operator-crds")
        self.want(crds, "the Prometheus Operator CRDs need their own Application")
        self.want(
            self.kps_values.get("crds", {}).get("enabled") is False,
            "kube-prometheus-stack must not install the CRDs a second time",
        )
        if not crds:
            return
        for name, app in self.apps.items():
            text = json.dumps(values_of(app)) + json.dumps(value_files(app))
            ships = re.search(r'"service[mM]onitor"\s*:\s*\{[^{}]*"enabled"\s*:\s*true', text)
            if ships or name == "kube-prometheus-stack":
                self.want(
                    wave(app) > wave(crds),
                    f"{name} ships ServiceMonitors in wave {wave(app)}, not after the CRDs "
                    f"(wave {wave(crds)})",
                )

    def run(self) -> list[str]:
        for check in (
            self.check_scrape,
            self.check_eks,
            self.check_grafana,
            self.check_retention,
            self.check_logs,
            self.check_loki,
            self.check_waves,
        ):
            try:
                check()
            except (KeyError, IndexError, TypeError, ValueError) as e:
                # A setting the check reads is missing altogether: that is a finding too.
                self.errors.append(f"{self.env}: {check.__name__}: missing or malformed {e}")
        return self.errors


def check_without_aws_facts(helm_bin: str) -> list[str]:
    """The env whose AWS facts are empty (local, on kind): no Grafana on its default password, no
    Fargate logging to an empty log group, no Loki on an empty bucket: none of those add-ons is
    rendered there at all."""
    local = {**dict.fromkeys(facts(), ""), "clusterName": "kind-taskapp"}
    local |= {"domainName": "localhost", "edgeMode": "ingress"}
    local["repoURL"] = (
        "https://github.com/fact/repo-url.git"  # a local fact too (cluster-up's --repo)
    )
    objs = render_apps(helm_bin, "local", local)
    aws_only = ("kube-prometheus-stack", "monitoring-prerequisites", "loki", "alloy")
    return [
        f"{o['metadata']['name']} is rendered in the local env (it needs AWS facts)"
        for o in objs
        if o["kind"] == "Application" and o["metadata"]["name"].startswith(aws_only)
    ]


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    helm_bin, envs = argv[1], argv[2:]
    errors: list[str] = []
    for env in envs:
        errors += EnvCheck(helm_bin, env).run()
    errors += [f"no AWS facts: {e}" for e in check_without_aws_facts(helm_bin)]
    return report(errors, f"monitoring platform ({', '.join(envs)}): {len(errors)} problems")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
