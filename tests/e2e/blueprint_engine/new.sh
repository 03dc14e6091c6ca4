#!/usr/bin/env bash
# deploy new: --set, --answers, --dry-run, --no-git, git init, hooks, the author check, bad
# input (unreachable git URLs included), --force, a path-escaping blueprint, and a git URL
# (file://, #tag) as --from.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$work"

# --set, --no-git: files rendered, conditions applied, answers recorded, hooks skipped.
expect_exit 0 "new --set --no-git" new demo pay-svc --from "$fixture" --set port=9090 \
  --set ingress=true --no-git --no-input
expect_in "1 hook skipped"
expect_in "touch hook-ran"
expect_file pay-svc/README.md "# PaySvc"
expect_file pay-svc/README.md "Exposed through an Ingress."
expect_file pay-svc/src/pay_svc.cpp "int paySvcPort() { return 9090; }"
expect_file pay-svc/src/pay_svc.cpp "a < b && c > d"
expect_file pay-svc/deploy/ingress.yaml "host: pay-svc.example.com"
expect_file pay-svc/deploy/service.yaml "namespace: pay-svc"
expect_file pay-svc/logo.raw "{{kept verbatim}}"
expect_absent pay-svc/docs
expect_absent pay-svc/.git
expect_absent pay-svc/hook-ran
expect_file pay-svc/.cutover/answers.yaml 'blueprint: "demo"'
expect_file pay-svc/.cutover/answers.yaml "kind: path"
expect_file pay-svc/.cutover/answers.yaml "port: 9090"
expect_file pay-svc/.cutover/answers.yaml "ingress: true"

# --answers (another service's answers file), --output, --set wins over the file.
expect_exit 0 "new --answers --output" new demo other --from "$fixture" \
  --answers pay-svc/.cutover/answers.yaml --set tier=critical --output out/other --no-git
expect_file out/other/src/other.cpp "return 9090;"
expect_file out/other/docs/runbook.md "Runbook for other (critical)."

# --dry-run: the tree, the skipped files and the hooks; nothing written.
expect_exit 0 "new --dry-run" new demo dry --from "$fixture" --dry-run
expect_in "src/dry.cpp"
expect_in "deploy/ingress.yaml  (when: ingress)"
expect_in "docs/runbook.md  (when: tier == 'critical')"
expect_in "touch: touch hook-ran"
expect_in "dry run: nothing written"
expect_absent dry

# git: a repository with one commit, a clean tree and the pristine-render ref.
expect_exit 0 "new with git" new demo gitsvc --from "$fixture"
expect_in "first commit"
[[ "$(git -C gitsvc rev-list --count HEAD)" == 1 ]] && log "ok: one commit" || fail "commits"
[[ -z "$(git -C gitsvc status --porcelain)" ]] && log "ok: clean tree" || fail "dirty tree"
git -C gitsvc rev-parse -q --verify refs/cutover/blueprint >/dev/null && log "ok: pristine ref" ||
  fail "no refs/cutover/blueprint"
[[ "$(git -C gitsvc log -1 --format=%an)" == "Blueprint Test" ]] && log "ok: author" || fail "author"

# Hooks: run with --allow-hooks; a failing one removes everything.
expect_exit 0 "new --allow-hooks" new demo hooked --from "$fixture" --allow-hooks --no-git
expect_file hooked/hook-ran
mkdir -p "$work/failing" && cp -r "$fixture"/. "$work/failing/"
sed -i "s/run: \['touch', 'hook-ran'\]/run: ['false']/" "$work/failing/blueprint.yaml"
mkdir -p "$work/fail-out"
expect_exit 1 "failing hook" new demo broken --from "$work/failing" --allow-hooks \
  --output "$work/fail-out/broken"
expect_in "exited with 1"
nothing_left "$work/fail-out"

# The author check comes before anything is written.
mkdir -p "$work/home" "$work/no-author"
out="$(cd "$work/no-author" && env -u GIT_AUTHOR_NAME -u GIT_AUTHOR_EMAIL HOME="$work/home" \
  XDG_CONFIG_HOME="$work/home/.config" GIT_CONFIG_NOSYSTEM=1 "$deploy" new demo xy \
  --from "$fixture" </dev/null 2>&1)" && code=0 || code=$?
[[ "$code" == 2 ]] && log "ok: no author: exit 2" || fail "no author: exit $code: $out"
expect_in "git config --global user.name"
expect_in "GIT_AUTHOR_NAME"
nothing_left "$work/no-author"

# Bad input: exit 2, a clear message, nothing written.
mkdir -p "$work/bad" && cd "$work/bad"
expect_exit 2 "invalid --set" new demo svc --from "$fixture" --set port=80 --no-git
expect_in "parameter port: --set: 80 is outside 1024..65535"
expect_exit 2 "invalid name" new demo Bad_Name --from "$fixture" --no-git
expect_in "does not match"
expect_exit 2 "unknown parameter" new demo svc --from "$fixture" --set prot=1 --no-git
expect_in "parameter prot"
expect_exit 2 "missing blueprint" new no-such svc
expect_in "no shipped blueprint called 'no-such'"
expect_exit 2 "unreachable git URL" new demo svc --from "file://$work/nowhere.git"
expect_in "cloning file://$work/nowhere.git"
# The clone goes to a temporary folder under TMPDIR; it must be gone too.
mkdir -p "$work/clone-tmp"
TMPDIR="$work/clone-tmp" expect_exit 2 "missing file:// repository" new demo svc \
  --from file:///nonexistent/repo.git --no-git
