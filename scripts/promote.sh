#!/usr/bin/env bash
# Runs scripts/promote.py with its pinned dependencies (the delivery tool venv); see promote.py --help.
#   scripts/promote.sh set-tag --env dev --tag "$(git rev-parse HEAD)"
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$("$here/delivery-tools.sh" venv)"
exec "$bin/python" "$here/promote.py" "$@"
