#!/usr/bin/env bash
# Runs every check that the parts registered (make variable CHECKS), keeps going past a
# failure so one run shows everything that is broken, then prints a summary and a closing
# "checks: N passed, N failed" line. Exit status is non-zero when any check failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$ROOT/artifacts"
summary="$ROOT/artifacts/checks-summary.txt"
: > "$summary"
passed=0; failed=0; failed_names=()
for check in "$@"; do
  start=$(date +%s)
  log "make $check"
  if make --no-print-directory -C "$ROOT" "$check"; then
    status=ok; passed=$((passed + 1))
  else
    status=FAILED; failed=$((failed + 1)); failed_names+=("$check")
  fi
  printf '%-32s %-7s %5ss\n' "$check" "$status" "$(( $(date +%s) - start ))" >> "$summary"
done
echo
echo "== checks =="
cat "$summary"
[ "$failed" -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
