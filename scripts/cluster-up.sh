#!/usr/bin/env bash
# The local environment on kind, as ci.yml's cluster-smoke job runs it (docs/delivery.md,
# "Cluster smoke test"). Needs a running Docker engine (with buildx) and kind on PATH.
#   scripts/cluster-up.sh up [--revision REV] [--repo URL] [--no-build]
#       kind cluster `taskapp` (scripts/cluster/kind-config.yaml, host 127.0.0.1:8080 -> ingress),
#       both images built (make images) and `kind load`ed as taskapp-{backend,frontend}:local,
#       Argo CD (chart argo-cd, pinned) with deploy/gitops/bootstrap/argocd-values.yaml, the local
#       cluster Secret (scripts/cluster_local.py secret, from deploy/gitops/cluster-facts.yaml; its
#       repo_url fact is URL),
#       deploy/gitops/bootstrap/taskapp-local.yaml pointed at REV of URL; then waits until every
#       Application is Synced and Healthy (CLUSTER_WAIT_SECONDS, default 1200), dumping the state
#       of the cluster on failure. REV defaults to HEAD, URL to the `origin` remote as https.
#       Argo CD fetches REV from URL: push it first. CLUSTER_REPO_TOKEN (optional) lets it read a
#       private repository.
#   scripts/cluster-up.sh smoke      the Postman contract (tests/postman, newman) against
#                                    http://localhost:8080 (POSTMAN_ENV=kind)
#   scripts/cluster-up.sh dump       the diagnostic dump (also into artifacts/cluster/)
#   scripts/cluster-up.sh down       delete the kind cluster
# DOCKER and KIND name the binaries (default docker, kind).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KIND_VERSION="v0.29.0"
# The node image kind v0.29.0 names for Kubernetes 1.33 (the kubectl of scripts/k8s-tools.sh).
KIND_NODE_IMAGE="kindest/node:v1.33.1@sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f"
CLUSTER="taskapp"
ARGOCD_CHART_REPO="https://argoproj.github.io/argo-helm"
ARGOCD_CHART_VERSION="8.3.0" # the version docs/deploy.md installs on every env
BASE_URL="http://localhost:8080"
DOCKER="${DOCKER:-docker}"
KIND="${KIND:-kind}"
WAIT_SECONDS="${CLUSTER_WAIT_SECONDS:-1200}"
CONTEXT="kind-$CLUSTER"

usage() {
  cat >&2 <<'EOF'
usage: scripts/cluster-up.sh up [--revision REV] [--repo URL] [--no-build]
       scripts/cluster-up.sh smoke | dump | down
EOF
  exit 2
}

need_docker_and_kind() {
  # Every missing prerequisite at once, each with how to get it.
  local missing=() have
  if ! command -v "$DOCKER" >/dev/null 2>&1; then
    missing+=("Docker: no '$DOCKER' command here (install Docker Engine with buildx; no Docker, no kind: use ci.yml's cluster-smoke job)")
  elif ! "$DOCKER" info >/dev/null 2>&1; then
    missing+=("a running Docker engine ('$DOCKER info' failed): start dockerd")
  fi
  if ! command -v "$KIND" >/dev/null 2>&1; then
    missing+=("kind $KIND_VERSION: no '$KIND' command here (go install sigs.k8s.io/kind@$KIND_VERSION, see https://kind.sigs.k8s.io)")
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'cluster-up needs %s\n' "${missing[@]}" >&2
    die "cluster-up: ${#missing[@]} prerequisite(s) missing (above)"
  fi
  have="$("$KIND" version 2>/dev/null | awk '{print $2}')"
  [ "$have" = "$KIND_VERSION" ] || log "warning: kind $have, the pinned version is $KIND_VERSION"
}

py() {
  "$("$ROOT/scripts/delivery-tools.sh" venv)/python" "$ROOT/scripts/cluster_local.py" "$@"
}

kubectl_() {
  "$("$ROOT/scripts/k8s-tools.sh" kubectl)" --context "$CONTEXT" "$@"
}

default_repo() {
  # The origin remote as an https URL (what Argo CD fetches without an SSH key).
  local url
  url="$(git -C "$ROOT" remote get-url origin 2>/dev/null)" ||
    die "no git remote 'origin': pass --repo https://github.com/<owner>/<repo>.git"
  case "$url" in
    git@*:*) url="https://${url#git@}"; url="${url/://}" ;;
    ssh://git@*) url="https://${url#ssh://git@}" ;;
  esac
  printf '%s\n' "$url"
}

