#!/usr/bin/env bash
# make security-scan: bandit over backend/src (make bandit: medium severity/confidence and up
# fails; lower findings are listed).
# make npm-audit-web (`security-scan.sh npm`): npm audit --audit-level=high for the web app. It needs
# the registry's advisory endpoint, which the registry access of these machines answers with 405,
# so it is not in `make test` here; CI on GitHub runs it (ci.yml, scanners job). When it gets no
# answer it FAILS and says so: it never passes without an answer.
# pip-audit needs its online database and runs in CI only (.github/workflows/ci.yml).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-bandit}" = bandit ]; then
  log "bandit over backend/src"
  make --no-print-directory -C "$ROOT" bandit
  echo "bandit: no finding of medium or high severity in backend/src"
  exit 0
fi

lock="$ROOT/frontend/package-lock.json"
if [ ! -f "$lock" ]; then
  echo "npm audit: frontend/package-lock.json does not exist yet (no web app dependencies to audit)"
  exit 0
fi
command -v npm >/dev/null || die "npm is missing: install Node.js 20+ with npm to audit the web app"
log "npm audit --audit-level=high (frontend)"
report="$ROOT/artifacts/npm-audit.json"
mkdir -p "$ROOT/artifacts"
set +e
(cd "$ROOT/frontend" && npm audit --audit-level=high --json > "$report" 2> "$ROOT/artifacts/npm-audit.err")
rc=$?
set -e
# npm exits non-zero for findings AND for a failed request: tell them apart from the report.
python3 - "$report" "$rc" <<'PY'
import json, sys
path, rc = sys.argv[1], int(sys.argv[2])
try:
    data = json.load(open(path))
except (OSError, json.JSONDecodeError):
    sys.exit(f"npm audit gave no report (exit {rc}); see artifacts/npm-audit.err")
if "error" in data or "metadata" not in data:
    error = data.get("error", {})
    why = data.get("message") or error.get("summary") or error.get("code") or "no answer"
    sys.exit(f"npm audit could not get an answer from the registry's advisory endpoint ({why[:200]}); "
             "the web app was NOT audited (run `make npm-audit` where the npm registry's "
             "audit API is reachable, e.g. CI)")
counts = data["metadata"]["vulnerabilities"]
print("npm audit: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
if counts.get("high", 0) or counts.get("critical", 0):
    sys.exit("npm audit: high or critical advisories in the web app's dependencies (artifacts/npm-audit.json)")
PY
