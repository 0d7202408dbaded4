#!/usr/bin/env bash
# Generate the web app's typed API client (frontend/src/api/schema.d.ts) from the backend's
# OpenAPI document. With --check: generate into a temp file and fail if the committed one differs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

out="$ROOT/frontend/src/api/schema.d.ts"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$ROOT/backend" && "$ROOT/scripts/uv" run --frozen taskapp openapi) > "$tmp/openapi.json" \
  || die "could not get the OpenAPI document from the backend (cd backend && ../scripts/uv run taskapp openapi)"
(cd "$ROOT/frontend" && npx --no-install openapi-typescript "$tmp/openapi.json" \
  --default-non-nullable false -o "$tmp/schema.d.ts" >/dev/null) \
  || die "openapi-typescript failed (run make web-install)"

if [ "${1:-}" = "--check" ]; then
  if ! diff -u "$out" "$tmp/schema.d.ts" > "$tmp/drift.diff"; then
    head -60 "$tmp/drift.diff" >&2
    die "frontend/src/api/schema.d.ts is out of date with the backend's API: run 'make web-api-gen' and commit it"
  fi
  log "typed API client matches the backend's OpenAPI"
else
  cp "$tmp/schema.d.ts" "$out"
  log "wrote $out"
fi