dump() {
  local out="$ROOT/artifacts/cluster"
  mkdir -p "$out"
  log "cluster state (also in $out/)"
  {
    echo "## Applications"
    kubectl_ -n argocd get applications,applicationsets -o wide || true
    echo "## Applications not Synced + Healthy"
    kubectl_ -n argocd get applications -o json | py unready || true
    echo "## Application problems (conditions, operations, resources not healthy)"
    kubectl_ -n argocd get applications -o json | py problems || true
    echo "## Pods"
    kubectl_ get pods -A -o wide || true
    echo "## Events (warnings)"
    kubectl_ get events -A --field-selector type=Warning --sort-by=.lastTimestamp || true
    echo "## Pods not ready"
    # columns: NAMESPACE NAME READY STATUS ...; not ready = READY x/y with x != y, or not Running
    kubectl_ get pods -A --no-headers |
      awk '{ split($3, r, "/") } $4 == "Completed" { next } $4 != "Running" || r[1] != r[2] { print $1, $2 }' |
      while read -r ns pod; do kubectl_ -n "$ns" describe pod "$pod" | tail -40; done || true
    echo "## Argo CD logs (tail)"
    for c in application-controller repo-server applicationset-controller; do
      kubectl_ -n argocd logs -l "app.kubernetes.io/name=argocd-$c" --tail=80 --all-containers || true
    done
  } 2>&1 | tee "$out/dump.txt"
}

wait_all_synced() {
  local deadline=$((SECONDS + WAIT_SECONDS)) state stable=0
  log "waiting up to ${WAIT_SECONDS}s for every Application to be Synced and Healthy"
  while :; do
    if state="$(kubectl_ -n argocd get applications -o json | py unready)"; then
      # Twice in a row: the app-of-apps creates children as it syncs, so one good look is not enough.
      stable=$((stable + 1))
      [ "$stable" -ge 2 ] && { log "$state"; kubectl_ -n argocd get applications; return 0; }
    else
      stable=0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      printf '%s\n' "$state" >&2
      dump >&2
      die "not every Application was Synced and Healthy after ${WAIT_SECONDS}s (state above, dump in artifacts/cluster/)"
    fi
    printf '%s\n' "$state" | head -5 >&2
    sleep 15
  done
}

up() {
  local revision="" repo="" build=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --revision) [ $# -ge 2 ] && [ -n "$2" ] || die "--revision needs a value"; revision="$2"; shift 2 ;;
      --repo) [ $# -ge 2 ] && [ -n "$2" ] || die "--repo needs a value"; repo="$2"; shift 2 ;;
      --no-build) build=0; shift ;;
      *) log "unknown option: $1"; usage ;;
    esac
  done
  need_docker_and_kind
  revision="${revision:-$(git -C "$ROOT" rev-parse HEAD)}"
  repo="${repo:-$(default_repo)}"
  local helm; helm="$("$ROOT/scripts/k8s-tools.sh" helm)"

  if "$KIND" get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
    log "kind cluster $CLUSTER exists"
  else
    "$KIND" create cluster --name "$CLUSTER" --image "$KIND_NODE_IMAGE" \
      --config "$ROOT/scripts/cluster/kind-config.yaml" --wait 120s
  fi
  if [ "$build" -eq 1 ]; then
    make -C "$ROOT" images IMAGE_TAG="$revision"
  fi
  "$KIND" load docker-image --name "$CLUSTER" taskapp-backend:local taskapp-frontend:local

  log "Argo CD (argo-cd chart $ARGOCD_CHART_VERSION)"
  "$helm" upgrade --install argocd argo-cd --repo "$ARGOCD_CHART_REPO" --version "$ARGOCD_CHART_VERSION" \
    --kube-context "$CONTEXT" --namespace argocd --create-namespace --wait --timeout 10m \
    -f "$ROOT/deploy/gitops/bootstrap/argocd-values.yaml" -f "$ROOT/scripts/cluster/argocd-local-values.yaml"

  log "cluster Secret (local facts) and the root of the local env at $repo@$revision"
  py secret --repo "$repo" | kubectl_ apply -f -
  if [ -n "${CLUSTER_REPO_TOKEN:-}" ]; then
    py repo-secret --repo "$repo" | kubectl_ apply -f -
  fi
  py bootstrap --repo "$repo" --revision "$revision" | kubectl_ apply -n argocd -f -
  wait_all_synced
  log "taskapp is up: $BASE_URL/api/v1"
}

smoke() {
  local url="$BASE_URL/health" i
  for i in $(seq 1 30); do
    curl -fsS -o /dev/null "$url" && break
    [ "$i" -eq 30 ] && die "$url did not answer through the ingress (is the cluster up? make cluster-up)"
    sleep 2
  done
  POSTMAN_ENV=kind "$ROOT/scripts/contract.sh" contract
}

down() {
  need_docker_and_kind
  "$KIND" delete cluster --name "$CLUSTER"
}

[ $# -ge 1 ] || usage
command="$1"; shift
case "$command" in
  up) up "$@" ;;
  smoke) [ $# -eq 0 ] || usage; smoke ;;
  dump) [ $# -eq 0 ] || usage; dump ;;
  down) [ $# -eq 0 ] || usage; down ;;
  *) usage ;;
esac
