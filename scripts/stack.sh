#!/usr/bin/env bash
# The live local stack the verification suites (load, contract, fuzz, security) run against:
# the backend in production mode (JSON logs, HSTS, Secure cookies, a long random secret) on
# PostgreSQL + Redis from scripts/services.sh, on ports of its own so it never touches the
# services the backend tests or monitoring-live use. Serves the built web app when
# frontend/dist/index.html exists (TASKAPP_WEB_DIR), and runs without it otherwise.
#
#   scripts/stack.sh start          start (idempotent: a running, ready stack is left as it is)
#   scripts/stack.sh stop           stop the backend, PostgreSQL and Redis it started
#   scripts/stack.sh status         what runs, and where
#   scripts/stack.sh run CMD...     start when not running, run CMD with TASKAPP_STACK_URL and
#                                   TASKAPP_STACK_LOG set, stop again if this call started it;
#                                   exits with CMD's status
#
# Ports: TASKAPP_PG_PORT (55632), TASKAPP_REDIS_PORT (56579), TASKAPP_STACK_PORT (8901).
# Every start (when the backend is not running) begins from a fresh database `taskapp_verify`
# and an empty Redis, so runs do not see each other's users, sessions or lockout counters.
# Logs: var/stack/<port>/backend.log (the backend JSON lines), var/stack/<port>/stack.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export TASKAPP_PG_PORT="${TASKAPP_PG_PORT:-55632}"
export TASKAPP_REDIS_PORT="${TASKAPP_REDIS_PORT:-56579}"
STACK_PORT="${TASKAPP_STACK_PORT:-8901}"
STACK_HOST=127.0.0.1
STACK_DIR="$VAR/stack/$STACK_PORT"
PID_FILE="$STACK_DIR/backend.pid"
LOG_FILE="$STACK_DIR/backend.log"
DB_NAME=taskapp_verify
URL="http://$STACK_HOST:$STACK_PORT"
DATABASE_URL="postgresql+asyncpg://taskapp@127.0.0.1:$TASKAPP_PG_PORT/$DB_NAME"
REDIS_URL="redis://127.0.0.1:$TASKAPP_REDIS_PORT/0"
# Short enough that a 10-minute load run exercises the refresh flow; override for other runs.
ACCESS_TTL="${TASKAPP_STACK_ACCESS_TOKEN_TTL:-300}"

backend_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid; pid="$(cat "$PID_FILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

is_ready() { curl -fsS -m 3 "$URL/ready" >/dev/null 2>&1; }

