#!/usr/bin/env bash
# Lighthouse (npm, pinned, in .tools/) in Debian's Chromium, mobile emulation, against the production
# build served the `make run` way: the backend on a fresh SQLite database serving frontend/dist.
# /login is measured logged out; /tasks and /today signed in (a fresh refresh cookie per run, 12
# tasks, half of them due today).
# Each route runs LIGHTHOUSE_RUNS times (default 3) and its median must reach Performance >= 90 and
# Accessibility 100 (issue 18, point 9): the median keeps a run slowed by a busy shared machine from
# failing the check. Reports and scores.json go to artifacts/lighthouse/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

LIGHTHOUSE_VERSION=13.5.0
runs="${LIGHTHOUSE_RUNS:-3}"
port="${LIGHTHOUSE_PORT:-8775}"
min_perf="${LIGHTHOUSE_MIN_PERFORMANCE:-90}" # a higher bar shows the 5-run path (tests only)
min_a11y=100
# No page goes quiet in headless Chromium (the trace shows ~1.5 s of unattributable main-thread work
# spread over 45 s: most likely the autofocused field's caret), so Lighthouse waits until this
# bound on every run. The pages have fetched their last request (the web manifest) ~2.3 s after
# navigation starts, and the scores are simulated from what the trace recorded by then (Lantern:
# the 4x CPU slowdown and the slow network are computed, not waited for), so a longer wait changes
# no score: medians 96/92/95 at 12 s and 96/92/93 at 5 s on one machine, every request in both
# (the event stream stays open by design). With no full-page screenshot (only the HTML report shows
# it, 5 s per run), 9 runs take 155 s instead of 248 s.
max_wait="${LIGHTHOUSE_MAX_WAIT_MS:-5000}"

apt_install chromium curl
[ -x /usr/bin/chromium ] || die "Debian's chromium is missing (apt-get install -y chromium)"
prefix="$TOOLS/lighthouse-$LIGHTHOUSE_VERSION"
lighthouse="$prefix/node_modules/.bin/lighthouse"
if [ ! -x "$lighthouse" ]; then
  command -v npm >/dev/null || die "npm is missing: install Node.js 20+ with npm (lighthouse is an npm package)"
  log "installing lighthouse $LIGHTHOUSE_VERSION into $prefix"
  npm install --no-audit --no-fund --loglevel=error --prefix "$prefix" "lighthouse@$LIGHTHOUSE_VERSION"
fi
[ "${PREPARE_ONLY:-}" = 1 ] && exit 0 # installed only (make prepare-alone)
dist="${LIGHTHOUSE_WEB_DIR:-$ROOT/frontend/dist}" # another build can be measured for comparison
[ -f "$dist/index.html" ] || die "frontend/dist is not built: run make web-build"

