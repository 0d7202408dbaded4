#!/usr/bin/env bash
# Packages every chart under deploy/helm/ with the project's pinned Helm and, with --push, pushes
# each to the ECR OCI repository charts/<chart> of REGISTRY (created by Terraform, ADR 0008).
#   scripts/publish-charts.sh VERSION [--app-version TAG] [--out DIR] [--push REGISTRY]
# VERSION: the chart version, semver (`1.2.3`, `0.0.0-g0123abcd4567`); a leading `v` is dropped.
# --app-version defaults to VERSION. --out defaults to dist/charts. With --push, the AWS CLI logs
# Helm in to REGISTRY (the caller's AWS credentials, region AWS_REGION); a version that is already
# in a repository is left alone (the repositories are immutable, so a re-run must not fail).
# Used by release.yml (version tags) and bootstrap.yml (the first charts of a fresh registry).
# No lint here: the charts' defaults are incomplete on purpose (image.tag, backup.bucket must come
# from an env), so `make helm-lint` (every chart x env values, in CI) is the gate, not a bare lint.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SEMVER='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$'

[ $# -ge 1 ] || die "usage: $0 VERSION [--app-version TAG] [--out DIR] [--push REGISTRY]"
version="${1#v}"; shift
[[ "$version" =~ $SEMVER ]] || die "chart version '$version' is not semver (MAJOR.MINOR.PATCH[-pre])"
app_version="" out="$ROOT/dist/charts" registry=""
while [ $# -gt 0 ]; do
  case "$1" in
    --app-version|--out|--push)
      [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"
      case "$1" in --app-version) app_version="$2" ;; --out) out="$2" ;; --push) registry="$2" ;; esac
      shift 2 ;;
    *) die "unknown option: $1" ;;
  esac
done
app_version="${app_version:-$version}"

helm="$("$ROOT/scripts/k8s-tools.sh" helm)"
mkdir -p "$out"
packages=()
for chart in "$ROOT"/deploy/helm/*/; do
  name="$(basename "$chart")"
  # One ECR repository per chart, charts/taskapp-<part>: a chart outside that family has none.
  [[ "$name" == taskapp-* ]] || die "deploy/helm/$name: only taskapp-* charts have an ECR repository (charts/taskapp-*)"
  "$helm" package "$chart" --version "$version" --app-version "$app_version" -d "$out" >/dev/null
  packages+=("$out/$name-$version.tgz")
  printf 'packaged %s\n' "$out/$name-$version.tgz"
done
[ ${#packages[@]} -gt 0 ] || die "no charts under deploy/helm/"
[ -n "$registry" ] || exit 0

command -v aws >/dev/null || die "--push needs the AWS CLI (aws ecr get-login-password)"
aws ecr get-login-password | "$helm" registry login --username AWS --password-stdin "$registry"
for pkg in "${packages[@]}"; do
  name="$(basename "$pkg" "-$version.tgz")"
  if "$helm" show chart "oci://$registry/charts/$name" --version "$version" >/dev/null 2>&1; then
    printf 'oci://%s/charts/%s:%s exists already\n' "$registry" "$name" "$version"
  else
    "$helm" push "$pkg" "oci://$registry/charts"
  fi
done
