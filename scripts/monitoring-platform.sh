#!/usr/bin/env bash
# make monitoring-platform: the monitoring and logging platform as each environment deploys it
# (app-of-apps rendered with cluster facts + taskapp-monitoring): alert metrics scraped, EKS-hidden
# monitors off, Grafana's admin from a Secret, retention vs the SLO window, Fargate logging and
# DaemonSets kept off Fargate, Loki/Alloy wiring, sync-wave order. Offline (helm template only).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

py="$(tool_venv monitoring "grafana-foundation-sdk==1769699379!11.6.0" "PyYAML==6.0.2")/python"
helm="$("$ROOT/scripts/k8s-tools.sh" helm)"
log "monitoring platform checks (dev staging prod)"
"$py" "$ROOT/deploy/monitoring/tools/platform_check.py" "$helm" dev staging prod

# The prerequisites chart (deploy/monitoring/prerequisites) is not one of the four charts the
# Kubernetes part lints and validates: lint it and validate what it renders here, with AWS values.
log "helm lint + kubernetes-validate deploy/monitoring/prerequisites"
chart="$ROOT/deploy/monitoring/prerequisites"
sets=(--set grafanaAdminSecretName=taskapp/dev/grafana --set logGroupName=/aws/eks/taskapp-dev/containers --set awsRegion=eu-west-1)
"$helm" lint --strict --quiet "$chart" "${sets[@]}"
"$helm" lint --strict --quiet "$chart"
out="$ROOT/artifacts/monitoring/prerequisites.yaml"
mkdir -p "$(dirname "$out")"
"$helm" template monitoring-prerequisites "$chart" --namespace monitoring "${sets[@]}" > "$out"
bin="$("$ROOT/scripts/k8s-tools.sh" k8s-venv)"
report="$("$bin/kubernetes-validate" --strict -k "${K8S_VERSION:-1.35.0}" "$out" 2>&1)" || die "kubernetes-validate failed: $report"
unexpected="$(grep -E '^(WARN|ERROR)' <<<"$report" | grep -vE "Couldn't find schema for kind ExternalSecret" || true)"
[ -z "$unexpected" ] || die "kubernetes-validate: $unexpected"
log "prerequisites: $(grep -c ' passed for resource ' <<<"$report") resources valid (ExternalSecret: checked by platform_check.py)"