expect_in "cloning file:///nonexistent/repo.git"
expect_in "fix: check the URL"
TMPDIR="$work/clone-tmp" expect_exit 2 "unreachable https repository" new demo svc \
  --from https://127.0.0.1:1/x.git --no-git
expect_in "cloning https://127.0.0.1:1/x.git"
expect_in "fix: check the URL"
nothing_left "$work/clone-tmp"
nothing_left "$work/bad"
cd "$work"

# An existing folder: refused without --force (naming it), replaced with it.
mkdir -p taken && echo "mine" >taken/file
expect_exit 2 "existing folder" new demo taken --from "$fixture" --no-git
expect_in "already exists and is not an empty folder"
expect_in "add --force to replace it"
expect_file taken/file "mine"
expect_exit 0 "existing folder --force" new demo taken --from "$fixture" --no-git --force
real_work="$(pwd -P)"  # messages show real paths (a symlinked TMPDIR resolved)
expect_in "replaced the existing $real_work/taken (--force)"
expect_absent taken/file
expect_file taken/README.md "# Taken"
expect_file taken/.cutover/answers.yaml 'blueprint: "demo"'
leftovers="$(find "$work" -maxdepth 1 -name '.taken.cutover-*')"
[[ -z "$leftovers" ]] && log "ok: no temporary folders left" || fail "left behind: $leftovers"
# A failing hook with --force: the old folder is put back untouched, nothing else is left.
mkdir -p "$work/force-out/kept/src" && echo "precious" >"$work/force-out/kept/src/main.cpp"
expect_exit 1 "failing hook with --force" new demo kept --from "$work/failing" --allow-hooks \
  --no-git --force --output "$work/force-out/kept"
expect_in "exited with 1"
expect_in "$work/force-out/kept was put back as it was"
expect_file "$work/force-out/kept/src/main.cpp" "precious"
expect_absent "$work/force-out/kept/README.md"
expect_absent "$work/force-out/kept/.cutover"
[[ "$(ls -A "$work/force-out")" == kept ]] && log "ok: only kept/ in force-out" ||
  fail "force-out holds: $(ls -A "$work/force-out")"
# --force never replaces the current folder, a parent of it, or $HOME.
cd "$work/force-out/kept/src"
expect_exit 2 "--force on the current folder" new demo kept --from "$fixture" --no-git --force \
  --output .
expect_in "which holds the current folder"
expect_exit 2 "--force on a parent folder" new demo kept --from "$fixture" --no-git --force \
  --output ..
expect_in "which holds the current folder $real_work/force-out/kept/src"
cd "$work"
HOME="$work/force-out" expect_exit 2 "--force on \$HOME" new demo kept --from "$fixture" \
  --no-git --force --output "$work/force-out"
expect_in "your home folder (\$HOME)"
expect_file "$work/force-out/kept/src/main.cpp" "precious"

# A blueprint whose rendered path escapes the target: refused, naming the template file.
mkdir -p "$work/escape/template/{{dir}}" "$work/escape-out"
cat >"$work/escape/blueprint.yaml" <<'YAML'
apiVersion: cutover.dev/v1alpha1
kind: Blueprint
name: escape
version: 1.0.0
parameters:
  - {name: name, required: true}
  - {name: dir, default: '../../escaped'}
YAML
echo "x" >"$work/escape/template/ok.txt"
echo "pwned" >"$work/escape/template/{{dir}}/evil.txt"
cd "$work/escape-out"
expect_exit 2 "path escape" new escape svc --from "$work/escape" --no-git
expect_in "template file {{dir}}/evil.txt: renders to an unsafe path"
nothing_left "$work/escape-out"
expect_absent "$work/escaped"
# A symlink in the template is refused too.
ln -s /etc/passwd "$work/escape/template/link"
sed -i "s|'../../escaped'|'fine'|" "$work/escape/blueprint.yaml"
expect_exit 2 "template symlink" new escape svc --from "$work/escape" --no-git
expect_in "is a symlink"
nothing_left "$work/escape-out"
cd "$work"

# A git URL with #tag: cloned with libgit2, the commit recorded.
git init -q -b main "$work/bp-repo"
mkdir -p "$work/bp-repo/blueprints" && cp -r "$fixture" "$work/bp-repo/blueprints/demo"
git -C "$work/bp-repo" add -A && git -C "$work/bp-repo" commit -qm "demo 1.0.0"
git -C "$work/bp-repo" tag v1.0.0
sha="$(git -C "$work/bp-repo" rev-parse HEAD)"
echo "moved on" >>"$work/bp-repo/blueprints/demo/template/README.md"
git -C "$work/bp-repo" commit -qam "after the tag"
expect_exit 0 "new --from file://...#v1.0.0" new demo fromgit --from "file://$work/bp-repo#v1.0.0" \
  --no-git
expect_file fromgit/.cutover/answers.yaml "kind: git"
expect_file fromgit/.cutover/answers.yaml "commit: \"$sha\""
expect_file fromgit/.cutover/answers.yaml 'ref: "v1.0.0"'
if grep -q "moved on" fromgit/README.md; then fail "rendered past the tag"; else log "ok: at the tag"; fi
expect_exit 0 "blueprints list --from" blueprints list --from "$work/bp-repo"
expect_in "demo"
expect_in "1.0.0"
expect_exit 0 "blueprints show --from -o json" blueprints show demo --from "$fixture" -o json
expect_in '"name": "port"'
expect_in '"when": "ingress"'
finish
