#!/usr/bin/env bash
# Every Python file in the repository, linted and format-checked from the root with the root
# ruff.toml and the backend's locked ruff (so the version is the one uv.lock pins).
# It also fails when a Python file in the tree is one ruff does not look at (an exclude or
# ignore pattern that hides it), so no file escapes the lint.
# With --fix: format in place and apply the safe fixes (what `make fmt` runs).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ruff() { "$ROOT/scripts/uv" run --frozen --quiet --project backend ruff "$@"; }

if [ "${1:-}" = "--fix" ]; then
  ruff format .
  ruff check --fix-only .
  exit 0
fi

git rev-parse --is-inside-work-tree >/dev/null 2>&1 \
  || die "python-lint needs a git checkout (it compares the tracked Python files with what ruff checks)"

status=0
log "ruff check ."
ruff check . || status=1
log "ruff format --check ."
ruff format --check . || status=1

# Tracked and new (not ignored) Python files that still exist, against the files ruff checked.
escaped="$(comm -23 \
  <(git ls-files --cached --others --exclude-standard -- '*.py' '*.pyi' \
      | while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done | sort -u) \
  <(ruff check --show-files . | sed "s|^$ROOT/||" | sort -u))"
if [ -n "$escaped" ]; then
  printf '%s\n' "$escaped" >&2
  log "these Python files are not checked by ruff: remove the exclude that hides them from ruff.toml"
  status=1
fi

[ "$status" -eq 0 ] || die "python-lint failed (run 'make fmt' for formatting and the safe fixes)"
log "python-lint: $(ruff check --show-files . | grep -c '\.pyi\?$') Python files clean under ruff.toml"
