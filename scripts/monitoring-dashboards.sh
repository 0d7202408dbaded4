#!/usr/bin/env bash
# make monitoring-dashboards (check) / make monitoring-dashboards-generate (write).
#   check: regenerate the Grafana dashboards from deploy/monitoring/dashboards/generate.py and
#          fail on any difference from the committed JSON; every panel and variable query is
#          written to a rule file and syntax-checked by promtool; every metric a query names must
#          be taskapp's, a recording rule, or in deploy/monitoring/metrics-allowlist.yaml.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mode="${1:-check}"
py="$(tool_venv monitoring "grafana-foundation-sdk==1769699379!11.6.0" "PyYAML==6.0.2")/python"
gen="$ROOT/deploy/monitoring/dashboards/generate.py"

case "$mode" in
  write) exec "$py" "$gen" write ;;
  check)
    command -v promtool >/dev/null || apt_install prometheus
    command -v promtool >/dev/null || die "promtool not found (install Debian's prometheus: apt-get install -y prometheus)"
    out="$ROOT/artifacts/monitoring/dashboard-queries.rules.yaml"
    "$py" "$gen" check "$out"
    log "promtool check rules (every dashboard query)"
    promtool check rules "$out"
    ;;
  *) die "usage: $0 check|write" ;;
esac
