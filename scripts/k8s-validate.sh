#!/usr/bin/env bash
# Every rendered manifest against the upstream Kubernetes OpenAPI schemas of the EKS version we
# target, with kubernetes-validate --strict (unknown fields are errors). kubernetes-validate
# only warns about kinds it has no schema for: that is accepted for the custom resources the
# tests in deploy/tests check field by field, and is an error for anything else (a misspelt
# apiVersion of a built-in kind would otherwise pass silently).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

K8S_VERSION="${K8S_VERSION:-1.35.0}"
CUSTOM_KINDS="Application|ApplicationSet|AppProject|ServiceMonitor|PrometheusRule|Certificate|ClusterIssuer|ExternalSecret|ClusterSecretStore|AlertmanagerConfig"

"$ROOT/scripts/k8s-render.sh"
bin="$("$ROOT/scripts/k8s-tools.sh" k8s-venv)"
report="$ROOT/artifacts/k8s/kubernetes-validate.txt"
files=("$ROOT"/artifacts/k8s/rendered/*/*.yaml)
status=0
"$bin/kubernetes-validate" --strict -k "$K8S_VERSION" "${files[@]}" > "$report" 2>&1 || status=$?
passed=$(grep -c ' passed for resource ' "$report" || true)
unexpected=$(grep -E '^(WARN|ERROR)' "$report" | grep -vE "Couldn't find schema for kind ($CUSTOM_KINDS) with api version" || true)
if [ "$status" -ne 0 ] || [ -n "$unexpected" ]; then
  printf '%s\n' "$unexpected" >&2
  die "kubernetes-validate --strict ($K8S_VERSION) failed (full report: ${report#$ROOT/})"
fi
custom=$(grep -cE "Couldn't find schema for kind ($CUSTOM_KINDS)" "$report" || true)
[ "$passed" -gt 0 ] || die "kubernetes-validate validated no resource"
log "kubernetes-validate --strict -k $K8S_VERSION: $passed resources valid in ${#files[@]} files; $custom custom resources left to deploy/tests"
