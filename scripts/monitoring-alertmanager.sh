#!/usr/bin/env bash
# make monitoring-alertmanager: amtool check-config, amtool routing tests (where a critical and a
# warning alert go), every alert label set through each env's assembled routing tree (rendered
# kube-prometheus-stack config + AlertmanagerConfig), then inhibition and delivery on a real
# Alertmanager (loopback only).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
CFG="$ROOT/deploy/monitoring/alertmanager/alertmanager.yaml"

command -v amtool >/dev/null || apt_install prometheus-alertmanager
command -v amtool >/dev/null || die "amtool not found (install Debian's prometheus-alertmanager)"
py="$(tool_venv monitoring "grafana-foundation-sdk==1769699379!11.6.0" "PyYAML==6.0.2")/python"

log "amtool check-config"
amtool check-config "$CFG"

route() {  # route EXPECTED_RECEIVER LABEL=VALUE...
  local want="$1"; shift
  local got
  got="$(amtool config routes test --config.file="$CFG" "$@" 2>/dev/null)"
  if [ "$got" != "$want" ]; then
    die "alert {$*} routed to '$got', expected '$want'"
  fi
  printf '  %-60s -> %s\n' "$*" "$got"
}
log "amtool config routes test"
route pagerduty-critical alertname=TaskappApiAvailabilityBudgetBurn severity=critical namespace=taskapp-prod
route pagerduty-critical alertname=TaskappBackendDown severity=critical
route slack-warnings alertname=TaskappApiAvailabilityBudgetBurn severity=warning namespace=taskapp-prod
route slack-warnings alertname=TaskappCacheErrorsHigh severity=warning namespace=taskapp-staging
route slack-warnings alertname=SomethingWithoutSeverity
route null alertname=Watchdog severity=none
route slack-warnings alertname=KubeNodeNotReady severity=warning
amtool config routes --config.file="$CFG" 2>/dev/null

log "every alert reaches someone: promtool-tested label sets and platform alerts, per env"
helm="$("$ROOT/scripts/k8s-tools.sh" helm)"
"$py" "$ROOT/deploy/monitoring/tools/alert_routing.py" "$helm" dev staging prod

log "Alertmanager end to end (routing, inhibition, secrets from files): the plain config"
work="$VAR/monitoring/alertmanager-e2e"
rm -rf "$work"
"$py" "$ROOT/deploy/monitoring/tools/alertmanager_e2e.py" "$CFG" "$work/plain"
log "Alertmanager end to end: prod's assembled config (kube-prometheus-stack base + AlertmanagerConfig)"
mkdir -p "$work/prod"
"$py" "$ROOT/deploy/monitoring/tools/alert_routing.py" --assemble "$helm" prod "$work/prod/assembled.yaml"
amtool check-config "$work/prod/assembled.yaml" >/dev/null
"$py" "$ROOT/deploy/monitoring/tools/alertmanager_e2e.py" "$work/prod/assembled.yaml" "$work/prod" --heartbeat
