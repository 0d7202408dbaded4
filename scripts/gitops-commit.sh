#!/usr/bin/env bash
# Commits the changed GitOps values (deploy/gitops/envs/) as the GitHub Actions bot and pushes the
# commit to the branch, rebasing on a moved remote and retrying, so concurrent merges never lose it.
#   scripts/gitops-commit.sh "deploy(dev): taskapp images abc123 [skip ci]" [BRANCH]
# BRANCH defaults to main. Nothing staged -> prints "nothing to commit" and exits 0.
# Only files under deploy/gitops/envs/ are committed; anything else changed in the work tree is an
# error (the workflow must not ship stray edits). GITOPS_REMOTE (default origin), GITOPS_PUSH_TRIES (5),
# GITOPS_RETRY_DELAY (2: seconds times the attempt number between tries).
set -euo pipefail
message="${1:?usage: $0 MESSAGE [BRANCH]}"
branch="${2:-main}"
remote="${GITOPS_REMOTE:-origin}"
tries="${GITOPS_PUSH_TRIES:-5}"
cd "$(git rev-parse --show-toplevel)"
# The bot identity for author and committer (the environment wins over git config, so set both).
export GIT_AUTHOR_NAME="github-actions[bot]" GIT_COMMITTER_NAME="github-actions[bot]"
export GIT_AUTHOR_EMAIL="41898282+github-actions[bot]@users.noreply.github.com"
export GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

stray="$(git status --porcelain --untracked-files=all | awk '{print $NF}' | grep -v '^deploy/gitops/envs/' || true)"
if [ -n "$stray" ]; then
  echo "gitops-commit: refusing, files outside deploy/gitops/envs/ changed:" >&2
  printf '%s\n' "$stray" | sed 's/^/  /' >&2
  exit 1
fi
git add -- deploy/gitops/envs
if git diff --cached --quiet; then
  echo "gitops-commit: nothing to commit"
  exit 0
fi
git commit --quiet -m "$message"
git --no-pager log -1 --stat --format='%H %s'

for attempt in $(seq "$tries"); do
  if git push --quiet "$remote" "HEAD:refs/heads/$branch"; then
    echo "gitops-commit: pushed to $remote/$branch"
    exit 0
  fi
  echo "gitops-commit: push rejected (attempt $attempt/$tries): rebasing on $remote/$branch" >&2
  git fetch --quiet "$remote" "$branch"
  # A conflict means someone else changed the same values line: stop, a person must decide.
  git rebase --quiet FETCH_HEAD || { git rebase --abort; echo "gitops-commit: conflict with $remote/$branch" >&2; exit 1; }
  sleep "$((attempt * ${GITOPS_RETRY_DELAY:-2}))"
done
echo "gitops-commit: could not push after $tries attempts" >&2
exit 1
