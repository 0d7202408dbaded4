#!/usr/bin/env bash
# The promote.yml logic in one testable place: maps the GitHub environment to the values folder,
# runs scripts/promote.sh (as a dry run, or for real with PLAN_MODE=apply) and reports what it did.
#   ACTION=promote|rollback TARGET=staging|production [TAG=<sha|vX.Y.Z>] [COMPONENT=all|backend|frontend]
#   [PLAN_MODE=plan|apply] scripts/promote-plan.sh
# Writes env, backend_tag, frontend_tag, changed (true|false) and message to $GITHUB_OUTPUT (stdout
# when unset) and a Markdown summary with the diff to $RUNNER_TEMP/plan.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${GITOPS_ROOT:-$(cd "$here/.." && pwd)}"
promote() { "$here/promote.sh" --root "$root" "$@"; }
fail() { echo "::error::$*" >&2; exit 2; }

action="${ACTION:?ACTION=promote|rollback}"
target="${TARGET:?TARGET=staging|production}"
tag="${TAG:-}"
component="${COMPONENT:-all}"
mode="${PLAN_MODE:-plan}"
out="${GITHUB_OUTPUT:-/dev/stdout}"
summary="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/plan.md"

case "$target" in
  staging) env=staging; source_env=dev ;;
  production) env=prod; source_env=staging ;;
  *) fail "unknown target '$target' (staging or production)" ;;
esac
case "$mode" in plan) dry=(--dry-run) ;; apply) dry=() ;; *) fail "PLAN_MODE must be plan or apply" ;; esac

current="$(promote show --env "$env")"
case "$action" in
  promote)
    [ -z "$tag" ] || fail "promote copies the tags of $source_env; leave 'tag' empty (it is for rollback)"
    tags="$(promote show --env "$source_env")"
    diff="$(promote promote --from "$source_env" --to "$env" --component "$component" "${dry[@]}")"
    verb="promote($env)"; from=" from $source_env"
    ;;
  rollback)
    [ -n "$tag" ] || fail "rollback needs 'tag': the commit SHA or vX.Y.Z to go back to"
    diff="$(promote rollback --env "$env" --tag "$tag" --component "$component" "${dry[@]}")"
    tags="backend_tag=$tag"$'\n'"frontend_tag=$tag"
    verb="rollback($env)"; from=""
    ;;
  *) fail "unknown action '$action' (promote or rollback)" ;;
esac

backend_tag="$(sed -n 's/^backend_tag=//p' <<<"$tags")"
frontend_tag="$(sed -n 's/^frontend_tag=//p' <<<"$tags")"
[ "$component" != frontend ] || backend_tag="$(sed -n 's/^backend_tag=//p' <<<"$current")"
[ "$component" != backend ] || frontend_tag="$(sed -n 's/^frontend_tag=//p' <<<"$current")"
if [ "$diff" = "nothing changed" ]; then changed=false; else changed=true; fi
short() { [ "${#1}" -eq 40 ] && printf '%s' "${1:0:12}" || printf '%s' "$1"; }
message="$verb: taskapp-backend $(short "$backend_tag"), taskapp-frontend $(short "$frontend_tag")$from"

{
  echo "env=$env"
  echo "backend_tag=$backend_tag"
  echo "frontend_tag=$frontend_tag"
  echo "changed=$changed"
  echo "message=$message"
} >> "$out"
{
  echo "### $message"
  echo
  echo "Before: \`$(tr '\n' ' ' <<<"$current")\`"
  echo
  if [ "$changed" = true ]; then echo '```diff'; echo "$diff"; echo '```'; else echo "Nothing to change: $env already runs these tags."; fi
} > "$summary"
echo "$diff"
