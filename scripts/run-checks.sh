#!/usr/bin/env bash
# Runs every check that the parts registered (make variable CHECKS), keeps going past a
# failure so one run shows everything that is broken, then prints a summary and a closing
# "checks: N passed, N failed" line. Exit status is non-zero when any check failed.
#
# Two lanes, so `make test` fits its 30 minutes on 2 cores:
#   - CHECKS_BESIDE (linters, chart/Terraform/rules checks, and the two live checks with servers on
#     ports of their own and wide bounds: one CPU each) run
#     one after another in a side lane, started once the first main-lane check has installed the
#     shared tools (uv, the backend venv). Each one's output is held in artifacts/checks/<name>.log
#     and printed whole when it ends, so the two lanes' lines do not interleave mid-check.
#     When the main lane has run its own checks, it takes the side checks nobody has started, from
#     the end of the list (their summary lane reads side/main), so the lanes finish together; only
#     those in CHECKS_EITHER (own ports, own tool venvs: never two `terraform init`s in one folder).
#   - CHECKS_ALONE (what measures time or latency closely: Lighthouse, e2e, chaos, load) run last
#     in the main lane, after the side lane has finished: nothing runs beside them. While the main
#     lane waits for the side lane it runs `make $ALONE_PREPARE` (their installs: a browser
#     package, npm and pip tools), so that waiting is used; a failure there is only reported (the
#     check itself installs again and fails with the reason).
#   - every other check runs in the main lane, beside the side lane.
# CHECKS_SERIAL=1 runs everything in CHECKS order in one lane (the old behaviour).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

read -r -a beside <<<"${CHECKS_BESIDE:-}"
read -r -a alone <<<"${CHECKS_ALONE:-}"
read -r -a either <<<"${CHECKS_EITHER:-}"
in_list() { local x="$1"; shift; local y; for y in "$@"; do [ "$x" = "$y" ] && return 0; done; return 1; }

main=() side=() last=()
for check in "$@"; do
  if [ "${CHECKS_SERIAL:-}" = 1 ]; then main+=("$check")
  elif in_list "$check" "${beside[@]}"; then :
  elif in_list "$check" "${alone[@]}"; then last+=("$check")
  else main+=("$check"); fi
done
# The side lane runs in CHECKS_BESIDE's order (the longest of CHECKS_EITHER first among them, so
# what is left for the main lane to take is short).
if [ "${CHECKS_SERIAL:-}" != 1 ]; then
  for check in "${beside[@]}"; do in_list "$check" "$@" && side+=("$check"); done
fi

state="$ROOT/artifacts/checks"
rm -rf "$state"; mkdir -p "$state"
summary="$ROOT/artifacts/checks-summary.txt"

run_one() { # run_one <check>: runs it, records "<status> <seconds>" in $state/<check>.status
  local check="$1" start status
  start=$(date +%s)
  if make --no-print-directory -C "$ROOT" "$check"; then status=ok; else status=FAILED; fi
  echo "$status $(( $(date +%s) - start ))" > "$state/$check.status"
}

# A side check is run by whichever lane claims it first (mkdir is atomic): the side lane takes
# them in order, and the main lane, once its own checks are done, takes them from the end, so
# neither lane idles while the other still has side checks queued, whatever this machine's speed.
claim() { mkdir "$state/claimed.$1" 2>/dev/null; }

run_side_check() { # run_side_check <check> <lane>: output held and printed whole
  local check="$1"
  run_one "$check" > "$state/$check.log" 2>&1
  { log "make $check ($2: $(cut -d' ' -f1 "$state/$check.status"), $(cut -d' ' -f2 "$state/$check.status")s)"
    cat "$state/$check.log"; }
  echo "$2" > "$state/$check.lane"
}

side_lane() {
  local check
  for check in "${side[@]}"; do
    claim "$check" && run_side_check "$check" "side lane"
  done
}

take_from_side() { # only CHECKS_EITHER: side checks whose ports and tools are their own
  local i
  for (( i=${#side[@]}-1; i>=0; i-- )); do
    in_list "${side[$i]}" "${either[@]}" || continue
    claim "${side[$i]}" && run_side_check "${side[$i]}" "side check taken by the main lane"
  done
}

side_pid=""
wait_side() {
  [ -n "$side_pid" ] || return 0
  if [ -n "${ALONE_PREPARE:-}" ] && [ ${#last[@]} -gt 0 ]; then
    log "make $ALONE_PREPARE (while the side lane finishes)"
    make --no-print-directory -C "$ROOT" "$ALONE_PREPARE" || log "make $ALONE_PREPARE failed; the checks that run alone install again"
  fi
  log "waiting for the side lane (${side[*]}) before the checks that run alone"
  wait "$side_pid"; side_pid=""
}

started=$(date +%s)
first=1
for check in "${main[@]}" "${last[@]}"; do
  if in_list "$check" "${last[@]}" && [ -n "$side_pid" ]; then take_from_side; wait_side; fi
  log "make $check"
  run_one "$check"
  if [ "$first" = 1 ] && [ ${#side[@]} -gt 0 ]; then
    first=0
    log "side lane starts: ${side[*]}"
    side_lane & side_pid=$!
  fi
done
[ -n "$side_pid" ] && take_from_side
wait_side

: > "$summary"
passed=0; failed=0; failed_names=()
for check in "$@"; do
  read -r status seconds < "$state/$check.status" || { status=FAILED; seconds=0; }
  if [ "$status" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failed_names+=("$check"); fi
  lane=main; in_list "$check" "${side[@]}" && lane=side
  [ "$(cat "$state/$check.lane" 2>/dev/null)" = "side check taken by the main lane" ] && lane=side/main
  printf '%-32s %-7s %5ss  %s\n' "$check" "$status" "$seconds" "$lane" >> "$summary"
done
echo
echo "== checks =="
cat "$summary"
echo "wall time: $(( $(date +%s) - started ))s"
[ "$failed" -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
