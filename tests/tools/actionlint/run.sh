#!/usr/bin/env bash
# Lints action.yml and every workflow in examples/github-actions/ with the actionlint pinned in
# this folder's go.mod (built with the default Go caches; a warm cache builds in a second).
# The workflows are copied into a throwaway git project whose root holds action.yml, so that
# their `uses: ./` steps are checked against the action's real inputs and outputs.
# With a built `deploy` ($CUTOVER_DEPLOY_BIN, else build/cli/deploy) it also renders every shipped
# blueprint (`deploy new`, default answers) and lints the workflow it generates.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
bin="$here/bin/actionlint"
(cd "$here" && go build -o "$bin" github.com/rhysd/actionlint/cmd/actionlint)
project="$(mktemp -d)"
trap 'rm -rf "$project"' EXIT
mkdir -p "$project/.github/workflows"
cp "$repo/action.yml" "$project/"
cp "$repo"/examples/github-actions/*.yml "$project/.github/workflows/"
git -C "$project" init -q
# -shellcheck= : the result must not depend on whether shellcheck happens to be installed.
(cd "$project" && "$bin" -shellcheck= -pyflakes= -no-color)
echo "actionlint $("$bin" -version | head -1): action.yml and $(ls "$repo"/examples/github-actions/*.yml | wc -l) workflows pass"

deploy="${CUTOVER_DEPLOY_BIN:-$repo/build/cli/deploy}"
new_help="$([[ -x "$deploy" ]] && "$deploy" new --help 2>&1 || true)"
if [[ "$new_help" != *--no-git* ]]; then
  echo "blueprint workflows skipped: no deploy with \`new\` at $deploy"
  exit 0
fi
linted=()
mkdir -p "$project/blueprints"
for manifest in "$repo"/blueprints/*/blueprint.yaml; do
  blueprint="$(basename "$(dirname "$manifest")")"
  out="$project/blueprints/$blueprint"
  "$deploy" new "$blueprint" demo --no-input --no-git --output "$out" >/dev/null
  [[ -f "$out/.github/workflows/deploy.yml" ]] || continue
  git -C "$out" init -q
  (cd "$out" && "$bin" -shellcheck= -pyflakes= -no-color)
  linted+=("$blueprint")
done
echo "actionlint: the workflows of ${#linted[@]} blueprints pass (${linted[*]})"
