#!/usr/bin/env bash
# End-to-end tests of the web app: the real backend (fresh embedded SQLite per run) serving the
# built app, driven by Playwright in Debian's Chromium. Two servers: the normal one, and one with
# a 3-second access-token TTL for the "expired token is refreshed transparently" flow.
# Env: TASKAPP_E2E_BACKEND_DIR (default backend/), E2E_PORT (8765), E2E_SHORT_TTL_PORT (8766),
# E2E_READY_SECONDS (240: how long a backend may take to become healthy).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Debian's old headless shell (the browser Playwright itself runs headless): the same Blink as
# /usr/bin/chromium without the desktop browser around it; the suite took 433 s in it against
# 483 s in the full browser, with 17% less CPU (docs/delivery.md). CHROMIUM_PATH overrides it.
apt_install chromium-headless-shell fonts-liberation curl
chromium="${CHROMIUM_PATH:-/usr/bin/chromium-headless-shell}"
[ -x "$chromium" ] || die "$chromium is missing (apt-get install -y chromium-headless-shell)"
export CHROMIUM_PATH="$chromium"
[ "${PREPARE_ONLY:-}" = 1 ] && exit 0 # installed only (make prepare-alone)

backend="${TASKAPP_E2E_BACKEND_DIR:-$ROOT/backend}"
web="$ROOT/frontend"
[ -f "$web/dist/index.html" ] || die "frontend/dist is not built: run make web-build"
port="${E2E_PORT:-8765}"
short_port="${E2E_SHORT_TTL_PORT:-8766}"
run_dir="$VAR/e2e/run-$(date +%Y%m%d-%H%M%S)-$$"
artifacts="$ROOT/artifacts/web-e2e"
mkdir -p "$run_dir" "$artifacts"
# Keep only the last few runs' databases and logs.
ls -1dt "$VAR"/e2e/run-* 2>/dev/null | tail -n +6 | xargs -r rm -rf

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

start_backend() { # name port access_ttl_seconds
  local name="$1" p="$2" ttl="$3"
  local db="sqlite+aiosqlite:///$run_dir/$name.db"
  (
    cd "$backend"
    # No SMTP server: mail lands in the run's folder as .eml files (account.spec.ts reads them);
    # attachments in its files folder (the local store: no bucket).
    export TASKAPP_ENV=development TASKAPP_DATABASE_URL="$db" TASKAPP_WEB_DIR="$web/dist" \
      TASKAPP_SECRET_KEY="e2e-only-secret-key-0123456789abcdef0123456789" \
      TASKAPP_ACCESS_TOKEN_TTL="$ttl" \
      TASKAPP_SOURCE_MAX_REGISTRATIONS=1000 TASKAPP_MAIL_DIR="$run_dir/$name-mail" \
      TASKAPP_ATTACHMENTS_DIR="$run_dir/$name-files" TASKAPP_WORKER_POLL_SECONDS=1 \
      TASKAPP_PASSWORD_TIME_COST=1 TASKAPP_PASSWORD_MEMORY_COST=8192
    # The in-process reminders worker looks for due reminders each second (5 s by default):
    # reminders.spec.ts waits for one to reach the bell.
    # argon2 at its lowest cost (7 ms a hash, not 150 ms): the suite signs in about 200 times, and
    # the cost is the backend's own tests' concern (tests/test_auth.py), not the browser's.
    # Every e2e account is registered from 127.0.0.1: the per-address limit (20 an hour) would
    # refuse the suite's later specs with 429 (the backend's own tests cover the limit).
    unset TASKAPP_REDIS_URL
    "$ROOT/scripts/uv" run --frozen taskapp migrate > "$run_dir/$name-migrate.log" 2>&1
    exec "$ROOT/scripts/uv" run --frozen taskapp serve --host 127.0.0.1 --port "$p"
  ) > "$run_dir/$name.log" 2>&1 &
  pids+=($!)
}

wait_ready() { # port name
  # Migrate + start take ~90 s on a loaded 2-core machine (load 13 seen): 60 s was too short.
  local i
  for i in $(seq 1 $((2 * ${E2E_READY_SECONDS:-240}))); do
    if curl -fsS "http://127.0.0.1:$1/health" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  tail -40 "$run_dir/$2.log" >&2 || true
  die "backend '$2' did not become healthy on port $1 (log: $run_dir/$2.log)"
}

for p in "$port" "$short_port"; do
  if curl -fsS "http://127.0.0.1:$p/health" >/dev/null 2>&1; then
    die "port $p is already in use: stop that server or set E2E_PORT / E2E_SHORT_TTL_PORT"
  fi
done

log "starting the backend on :$port and a short-token one on :$short_port (data: $run_dir)"
start_backend main "$port" 1800
start_backend shortttl "$short_port" 3
wait_ready "$port" main
wait_ready "$short_port" shortttl

log "running Playwright ($("$chromium" --version 2>/dev/null | head -1))"
cd "$web"
E2E_BASE_URL="http://127.0.0.1:$port" E2E_SHORT_TTL_URL="http://127.0.0.1:$short_port" \
E2E_ARTIFACTS="$artifacts" E2E_MAIL_DIR="$run_dir/main-mail" \
  npx --no-install playwright test "$@"
