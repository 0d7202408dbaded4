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
