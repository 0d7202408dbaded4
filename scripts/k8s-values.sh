#!/usr/bin/env bash
# The values Argo CD renders each chart with, per environment, into artifacts/k8s/values/<env>/:
# the root's valuesObject (the cluster facts, from the env's realistic cluster Secret fixture of
# deploy/tests/estate.py, shaped by deploy/gitops/cluster-facts.yaml) and each taskapp chart's
# valuesObject (the facts it takes). helm lint/template use them after the env's values file.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

read -r -a ENVS <<< "${K8S_ENVS:-dev staging prod local}"
py="$("$ROOT/scripts/k8s-tools.sh" k8s-venv)/python"
HELM="$("$ROOT/scripts/k8s-tools.sh" helm)"
export HELM
out="$ROOT/artifacts/k8s/values"
rm -rf "$out"
for env in "${ENVS[@]}"; do
  "$py" "$ROOT/deploy/tests/estate.py" values "$env" "$out/$env" \
    || die "the root of $env does not render with its cluster facts (deploy/tests/estate.py values $env)"
done
printf '%s\n' "$out"
