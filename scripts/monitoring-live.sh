#!/usr/bin/env bash
# make monitoring-live: a real Prometheus (Debian's prometheus) with the project's rule files,
# scraping a real backend (production mode, PostgreSQL + Redis on private ports) every 2s while
# deploy/monitoring/tools/live_check.py drives traffic and outages, then asserts on Prometheus'
# HTTP API. Everything it starts listens on 127.0.0.1 and is stopped at the end.
#   Ports: TASKAPP_PG_PORT (default 55532) and TASKAPP_REDIS_PORT (default 56479), so it does
#   not touch the PostgreSQL/Redis that the backend tests use (55432/56379).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export TASKAPP_PG_PORT="${TASKAPP_PG_PORT:-55532}"
export TASKAPP_REDIS_PORT="${TASKAPP_REDIS_PORT:-56479}"

[ -f "$ROOT/backend/pyproject.toml" ] || die "backend/ is missing: monitoring-live needs the taskapp backend"
command -v prometheus >/dev/null || apt_install prometheus
command -v prometheus >/dev/null && command -v promtool >/dev/null ||
  die "prometheus/promtool not found (install Debian's prometheus: apt-get install -y prometheus)"
py="$(tool_venv monitoring "grafana-foundation-sdk==1769699379!11.6.0" "PyYAML==6.0.2")/python"

export LIVE_WORK="$VAR/monitoring/live"
rm -rf "$LIVE_WORK"; mkdir -p "$LIVE_WORK"
export LIVE_DATABASE_URL="postgresql+asyncpg://taskapp@127.0.0.1:$TASKAPP_PG_PORT/taskapp_monitoring_live"
export LIVE_REDIS_URL="redis://127.0.0.1:$TASKAPP_REDIS_PORT/0"

cleanup() { "$ROOT/scripts/services.sh" stop postgres redis >/dev/null 2>&1 || true; }
trap cleanup EXIT

"$ROOT/scripts/services.sh" start postgres redis
# A fresh database every run, so counts and sessions start from zero.
fresh_database taskapp_monitoring_live
redis-cli -p "$TASKAPP_REDIS_PORT" flushall >/dev/null

log "migrating $LIVE_DATABASE_URL"
(cd "$ROOT/backend" && TASKAPP_DATABASE_URL="$LIVE_DATABASE_URL" "$ROOT/scripts/uv" run --frozen taskapp migrate)

log "live check"
"$py" "$ROOT/deploy/monitoring/tools/live_check.py"
