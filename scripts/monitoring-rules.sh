#!/usr/bin/env bash
# make monitoring-rules: promtool check + promtool test on deploy/monitoring/rules, then the
# consistency checks promtool does not do (runbooks, annotations, a firing and a silent test per
# alert, metric names against the allow-list).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
MON="$ROOT/deploy/monitoring"

command -v promtool >/dev/null || apt_install prometheus
command -v promtool >/dev/null || die "promtool not found (install Debian's prometheus: apt-get install -y prometheus)"
py="$(tool_venv monitoring "grafana-foundation-sdk==1769699379!11.6.0" "PyYAML==6.0.2")/python"

log "promtool check rules"
promtool check rules "$MON"/rules/*.yaml
log "promtool test rules"
promtool test rules "$MON"/rules/tests/*.yaml
log "rule consistency"
"$py" "$MON/tools/checks.py" rules
log "fluent-bit values"
"$py" "$MON/tools/checks.py" fluentbit
