#!/usr/bin/env bash
# Renders every taskapp chart and the app-of-apps for every environment the way Argo CD does:
# the env's values file (deploy/gitops/envs/<env>/<chart>.yaml) and over it the cluster facts
# (artifacts/k8s/values/<env>/, from scripts/k8s-values.sh), into artifacts/k8s/rendered/<env>/.
# The root files (deploy/gitops/bootstrap/) are copied beside them; the local env also renders its
# in-cluster datastores chart. Fails on the first chart that does not render.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

read -r -a ENVS <<< "${K8S_ENVS:-dev staging prod local}"
CHARTS=(taskapp-backend taskapp-frontend taskapp-ingress taskapp-monitoring)
out="$ROOT/artifacts/k8s/rendered"
helm="$("$ROOT/scripts/k8s-tools.sh" helm)"
facts="$("$ROOT/scripts/k8s-values.sh")"

for link in "$ROOT"/deploy/helm/taskapp-monitoring/files/*; do
  [ -e "$link" ] || die "$link -> $(readlink "$link") does not exist: taskapp-monitoring packages deploy/monitoring/ (rules/, dashboards/, alertmanager/), written by the monitoring part"
done

rm -rf "$out"
n=0
for env in "${ENVS[@]}"; do
  mkdir -p "$out/$env"
  for chart in "${CHARTS[@]}"; do
    # The local env runs no monitoring chart (no values file there).
    [ -f "$ROOT/deploy/gitops/envs/$env/$chart.yaml" ] || continue
    ns="taskapp-$env"; [ "$chart" = taskapp-monitoring ] && ns=monitoring
    "$helm" template "$chart" "$ROOT/deploy/helm/$chart" --namespace "$ns" \
      -f "$ROOT/deploy/gitops/envs/$env/$chart.yaml" -f "$facts/$env/$chart.values.yaml" \
      > "$out/$env/$chart.yaml" 2> "$out/$env/$chart.stderr" \
      || { cat "$out/$env/$chart.stderr" >&2; die "helm template $chart ($env) failed"; }
    n=$((n+1))
  done
  "$helm" template "taskapp-$env" "$ROOT/deploy/gitops/apps" --namespace argocd \
    -f "$ROOT/deploy/gitops/envs/$env/apps.yaml" -f "$facts/$env/apps.values.yaml" \
    > "$out/$env/apps.yaml" 2> "$out/$env/apps.stderr" \
    || { cat "$out/$env/apps.stderr" >&2; die "helm template deploy/gitops/apps ($env) failed"; }
  if [ "$env" = local ]; then
    "$helm" template local-datastores "$ROOT/deploy/gitops/local/datastores" --namespace taskapp-local \
      > "$out/$env/local-datastores.yaml" || die "helm template deploy/gitops/local/datastores failed"
  fi
  cp "$ROOT/deploy/gitops/bootstrap/taskapp-$env.yaml" "$out/$env/bootstrap.yaml"
  rm -f "$out/$env"/*.stderr
done
log "rendered $n chart x env + app-of-apps for ${ENVS[*]} (with their cluster facts) into ${out#"$ROOT"/}"
