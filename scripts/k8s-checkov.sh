#!/usr/bin/env bash
# checkov over every rendered manifest (all charts, all environments, the app-of-apps) and both
# Dockerfiles, in one run. The only skips are those in deploy/checkov-skips.yaml, each with a reason.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$ROOT/scripts/k8s-render.sh"
bin="$("$ROOT/scripts/k8s-tools.sh" checkov)"
py="$("$ROOT/scripts/k8s-tools.sh" k8s-venv)/python"
skips="$("$py" - "$ROOT/deploy/checkov-skips.yaml" <<'PY'
import sys, yaml
entries = yaml.safe_load(open(sys.argv[1]))["skips"]
bad = [e.get("id") for e in entries if not str(e.get("reason", "")).strip() or not e.get("id")]
if bad:
    sys.exit(f"checkov-skips.yaml: entries without an id or a reason: {bad}")
print(",".join(e["id"] for e in entries))
PY
)"
stage="$ROOT/artifacts/k8s/checkov"
rm -rf "$stage" && mkdir -p "$stage/backend" "$stage/frontend"
cp -r "$ROOT/artifacts/k8s/rendered" "$stage/manifests"
cp "$ROOT/backend/Dockerfile" "$stage/backend/Dockerfile"
cp "$ROOT/frontend/Dockerfile" "$stage/frontend/Dockerfile"
log "checkov (skips: $skips)"
# --skip-download: no calls home (guidelines, policies); the machine is offline anyway.
"$bin/checkov" -d "$stage" --framework kubernetes dockerfile --skip-check "$skips" \
  --skip-download --compact --quiet \
  -o cli -o junitxml --output-file-path "console,$ROOT/artifacts/k8s/checkov-junit.xml"
