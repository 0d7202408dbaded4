#!/usr/bin/env bash
# make fuzz: schemathesis (pinned, own tool venv) against the live stack's /openapi.json:
# every operation, every check, the examples/coverage/fuzzing/stateful phases, authenticated as
# an account tests/fuzz/hooks.py registers. Zero failures or the target fails.
# Config: tests/fuzz/schemathesis.toml (max-examples bounds the run). FUZZ_SEED=<n> to replay.
# Reports: artifacts/fuzz/junit.xml.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SCHEMATHESIS_SPEC="schemathesis==4.32.5"
bin="$(tool_venv schemathesis "$SCHEMATHESIS_SPEC")"
out="$ROOT/artifacts/fuzz"
rm -rf "$out"; mkdir -p "$out"

# One worker: with two threads, Hypothesis's per-thread sys.setrecursionlimit races the other
# thread's ast.parse, and CPython before 3.11.9 (this machine has 3.11.7) then raises "AST
# constructor recursion depth mismatch" (cpython gh-106905): CI's fuzz failed on it twice.
inner() {
  set -o pipefail  # schemathesis' exit status, not sed's
  mkdir -p "$VAR/fuzz" && cd "$VAR/fuzz"  # schemathesis keeps its cache in the working folder
  PYTHONPATH="$ROOT/tests/fuzz" SCHEMATHESIS_HOOKS=hooks "$bin/schemathesis" \
    --config-file "$ROOT/tests/fuzz/schemathesis.toml" run "$TASKAPP_STACK_URL/openapi.json" \
    --checks all --phases examples,coverage,fuzzing,stateful --workers 1 --no-color \
    --wait-for-schema 30 ${FUZZ_SEED:+--seed "$FUZZ_SEED"} \
    --report junit --report-junit-path "$out/junit.xml" 2>&1 | tee "$out/output.txt" |
    # schemathesis closes with a pytest-style "=== 1 warning in 17s ===" (or "No issues found")
    # line that carries no test count; CI reads pytest closing lines, so that one is relabelled.
    sed -E 's/^=+ (.* in [0-9.]+s) =+$/schemathesis: \1/'
}
export -f inner
export bin out ROOT VAR
"$ROOT/scripts/stack.sh" run bash -c inner
