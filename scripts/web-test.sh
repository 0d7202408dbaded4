#!/usr/bin/env bash
# The web app's Vitest suite, files in a shuffled order (seed printed), twice: on the machine's
# clock, then on a fixed clock in another year and season (libfaketime). Much of the UI words dates
# relative to today ("Monday", "Mar 1" without its year in the current year), so a test that hard-
# codes a day passes or fails with the calendar: two of them broke CI on 8 December 2026 and would
# have broken again in January. The second run makes such a test fail on every run, not on some days.
# Usage: scripts/web-test.sh [vitest args...]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Summer time in Berlin and a year after the fixtures' December 2026, late evening UTC (the next
# day already in zones east of UTC).
OTHER_CLOCK="${WEB_TEST_OTHER_CLOCK:-2027-07-15 22:45:00}"
command -v faketime >/dev/null || apt_install faketime

mkdir -p "$ROOT/artifacts"
cd "$ROOT/frontend"
log "vitest on the machine's clock ($(date -u '+%F %R UTC'))"
npx vitest run --sequence.shuffle.files --reporter=default --reporter=junit \
  --outputFile.junit="$ROOT/artifacts/junit-web.xml" "$@"
log "vitest again with the clock at $OTHER_CLOCK UTC"
TZ=UTC faketime "$OTHER_CLOCK" npx vitest run --sequence.shuffle.files --reporter=dot \
  --reporter=junit --outputFile.junit="$ROOT/artifacts/junit-web-other-clock.xml" "$@"
