#!/usr/bin/env bash
# make contract-test / make security-headers-test: the Postman collection (tests/postman) run by
# newman (npm, pinned, installed into .tools/newman) against the live local stack
# (scripts/stack.sh, started and stopped as needed). JUnit report: artifacts/postman/junit.xml.
#   scripts/contract.sh contract   the collection's own tests only
#   scripts/contract.sh security   the same run, then tests/security/check_run.py over the newman
#                                  report and the backend's log lines written during the run:
#                                  security headers on every response, no token or password
#                                  reflected in any response or log line
# POSTMAN_ENV=staging (with a reachable staging URL) runs the collection against staging instead.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
NEWMAN_VERSION="6.2.2"
mode="${1:-contract}"
case "$mode" in contract|security) ;; *) die "usage: $0 contract|security";; esac

prefix="$TOOLS/newman-$NEWMAN_VERSION"
newman="$prefix/node_modules/.bin/newman"
if [ ! -x "$newman" ]; then
  command -v npm >/dev/null || die "npm is missing: install Node.js 20+ with npm (newman is an npm package)"
  log "installing newman $NEWMAN_VERSION into $prefix"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --silent "newman@$NEWMAN_VERSION" >&2 ||
    die "could not install newman $NEWMAN_VERSION from the npm registry (npm install newman@$NEWMAN_VERSION)"
fi
out="$ROOT/artifacts/postman"
mkdir -p "$out"
collection="$ROOT/tests/postman/taskapp.postman_collection.json"
env_name="${POSTMAN_ENV:-local}"

run_newman() {
  # $1: base URL. --env-var overrides the environment's baseUrl with the stack actually started.
  "$newman" run "$collection" -e "$ROOT/tests/postman/$env_name.postman_environment.json" \
    --env-var "baseUrl=$1" --color off --timeout-request 30000 \
    -r cli,junit,json --reporter-junit-export "$out/junit-$mode.xml" \
    --reporter-json-export "$out/newman-$mode.json" --reporter-cli-no-success-assertions
}

if [ "$env_name" != local ]; then
  url="$(python3 -c 'import json,sys; print([v["value"] for v in json.load(open(sys.argv[1]))["values"] if v["key"]=="baseUrl"][0])' \
    "$ROOT/tests/postman/$env_name.postman_environment.json")"
  run_newman "$url"
  exit 0
fi

inner() {
  # Runs in a new bash (stack.sh run): exit statuses are collected explicitly.
  local log_start rc=0 check=0
  log_start="$(stat -c %s "$TASKAPP_STACK_LOG")"
  run_newman "$TASKAPP_STACK_URL" || rc=$?
  if [ "$mode" = security ]; then
    python3 "$ROOT/tests/security/check_run.py" --report "$out/newman-$mode.json" \
      --log "$TASKAPP_STACK_LOG" --log-offset "$log_start" --base-url "$TASKAPP_STACK_URL" \
      --junit "$out/junit-security-headers.xml" || check=$?
  fi
  [ "$rc" -eq 0 ] || echo "newman: the collection failed (exit $rc)" >&2
  [ "$rc" -eq 0 ] && [ "$check" -eq 0 ]
}
export -f inner run_newman log die
export newman collection out mode env_name ROOT
"$ROOT/scripts/stack.sh" run bash -c inner
