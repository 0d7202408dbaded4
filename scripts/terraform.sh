#!/usr/bin/env bash
# Terraform checks for deploy/terraform, fully offline:
#   scripts/terraform.sh fmt       terraform fmt -check -recursive
#   scripts/terraform.sh validate  init (offline, -backend=false) + validate every module, env, shared, bootstrap;
#                                  env compositions link one composition/ and differ only in backend.tf and tfvars
#   scripts/terraform.sh test      the env link check, then terraform test (mock_provider "aws") in every
#                                  config; Terraform's test runner validates the configuration before
#                                  each run block, so `make test` runs this and not `validate`
#   scripts/terraform.sh checkov   checkov -d deploy/terraform (skips only in deploy/terraform/.checkov.yaml)
#   scripts/terraform.sh ci-role   plan shared + two envs (estate/ci-role) and check the CI role against
#                                  what .github/workflows call (scripts/ci_role.py)
#   scripts/terraform.sh init      (re)initialise every config
# The aws provider comes from a local mirror: $TASKAPP_TF_PLUGIN_DIR, or the first of a few known
# folders that holds registry.terraform.io/hashicorp/aws/<version>. Init state lives under
# var/terraform/ (TF_DATA_DIR), not in the source tree, and is reused until a .tf file changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TF_ROOT="$ROOT/deploy/terraform"
AWS_PROVIDER_VERSION="5.100.0"
CHECKOV_SPEC="checkov==3.3.30"
STATE="$VAR/terraform"
ART="$ROOT/artifacts/terraform"