start() {
  mkdir -p "$STACK_DIR"
  if backend_pid >/dev/null && is_ready; then
    log "stack already running at $URL (pid $(backend_pid))"
    return 0
  fi
  if backend_pid >/dev/null; then  # alive but not ready: restart it from scratch
    stop_backend
  fi
  if curl -s -m 2 -o /dev/null "$URL/health" 2>/dev/null; then
    die "port $STACK_PORT is taken by a process this script did not start (set TASKAPP_STACK_PORT)"
  fi
  command -v curl >/dev/null || apt_install curl
  "$ROOT/scripts/services.sh" start postgres redis
  log "fresh database $DB_NAME and an empty Redis"
  fresh_database "$DB_NAME"
  redis-cli -p "$TASKAPP_REDIS_PORT" flushall >/dev/null
  (cd "$ROOT/backend" && "$ROOT/scripts/uv" sync --frozen --quiet)
  local taskapp="$ROOT/backend/.venv/bin/taskapp"
  [ -x "$taskapp" ] || die "backend/.venv/bin/taskapp is missing after uv sync"
  local secret; secret="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
  local web_dir=""
  if [ -f "$ROOT/frontend/dist/index.html" ]; then
    web_dir="$ROOT/frontend/dist"
  fi
  (cd "$ROOT/backend" && TASKAPP_DATABASE_URL="$DATABASE_URL" "$taskapp" migrate) >>"$STACK_DIR/stack.log" 2>&1 ||
    die "migration failed; see $STACK_DIR/stack.log"
  log "starting the backend (production) on $URL${web_dir:+ with the web app from $web_dir}"
  : > "$LOG_FILE"
  # setsid: the server outlives the make target that started it; `stop` ends it by its pid.
  # Every client of this rig (Locust users, newman, schemathesis) is one address: the per-source
  # sign-in limits are raised; the per-account ones stay as in production. The invitation limits
  # too: schemathesis is one account inviting the addresses it generates, again and again
  # (backend/tests/test_sharing.py proves those limits).
  # Live-update streams end after half a second here: schemathesis reads each response whole,
  # and a stream lives 10 minutes by default (backend/tests/test_live.py covers real lifetimes).
  (
    cd "$ROOT/backend"
    export TASKAPP_ENV=production TASKAPP_DATABASE_URL="$DATABASE_URL" TASKAPP_REDIS_URL="$REDIS_URL" \
      TASKAPP_SECRET_KEY="$secret" TASKAPP_ACCESS_TOKEN_TTL="$ACCESS_TTL" \
      TASKAPP_SHUTDOWN_GRACE_SECONDS=5 TASKAPP_METRICS_REFRESH_SECONDS=5 \
      TASKAPP_SOURCE_MAX_REGISTRATIONS=100000 TASKAPP_SOURCE_MAX_PASSWORD_FAILURES=100000 \
      TASKAPP_SOURCE_MAX_REFRESH_FAILURES=100000 \
      TASKAPP_INVITATIONS_MAX_PER_ACCOUNT=100000 TASKAPP_INVITATIONS_MAX_PER_ADDRESS=100000 \
      TASKAPP_EVENTS_MAX_SECONDS=0.5 \
      TASKAPP_BUILD_COMMIT="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
    if [ -n "$web_dir" ]; then export TASKAPP_WEB_DIR="$web_dir"; else unset TASKAPP_WEB_DIR; fi
    exec setsid "$taskapp" serve --host "$STACK_HOST" --port "$STACK_PORT" >>"$LOG_FILE" 2>&1 </dev/null
  ) &
  echo $! > "$PID_FILE"
  local i
  for i in $(seq 120); do
    is_ready && { log "stack ready at $URL (pid $(cat "$PID_FILE"), log $LOG_FILE)"; return 0; }
    backend_pid >/dev/null || { tail -n 30 "$LOG_FILE" >&2; die "the backend exited during start; see $LOG_FILE"; }
    sleep 0.5
  done
  tail -n 30 "$LOG_FILE" >&2
  die "the backend did not become ready within 60 s; see $LOG_FILE"
}

stop_backend() {
  local pid
  pid="$(backend_pid)" || { rm -f "$PID_FILE"; return 0; }
  log "stopping the backend (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "backend still running after 10 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
}

stop() {
  stop_backend
  "$ROOT/scripts/services.sh" stop postgres redis
}

status() {
  if pid="$(backend_pid)"; then
    if is_ready; then echo "backend:  up  $URL (pid $pid)"; else echo "backend:  starting/unready (pid $pid)"; fi
  else
    echo "backend:  down"
  fi
  "$ROOT/scripts/services.sh" status
}

run() {
  [ $# -gt 0 ] || die "usage: $0 run CMD..."
  local started=0 rc=0
  if ! { backend_pid >/dev/null && is_ready; }; then
    start
    started=1
  fi
  TASKAPP_STACK_URL="$URL" TASKAPP_STACK_LOG="$LOG_FILE" "$@" || rc=$?
  if [ "$started" -eq 1 ] && [ -z "${TASKAPP_STACK_KEEP:-}" ]; then stop; fi
  return "$rc"
}

cmd="${1:-status}"; shift || true
case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) echo "$URL" ;;
  run) run "$@" ;;
  *) die "usage: $0 start|stop|status|url|run CMD..." ;;
esac
