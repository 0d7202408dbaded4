#!/usr/bin/env bash
# The online-upgrade rehearsal (issue 18, tests/upgrade/run.py): the previous release, a git
# commit (UPGRADE_FROM), serves a steady load against a real PostgreSQL holding 100,000 of its
# tasks while this tree's migrations run; then this tree's server reads the upgraded database, the
# migrations are downgraded to the previous head, and the previous release serves again.
#   scripts/upgrade-test.sh <commit>      (make upgrade-test; UPGRADE_FROM in mk/upgrade.mk)
# PostgreSQL + Redis of its own (ports 55833/56733, fresh database `taskapp_upgrade`), stopped on
# exit. The previous release is unpacked and installed once into var/upgrade/<sha>/ (cached).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ref="${1:-${UPGRADE_FROM:-}}"
shift || true
[ -n "$ref" ] || die "usage: $0 <commit of the previous release> (or set UPGRADE_FROM)"
# A shallow clone (CI's default depth 1) lacks the previous release: say so, never skip.
sha="$(git -C "$ROOT" rev-parse --verify --quiet "$ref^{commit}")" ||
  die "commit '$ref' (the previous release, UPGRADE_FROM) is not in this clone; a shallow clone lacks it: run 'git fetch --unshallow' (CI: actions/checkout with fetch-depth: 0)"

export TASKAPP_PG_PORT="${UPGRADE_PG_PORT:-55833}"
export TASKAPP_REDIS_PORT="${UPGRADE_REDIS_PORT:-56733}"
export UPGRADE_DIR="$VAR/upgrade"
export UPGRADE_ARTIFACTS="$ROOT/artifacts/upgrade"
DB_NAME=taskapp_upgrade

# --- the previous release: its backend as committed, in a venv of its own -------------------
PREV="$UPGRADE_DIR/$sha"
if [ ! -f "$PREV/.installed" ]; then
  log "unpacking the previous release $sha into $PREV"
  rm -rf "$PREV" && mkdir -p "$PREV"
  git -C "$ROOT" archive "$sha" backend | tar -x -C "$PREV"
  # As the project installs the backend (`uv sync --frozen`, the pinned uv, its shared cache),
  # runtime dependencies only: the rehearsal runs the release, not its tests.
  (cd "$PREV/backend" && "$(uv_bin)" sync --frozen --quiet --no-dev) ||
    die "installing the previous release failed (see above)"
  touch "$PREV/.installed"
fi
export UPGRADE_PREV_BACKEND="$PREV/backend"
export UPGRADE_FROM_SHA="$sha"

# --- this tree ------------------------------------------------------------------------------
(cd "$ROOT/backend" && "$(uv_bin)" sync --frozen --quiet) || die "installing this tree's backend failed"

# --- services: a fresh database, a migration role with a lock_timeout -----------------------
"$ROOT/scripts/services.sh" start postgres redis
cleanup() { "$ROOT/scripts/services.sh" stop postgres redis || true; }
trap cleanup EXIT

fresh_database "$DB_NAME"
# Migrations connect as taskapp_migrator: a member of taskapp that acts as it (so what it creates
# is owned by taskapp) with a lock_timeout, so that a revision waiting for a lock the load holds
# fails instead of queueing every request behind its own lock request (docs/verification.md).
LOCK_TIMEOUT="${UPGRADE_LOCK_TIMEOUT:-500ms}"
pg psql -q -d "$DB_NAME" -v ON_ERROR_STOP=1 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'taskapp_migrator') THEN
    CREATE ROLE taskapp_migrator LOGIN;
  END IF;
END \$\$;
GRANT taskapp TO taskapp_migrator;
ALTER ROLE taskapp_migrator SET role = 'taskapp';
ALTER ROLE taskapp_migrator SET lock_timeout = '$LOCK_TIMEOUT';
SQL
redis-cli -p "$TASKAPP_REDIS_PORT" flushall >/dev/null
rm -rf "$UPGRADE_ARTIFACTS" "$UPGRADE_DIR/logs" && mkdir -p "$UPGRADE_ARTIFACTS" "$UPGRADE_DIR/logs"

export UPGRADE_DATABASE_URL="postgresql+asyncpg://taskapp@127.0.0.1:$TASKAPP_PG_PORT/$DB_NAME"
export UPGRADE_MIGRATOR_URL="postgresql+asyncpg://taskapp_migrator@127.0.0.1:$TASKAPP_PG_PORT/$DB_NAME"
export UPGRADE_REDIS_URL="redis://127.0.0.1:$TASKAPP_REDIS_PORT/0"
export UPGRADE_LOCK_TIMEOUT="$LOCK_TIMEOUT"
# Latency here should measure what a migration does to the service, not the neighbours on a
# shared machine: PostgreSQL (its new backends inherit the postmaster's priority), the servers,
# the load and the migrations run at nice -5 when we may raise priority (root), as on a node of
# their own. Not root: nice warns and runs them at the normal priority.
pg_pid="$(head -1 "$VAR/services/postgres-$TASKAPP_PG_PORT/postmaster.pid")"
[ "$(id -u)" -eq 0 ] && renice -n -5 -p "$pg_pid" >/dev/null
cd "$ROOT/backend"
nice -n -5 "$ROOT/backend/.venv/bin/python" "$ROOT/tests/upgrade/run.py" "$@"
