#!/usr/bin/env bash
# Start/stop the real PostgreSQL and Redis the tests use: Debian packages, private ports,
# data under var/services (git-ignored). Idempotent: `start` on a running service is a no-op.
#   scripts/services.sh start|stop|status|install [postgres|redis]...
#   Ports: TASKAPP_PG_PORT (55432), TASKAPP_REDIS_PORT (56379).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PG_PORT="${TASKAPP_PG_PORT:-55432}"
REDIS_PORT="${TASKAPP_REDIS_PORT:-56379}"
SVC="$VAR/services"
PG_DATA="$SVC/postgres-$PG_PORT"
REDIS_DIR="$SVC/redis-$REDIS_PORT"

# Every PostgreSQL and Redis the checks start listens in these ranges (TASKAPP_*_PORT, the chaos,
# upgrade and monitoring stacks). They sit inside Linux's ephemeral range (32768-60999), so an
# outgoing connection could be handed one as its source port, and a server started later could
# not bind it: chaos's PostgreSQL failed so once ("Address already in use"). Reserving them keeps
# the kernel from handing them out (ip-sysctl.rst: ip_local_reserved_ports); where /proc/sys is
# read-only, the retry in start_postgres is what is left.
RESERVED_PORTS="55400-55899,56300-56799"

reserve_ports() {
  local file=/proc/sys/net/ipv4/ip_local_reserved_ports current
  [ -w "$file" ] || return 0
  current="$(cat "$file" 2>/dev/null || true)"
  case ",$current," in *",$RESERVED_PORTS,"*) return 0 ;; esac
  echo "${current:+$current,}$RESERVED_PORTS" >"$file" 2>/dev/null || true
}

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }; done
  return 1
}

as_postgres() {
  # PostgreSQL refuses to run as root: run its tools as the `postgres` system user then.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  pg_bin >/dev/null || apt_install postgresql
  local bin; bin="$(pg_bin)"
  mkdir -p "$SVC"
  if [ "$(id -u)" -eq 0 ]; then
    # postgres must be able to traverse to its data folder.
    chmod o+x "$ROOT" "$VAR" "$SVC" 2>/dev/null || true
  fi
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initdb $PG_DATA"
    mkdir -p "$PG_DATA"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA"
    as_postgres "$bin/initdb" -D "$PG_DATA" -U taskapp --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_postgres "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    return 0
  fi
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  local attempt
  for attempt in 1 2 3 4 5 6; do
    as_postgres "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start \
      -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
      >/dev/null && break
    # Only a port taken by someone's source port is worth waiting out (see RESERVED_PORTS).
    tail -n 5 "$PG_DATA/server.log" | grep -q "Address already in use" && [ "$attempt" -lt 6 ] ||
      die "PostgreSQL did not start; see $PG_DATA/server.log"
    log "127.0.0.1:$PG_PORT is taken; trying again in 5 s"
    sleep 5
  done
  for db in taskapp taskapp_test; do
    as_postgres "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U taskapp -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 ||
      as_postgres "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U taskapp "$db"
  done
}

stop_postgres() {
  local bin; bin="$(pg_bin)" || return 0
  [ -f "$PG_DATA/PG_VERSION" ] || return 0
  as_postgres "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1 || return 0
  log "stopping PostgreSQL"
  as_postgres "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
}

start_redis() {
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$REDIS_DIR"
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --save "" --appendonly no \
    --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "Redis did not start; see $REDIS_DIR/redis.log"
}

stop_redis() {
  command -v redis-cli >/dev/null || return 0
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || return 0
  log "stopping Redis"
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

status() {
  local bin; bin="$(pg_bin)" || true
  if [ -n "${bin:-}" ] && [ -f "$PG_DATA/PG_VERSION" ] && as_postgres "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    echo "postgres: up  postgresql+asyncpg://taskapp@127.0.0.1:$PG_PORT/taskapp"
  else echo "postgres: down"; fi
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then echo "redis:    up  redis://127.0.0.1:$REDIS_PORT/0"
  else echo "redis:    down"; fi
}

cmd="${1:-status}"; shift || true
services=("$@"); [ ${#services[@]} -eq 0 ] && services=(postgres redis)
case "$cmd" in
  start) reserve_ports; for s in "${services[@]}"; do "start_$s"; done ;;
  stop) for s in "${services[@]}"; do "stop_$s"; done ;;
  status) status ;;
  install) # the binaries only (tests that start their own throwaway servers need them)
    pg_bin >/dev/null || apt_install postgresql
    command -v redis-server >/dev/null || apt_install redis-server ;;
  *) die "usage: $0 start|stop|status|install [postgres|redis]..." ;;
esac