# Every Terraform configuration, in the order the checks run them: modules, then the root
# configurations in apply order (bootstrap, shared, the envs), then estate/ (a test-only
# configuration that plans shared and the three envs side by side: docs/adr/0008).
configs() {
  local d
  for d in "$TF_ROOT"/modules/*/ "$TF_ROOT"/bootstrap/ "$TF_ROOT"/shared/ "$TF_ROOT"/envs/dev/ "$TF_ROOT"/envs/staging/ "$TF_ROOT"/envs/prod/ "$TF_ROOT"/estate/; do
    [ -d "$d" ] && ls "$d"*.tf >/dev/null 2>&1 && printf '%s\n' "${d%/}"
  done
}

need_terraform() {
  mkdir -p "$STATE" "$ART"
  # A CLI config of our own: ignores a user's ~/.terraformrc (and a TF_CLI_CONFIG_FILE pointing at a
  # missing file), so nothing can reach for a network registry.
  : > "$STATE/terraformrc"
  export TF_CLI_CONFIG_FILE="$STATE/terraformrc" TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
  command -v terraform >/dev/null 2>&1 || die "terraform CLI not found on PATH: install Terraform >= 1.11 (the CI image ships it at /usr/local/bin/terraform)"
  local v
  v="$(terraform version -json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["terraform_version"])')"
  case "$v" in
    1.1[1-9].*|1.[2-9][0-9].*) ;;
    *) die "terraform $v is too old: install Terraform >= 1.11 (terraform test with mock_provider and override_during)" ;;
  esac
}

plugin_dir() {
  local d cand=()
  if [ -n "${TASKAPP_TF_PLUGIN_DIR:-}" ]; then
    [ -d "$TASKAPP_TF_PLUGIN_DIR/registry.terraform.io/hashicorp/aws/$AWS_PROVIDER_VERSION" ] ||
      die "TASKAPP_TF_PLUGIN_DIR=$TASKAPP_TF_PLUGIN_DIR holds no registry.terraform.io/hashicorp/aws/$AWS_PROVIDER_VERSION"
    printf '%s\n' "$TASKAPP_TF_PLUGIN_DIR"; return 0
  fi
  cand+=(/opt/tf-plugins "$TOOLS/tf-plugins" "$HOME/.terraform.d/plugins" "$HOME/.local/share/terraform/plugins"
         /usr/local/share/terraform/plugins /usr/share/terraform/plugins)
  for d in "${cand[@]}"; do
    if [ -d "$d/registry.terraform.io/hashicorp/aws/$AWS_PROVIDER_VERSION" ]; then printf '%s\n' "$d"; return 0; fi
  done
  die "no offline provider mirror with hashicorp/aws $AWS_PROVIDER_VERSION found (looked in: ${cand[*]}). Install one (e.g. 'terraform providers mirror' on a connected machine, then copy it to /opt/tf-plugins) or point TASKAPP_TF_PLUGIN_DIR at it"
}

rel() { printf '%s\n' "${1#"$TF_ROOT"/}"; }

# One aws provider process for a whole command. Terraform starts the 700 MB provider binary twice
# per run block (schema, then the run), about 0.6 s of CPU each time: 117 run blocks spent most of
# tf-test's 236 s starting it. Started once with -debug, it prints a TF_REATTACH_PROVIDERS value
# that Terraform uses instead of starting its own (Terraform's documented provider-debugging
# hook); mock_provider still takes only the schema from it. Call after init: init checks the mirror
# and the lock file against the real binary. TASKAPP_TF_SHARED_PROVIDER=0 turns it off.
shared_provider() {
  [ "${TASKAPP_TF_SHARED_PROVIDER:-1}" = 1 ] || return 0
  local bin out reattach platform dir
  platform="linux_$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')"
  dir="$(plugin_dir)/registry.terraform.io/hashicorp/aws/$AWS_PROVIDER_VERSION/$platform"
  bin="$(find "$dir" -maxdepth 1 -name 'terraform-provider-aws_*' 2>/dev/null | head -1)"
  [ -x "$bin" ] || die "no aws provider binary in $dir"
  out="$STATE/shared-provider.out"
  "$bin" -debug > "$out" 2>&1 &
  PROVIDER_PID=$!
  trap 'kill "$PROVIDER_PID" 2>/dev/null || true; wait "$PROVIDER_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 1 240); do
    reattach="$(sed -nE "s/^[[:space:]]*TF_REATTACH_PROVIDERS='(.*)'$/\1/p" "$out")"
    [ -n "$reattach" ] && break
    kill -0 "$PROVIDER_PID" 2>/dev/null || { cat "$out" >&2; die "the aws provider exited before it was ready"; }
    sleep 0.25
  done
  [ -n "$reattach" ] || { cat "$out" >&2; die "the aws provider printed no TF_REATTACH_PROVIDERS within 60 s"; }
  export TF_REATTACH_PROVIDERS="$reattach"
}

# data_dir CONFIG: where that config's .terraform lives.
data_dir() { printf '%s/data/%s\n' "$STATE" "$(rel "$1" | tr '/' '_')"; }

# Any .tf/.tftest.hcl change (a module call, a provider constraint) makes every config re-init once.
tree_hash() {
  (cd "$TF_ROOT" && find . -name '*.tf' -o -name '*.tftest.hcl' -o -name '.terraform.lock.hcl' | LC_ALL=C sort | xargs sha256sum; terraform version) | sha256sum | cut -c1-16
}

init_all() {
  local force="${1:-}" plugins hash cfg dd lockmode
  plugins="$(plugin_dir)"
  hash="$(tree_hash)"
  while read -r cfg; do
    dd="$(data_dir "$cfg")"
    if [ -z "$force" ] && [ -f "$dd/.taskapp-init" ] && [ "$(cat "$dd/.taskapp-init")" = "$hash:$plugins" ]; then continue; fi
    # Root configurations (envs, bootstrap) carry a committed lock file that init must not change;
    # reusable modules never do (their callers' lock files decide).
    case "$(rel "$cfg")" in modules/*) lockmode=() ;; *) lockmode=(-lockfile=readonly) ;; esac
    log "terraform init $(rel "$cfg")"
    mkdir -p "$dd"
    if ! TF_DATA_DIR="$dd" terraform -chdir="$cfg" init -backend=false -plugin-dir="$plugins" "${lockmode[@]}" -no-color >"$dd/init.log" 2>&1; then
      cat "$dd/init.log" >&2
      die "terraform init failed in $(rel "$cfg")"
    fi
    printf '%s' "$hash:$plugins" > "$dd/.taskapp-init"
  done < <(configs)
}

cmd_fmt() {
  need_terraform
  terraform fmt -check -recursive -diff "$TF_ROOT" || die "terraform files are not formatted: run 'make tf-fmt-fix' (terraform fmt -recursive deploy/terraform)"
  log "terraform fmt: all files formatted"
}

# The three environments are one composition (deploy/terraform/composition, linked into each env)
# sized by their tfvars: a copied file instead of the link would let them drift apart.
check_env_drift() {
  local f env
  for f in main.tf variables.tf outputs.tf versions.tf; do
    for env in dev staging prod; do
      [ "$(readlink "$TF_ROOT/envs/$env/$f")" = "../../composition/$f" ] ||
        die "envs/$env/$f must be a link to ../../composition/$f: environments differ only in backend.tf, terraform.tfvars and tests/"
    done
  done
  for env in dev staging prod; do
    for f in names_and_facts.tftest.hcl; do
      [ "$(readlink "$TF_ROOT/envs/$env/tests/$f")" = "../../tests/$f" ] ||
        die "envs/$env/tests/$f must be a link to ../../tests/$f: the envs share one test for what they have in common"
    done
    grep -q "key *= *\"envs/$env/terraform.tfstate\"" "$TF_ROOT/envs/$env/backend.tf" ||
      die "envs/$env/backend.tf must use the state key envs/$env/terraform.tfstate"
    grep -q "^environment *= *\"$env\"" "$TF_ROOT/envs/$env/terraform.tfvars" ||
      die "envs/$env/terraform.tfvars must set environment = \"$env\""
  done
}

cmd_validate() {
  need_terraform
  check_env_drift
  init_all
  local cfg n=0
  while read -r cfg; do
    # A module that needs an aliased provider from its caller (modules/edge: aws.us_east_1)
    # cannot be validated on its own (Terraform reports the alias as missing); the envs that
    # call it validate it, and its own terraform test plans it with both providers.
    if grep -q configuration_aliases "$cfg"/*.tf; then
      log "terraform validate $(rel "$cfg"): through the envs that call it (it needs an aliased provider)"
      continue
    fi
    if ! TF_DATA_DIR="$(data_dir "$cfg")" terraform -chdir="$cfg" validate -no-color >"$ART/validate-$(rel "$cfg" | tr / _).log" 2>&1; then
      cat "$ART/validate-$(rel "$cfg" | tr / _).log" >&2
      die "terraform validate failed in $(rel "$cfg")"
    fi
    n=$((n + 1))
  done < <(configs)
  log "terraform validate: $n configurations valid"
}

cmd_test() {
  need_terraform
  check_env_drift
  init_all
  shared_provider
  local cfg name out failed=() total_pass=0 total_fail=0 p f
  while read -r cfg; do
    [ -d "$cfg/tests" ] || die "$(rel "$cfg") has no tests/ folder: every module and environment is tested"
    name="$(rel "$cfg" | tr / _)"; out="$ART/test-$name.log"
    log "terraform test $(rel "$cfg")"
    if TF_DATA_DIR="$(data_dir "$cfg")" terraform -chdir="$cfg" test -no-color -junit-xml="$ART/junit-$name.xml" >"$out" 2>&1; then :; else failed+=("$(rel "$cfg")"); fi
    p="$(sed -nE 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1/p' "$out" | tail -1)"
    f="$(sed -nE 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\2/p' "$out" | tail -1)"
    printf '    %-28s %3s passed, %s failed\n' "$(rel "$cfg")" "${p:-?}" "${f:-?}" >&2
    if [ "${p:-0}" -eq 0 ] && [ "${f:-0}" -eq 0 ]; then failed+=("$(rel "$cfg")"); echo "no test ran" >> "$out"; fi
    total_pass=$((total_pass + ${p:-0})); total_fail=$((total_fail + ${f:-0}))
  done < <(configs)
  if [ ${#failed[@]} -gt 0 ]; then
    for cfg in "${failed[@]}"; do grep -vE '^\s*$' "$ART/test-$(printf '%s' "${cfg%% *}" | tr / _).log" >&2 || true; done
    die "terraform test failed in: ${failed[*]} ($total_pass passed, $total_fail failed; logs in artifacts/terraform/)"
  fi
  log "terraform test: $total_pass run blocks passed in $(configs | wc -l) configurations"
}

cmd_checkov() {
  local bin
  bin="$(tool_venv checkov "$CHECKOV_SPEC")" || die "could not install $CHECKOV_SPEC (needs PyPI): try 'rm -rf .tools/venvs/checkov' and re-run"
  mkdir -p "$ART"
  # Only hashicorp/aws resources and local modules here; nothing to download.
  # composition/ is scanned through the envs that link it (its module paths resolve from there).
  "$bin/checkov" -d "$TF_ROOT" --config-file "$TF_ROOT/.checkov.yaml" --framework terraform \
    --skip-path "composition" \
    --download-external-modules false --skip-download --compact --quiet \
    -o cli -o junitxml --output-file-path "console,$ART/checkov-junit.xml"
}

# The plans of estate/ci-role (its own test directory, so `tf-test` does not plan them twice),
# printed by `terraform test -verbose -json`, checked by scripts/ci_role.py against the workflows.
cmd_ci_role() {
  need_terraform
  local cfg="$TF_ROOT/estate" dd="$STATE/data/estate_ci-role" plugins hash py plans="$ART/ci-role-plans.json"
  plugins="$(plugin_dir)"; hash="$(tree_hash)"
  if [ ! -f "$dd/.taskapp-init" ] || [ "$(cat "$dd/.taskapp-init")" != "$hash:$plugins" ]; then
    mkdir -p "$dd"
    TF_DATA_DIR="$dd" terraform -chdir="$cfg" init -backend=false -plugin-dir="$plugins" -lockfile=readonly \
      -test-directory=ci-role -no-color >"$dd/init.log" 2>&1 || { cat "$dd/init.log" >&2; die "terraform init failed in estate (ci-role)"; }
    printf '%s' "$hash:$plugins" > "$dd/.taskapp-init"
  fi
  py="$("$ROOT/scripts/delivery-tools.sh" venv)/python" # ruamel.yaml reads the workflows
  shared_provider
  log "terraform test estate -test-directory=ci-role (the plans of shared, dev, staging)"
  TF_DATA_DIR="$dd" terraform -chdir="$cfg" test -test-directory=ci-role -verbose -json -no-color 2>"$ART/ci-role.err" |
    "$py" "$ROOT/scripts/ci_role.py" collect > "$plans" || { cat "$ART/ci-role.err" >&2; die "terraform test estate/ci-role failed"; }
  "$py" "$ROOT/scripts/ci_role.py" check "$plans"
}

case "${1:-}" in
  fmt) cmd_fmt ;;
  validate) cmd_validate ;;
  test) cmd_test ;;
  checkov) cmd_checkov ;;
  ci-role) cmd_ci_role ;;
  init) need_terraform; init_all force ;;
  *) die "usage: $0 fmt|validate|test|checkov|ci-role|init" ;;
esac
