#!/usr/bin/env bash
# make load PROFILE=smoke|load|stress|spike [TARGET=url]: the Locust load test (loadtest/).
# Without TARGET it runs against the live local stack (scripts/stack.sh), starting and stopping
# it as needed. Summary (Markdown + CSV) in artifacts/load/<profile>/; exit 1 when the profile's
# thresholds are broken. TARGET must be an address on this machine or a test host of the
# project's own (the shapes stop by themselves; runs are bounded in time).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
LOCUST_SPEC="locust==2.47.0"
PROFILE="${PROFILE:-smoke}"
case "$PROFILE" in smoke|load|stress|spike) ;; *) die "PROFILE must be smoke, load, stress or spike (got '$PROFILE')";; esac
bin="$(tool_venv locust "$LOCUST_SPEC")"
[ "${PREPARE_ONLY:-}" = 1 ] && exit 0 # installed only (make prepare-alone)
out="$ROOT/artifacts/load"
mkdir -p "$out/$PROFILE"

run_locust() {
  local host="$1"
  log "locust: profile $PROFILE against $host"
  LOAD_PROFILE="$PROFILE" LOAD_REPORT_DIR="$out" "$bin/locust" -f "$ROOT/loadtest/locustfile.py" \
    --headless --host "$host" --only-summary --loglevel WARNING \
    --csv "$out/$PROFILE/locust" --html "$out/$PROFILE/report.html"
}

if [ -n "${TARGET:-}" ]; then
  run_locust "$TARGET"
else
  "$ROOT/scripts/stack.sh" run bash -c "$(declare -f run_locust log); $(declare -p bin out PROFILE); run_locust \"\$TASKAPP_STACK_URL\""
fi
