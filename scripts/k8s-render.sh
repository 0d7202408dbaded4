#!/usr/bin/env bash
# Renders every taskapp chart and the app-of-apps for every environment, with the values files
# Argo CD uses (deploy/gitops/envs/<env>/<chart>.yaml), into artifacts/k8s/rendered/<env>/.
# The root Application files (deploy/gitops/bootstrap/) are copied beside them. Fails on the
# first chart that does not render.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ENVS=(${K8S_ENVS:-dev staging prod})
CHARTS=(taskapp-backend taskapp-frontend taskapp-ingress taskapp-monitoring)
out="$ROOT/artifacts/k8s/rendered"
helm="$("$ROOT/scripts/k8s-tools.sh" helm)"

for link in "$ROOT"/deploy/helm/taskapp-monitoring/files/*; do
  [ -e "$link" ] || die "$link -> $(readlink "$link") does not exist: taskapp-monitoring packages deploy/monitoring/ (rules/, dashboards/, alertmanager/), written by the monitoring part"
done

rm -rf "$out"
for env in "${ENVS[@]}"; do
  mkdir -p "$out/$env"
  for chart in "${CHARTS[@]}"; do
    ns="taskapp-$env"; [ "$chart" = taskapp-monitoring ] && ns=monitoring
    "$helm" template "$chart" "$ROOT/deploy/helm/$chart" --namespace "$ns" \
      -f "$ROOT/deploy/gitops/envs/$env/$chart.yaml" > "$out/$env/$chart.yaml" 2> "$out/$env/$chart.stderr" \
      || { cat "$out/$env/$chart.stderr" >&2; die "helm template $chart ($env) failed"; }
  done
  "$helm" template "taskapp-$env" "$ROOT/deploy/gitops/apps" --namespace argocd \
    -f "$ROOT/deploy/gitops/envs/$env/apps.yaml" > "$out/$env/apps.yaml" 2> "$out/$env/apps.stderr" \
    || { cat "$out/$env/apps.stderr" >&2; die "helm template deploy/gitops/apps ($env) failed"; }
  cp "$ROOT/deploy/gitops/bootstrap/taskapp-$env.yaml" "$out/$env/bootstrap.yaml"
  rm -f "$out/$env"/*.stderr
done
log "rendered ${#CHARTS[@]} charts + app-of-apps for ${ENVS[*]} into ${out#$ROOT/}"