run_dir="$VAR/lighthouse/run-$(date +%Y%m%d-%H%M%S)-$$"
out="$ROOT/artifacts/lighthouse"
mkdir -p "$run_dir" "$out"
rm -f "$out"/*.json
ls -1dt "$VAR"/lighthouse/run-* 2>/dev/null | tail -n +4 | xargs -r rm -rf
base="http://127.0.0.1:$port"
curl -fsS "$base/health" >/dev/null 2>&1 && die "port $port is in use: stop that server or set LIGHTHOUSE_PORT"

pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$pid" ] && wait "$pid" 2>/dev/null; true' EXIT INT TERM
(
  cd "$ROOT/backend"
  export TASKAPP_ENV=development TASKAPP_DATABASE_URL="sqlite+aiosqlite:///$run_dir/taskapp.db" \
    TASKAPP_WEB_DIR="$dist" TASKAPP_SECRET_KEY="lighthouse-only-secret-key-0123456789abcdef012345"
  unset TASKAPP_REDIS_URL
  "$ROOT/scripts/uv" run --frozen taskapp migrate > "$run_dir/migrate.log" 2>&1
  exec "$ROOT/scripts/uv" run --frozen taskapp serve --host 127.0.0.1 --port "$port"
) > "$run_dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -fsS "$base/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$base/health" >/dev/null || { tail -30 "$run_dir/server.log" >&2; die "the backend did not start"; }

account='{"email":"lighthouse@example.com","password":"lighthouse-password-1"}'
curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "$account" "$base/api/v1/auth/register"
login() { # prints the access token; the refresh cookie goes to $run_dir/cookies
  curl -fsS -c "$run_dir/cookies" -H 'Content-Type: application/json' -d "$account" \
    "$base/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
token="$(login)"
today="$(date -u +%F)" # the account's zone is UTC
for i in $(seq 1 12); do
  due=""
  if [ $((i % 2)) = 0 ]; then due=",\"due_on\":\"$today\""; fi
  curl -fsS -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"title\":\"Sample task $i for the first paint\",\"priority\":\"$([ $((i % 3)) = 0 ] && echo high || echo medium)\"$due}" \
    "$base/api/v1/tasks"
done

flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run"
flags+=" --disable-background-networking --disable-component-update --disable-sync"
session_headers() { # session_headers <route>: $headers signs the run in, except on /login
  headers=()
  [ "$1" = /login ] && return 0
  login >/dev/null # one fresh refresh token per run (a reused one revokes its family)
  headers=(--extra-headers "{\"Cookie\":\"refresh_token=$(awk '$6 == "refresh_token" {print $7}' "$run_dir/cookies")\"}")
}

measure() { # measure <route> <run number>: one Lighthouse report, $out/<name>-<n>.json
  local route="$1" i="$2" name="${1#/}" attempt
  session_headers "$route"
  # A Lighthouse runtime error (no report at all, e.g. NO_NAVSTART when the loaded machine drops
  # the trace's first event) is retried, up to three tries (two in a row happened in a
  # fresh-clone CI run); a low score never is: it is what we measure.
  for attempt in 1 2 3; do
    if CHROME_PATH=/usr/bin/chromium "$lighthouse" "$base$route" --quiet \
      --only-categories=performance,accessibility --form-factor=mobile --screenEmulation.mobile \
      --max-wait-for-load="$max_wait" --disable-full-page-screenshot \
      --chrome-flags="$flags --user-data-dir=$run_dir/chrome-$name-$i-$attempt" "${headers[@]}" \
      --output=json --output-path="$out/$name-$i.json" >"$run_dir/$name-$i-$attempt.log" 2>&1; then
      break
    fi
    tail -5 "$run_dir/$name-$i-$attempt.log" >&2
    [ "$attempt" = 3 ] && die "lighthouse failed three times on $route (run $i): $run_dir"
    log "lighthouse failed on $route (run $i, try $attempt); trying again"
    session_headers "$route" # the failed run may have used its refresh token
  done
}

median_ok() { # median_ok <name>: the median of its reports so far reaches both bars
  python3 - "$out" "$1" "$min_perf" "$min_a11y" <<'PY'
import json, statistics, sys
from pathlib import Path
out, name, min_perf, min_a11y = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
reports = [json.loads(f.read_text()) for f in out.glob(f"{name}-*.json")]
perf = statistics.median(round(r["categories"]["performance"]["score"] * 100) for r in reports)
a11y = statistics.median(round(r["categories"]["accessibility"]["score"] * 100) for r in reports)
sys.exit(0 if perf >= min_perf and a11y >= min_a11y else 1)
PY
}

for route in /login /tasks /today; do
  for i in $(seq 1 "$runs"); do measure "$route" "$i"; done
  # A median under the bar from 3 runs gets 2 more runs, and the median of all 5 decides (the
  # number of runs Lighthouse's own docs advise against variance): one slow moment of a shared
  # machine (benchmarkIndex 1,380 in a CI run, /today 89) is not a regression; a slow page
  # stays under the bar in 5 runs as in 3.
  if [ "$runs" -ge 3 ] && ! median_ok "${route#/}"; then
    log "$route: median under the bar after $runs runs; 2 more, the median of $((runs + 2)) decides"
    for i in $((runs + 1)) $((runs + 2)); do measure "$route" "$i"; done
  fi
done

# Medians per route, written to artifacts/lighthouse/scores.json; fails below the thresholds.
python3 - "$out" "$runs" "$min_perf" "$min_a11y" <<'PY'
import json, statistics, sys
from pathlib import Path
out, runs, min_perf, min_a11y = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
summary, failed = {}, False
for name in ("login", "tasks", "today"):
    files = sorted(out.glob(f"{name}-*.json"), key=lambda f: int(f.stem.rsplit("-", 1)[1]))
    reports = [json.loads(f.read_text()) for f in files]
    final = {r["finalDisplayedUrl"] for r in reports}
    perf = [round(r["categories"]["performance"]["score"] * 100) for r in reports]
    a11y = [round(r["categories"]["accessibility"]["score"] * 100) for r in reports]
    fcp = [round(r["audits"]["first-contentful-paint"]["numericValue"]) for r in reports]
    lcp = [round(r["audits"]["largest-contentful-paint"]["numericValue"]) for r in reports]
    tbt = [round(r["audits"]["total-blocking-time"]["numericValue"]) for r in reports]
    # Lighthouse's measure of the host CPU: a busy or slow host scores lower at the same 4x
    # slowdown, so a low score next to a low index points at the machine, not the app.
    host = [round(r["environment"]["benchmarkIndex"]) for r in reports]
    row = {"performance": perf, "accessibility": a11y, "fcp_ms": fcp, "lcp_ms": lcp,
           "tbt_ms": tbt, "host_benchmark_index": host,
           "median_performance": statistics.median(perf),
           "median_accessibility": statistics.median(a11y), "final_urls": sorted(final)}
    summary[f"/{name}"] = row
    print(f"/{name}: performance {perf} (median {row['median_performance']}), accessibility {a11y}, "
          f"FCP ms {fcp}, LCP ms {lcp}, TBT ms {tbt}, host benchmarkIndex {host}")
    if not all(u.rstrip("/").endswith(f"/{name}") for u in final):
        print(f"error: /{name} ended on {sorted(final)}, not on the page measured", file=sys.stderr)
        failed = True
    if row["median_performance"] < min_perf or row["median_accessibility"] < min_a11y:
        print(f"error: /{name} is below Performance {min_perf} / Accessibility {min_a11y}",
              file=sys.stderr)
        failed = True
(out / "scores.json").write_text(json.dumps(summary, indent=2) + "\n")
sys.exit(1 if failed else 0)
PY
