#!/usr/bin/env bash
# The chaos suite (tests/chaos/run.py): two production-mode replicas behind a real nginx, on a
# real PostgreSQL + Redis of its own (ports 55732/56679, fresh database `taskapp_chaos`), faults
# in turn. Summary in artifacts/chaos/. Everything it starts is stopped again on exit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export TASKAPP_PG_PORT="${CHAOS_PG_PORT:-55732}"
export TASKAPP_REDIS_PORT="${CHAOS_REDIS_PORT:-56679}"
export CHAOS_DIR="$VAR/chaos"
export CHAOS_ARTIFACTS="$ROOT/artifacts/chaos"
DB_NAME=taskapp_chaos

command -v nginx >/dev/null || apt_install nginx
command -v curl >/dev/null || apt_install curl
[ "${PREPARE_ONLY:-}" = 1 ] && exit 0 # installed only (make prepare-alone)
"$ROOT/scripts/services.sh" start postgres redis
cleanup() { "$ROOT/scripts/services.sh" stop postgres redis || true; }
trap cleanup EXIT

bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fresh_database "$DB_NAME"
redis-cli -p "$TASKAPP_REDIS_PORT" flushall >/dev/null
rm -rf "$CHAOS_DIR" "$CHAOS_ARTIFACTS" && mkdir -p "$CHAOS_DIR" "$CHAOS_ARTIFACTS"

export CHAOS_DATABASE_URL="postgresql+asyncpg://taskapp@127.0.0.1:$TASKAPP_PG_PORT/$DB_NAME"
export CHAOS_REDIS_URL="redis://127.0.0.1:$TASKAPP_REDIS_PORT/0"
export CHAOS_PG_BIN="$bin" CHAOS_PG_DATA="$VAR/services/postgres-$TASKAPP_PG_PORT"
(cd "$ROOT/backend" && "$ROOT/scripts/uv" sync --frozen --quiet &&
  TASKAPP_DATABASE_URL="$CHAOS_DATABASE_URL" .venv/bin/taskapp migrate >"$CHAOS_DIR/migrate.log" 2>&1) ||
  die "migration failed; see $CHAOS_DIR/migrate.log"
cd "$ROOT/backend"
"$ROOT/backend/.venv/bin/python" "$ROOT/tests/chaos/run.py" "$@"
