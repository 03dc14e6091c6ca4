#!/usr/bin/env bash
# deploy blueprint update: generate at v1 from a git repository, edit, publish v2, update:
# a clean merge keeps the edit and the user's own files; a conflicting edit gets markers and
# exit 1; files added and removed by the blueprint are handled.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$work"

bp="$work/bp-repo"
git init -q -b main "$bp"
mkdir -p "$bp/blueprints" && cp -r "$fixture" "$bp/blueprints/demo"
git -C "$bp" add -A && git -C "$bp" commit -qm "demo 1.0.0" && git -C "$bp" tag v1.0.0

expect_exit 0 "new at v1" new demo clean --from "file://$bp#v1.0.0"
expect_exit 0 "new at v1 (second service)" new demo clash --from "file://$bp#v1.0.0"

# The user edits line five of the README, adds a file of their own and commits.
sed -i 's/^Line five stays./Line five, edited by the team./' clean/README.md
echo "mine" >clean/NOTES.md
git -C clean add -A && git -C clean commit -qm "our edits"
# The second service edits the first line, which v2 changes too.
sed -i '1s/.*/# Payments, our way/' clash/README.md

# v2: a new first line, a new file, a removed file, a new parameter with a default.
demo="$bp/blueprints/demo"
sed -i '1s/.*/# {{name | pascal}} service/' "$demo/template/README.md"
sed -i 's/^version: 1.0.0/version: 1.1.0/' "$demo/blueprint.yaml"
cat >>"$demo/blueprint.yaml" <<'YAML'
  - name: replicas
    type: int
    min: 1
    default: 3
YAML
# (hooks: comes last in the fixture; move the new parameter above it)
python3 - "$demo/blueprint.yaml" <<'PY'
import sys, re
p = sys.argv[1]
s = open(p).read()
param = "  - name: replicas\n    type: int\n    min: 1\n    default: 3\n"
s = s.replace(param, "")
s = s.replace("files:\n", param + "files:\n", 1)
open(p, "w").write(s)
PY
echo "replicas: {{replicas}}" >"$demo/template/deploy/scale.yaml"
git -C "$bp" rm -q "$demo/template/logo.raw"
git -C "$bp" add -A && git -C "$bp" commit -qm "demo 1.1.0" && git -C "$bp" tag v1.1.0

expect_exit 0 "clean update to 1.1.0" blueprint update clean --to-version 1.1.0
expect_in "added:"
expect_in "deploy/scale.yaml"
expect_in "deleted (removed from the blueprint)"
expect_file clean/README.md "# Clean service"
expect_file clean/README.md "Line five, edited by the team."
expect_file clean/deploy/scale.yaml "replicas: 3"
expect_file clean/NOTES.md "mine"
expect_absent clean/logo.raw
expect_file clean/.cutover/answers.yaml 'version: "1.1.0"'
expect_file clean/.cutover/answers.yaml "replicas: 3"
if grep -q '<<<<<<<' clean/README.md; then fail "markers in a clean merge"; else log "ok: no markers"; fi
[[ "$(git -C clean rev-list --count refs/cutover/blueprint)" == 2 ]] && log "ok: pristine ref advanced" ||
  fail "pristine ref not advanced"

# Running it again finds nothing to do.
expect_exit 0 "second update" blueprint update clean --to-version 1.1.0
expect_in "nothing to merge"

expect_exit 1 "conflicting update" blueprint update clash --to-version 1.1.0
expect_in "CONFLICTS"
expect_in "README.md"
expect_file clash/README.md "<<<<<<< yours"
expect_file clash/README.md "# Payments, our way"
expect_file clash/README.md "# Clash service"
expect_file clash/README.md ">>>>>>> blueprint demo 1.1.0"

# A version the repository does not have, and a shipped blueprint pinned elsewhere.
expect_exit 2 "unknown version" blueprint update clean --to-version 9.9.9
expect_in "no tag v9.9.9 or 9.9.9"
expect_exit 2 "not a generated folder" blueprint update "$work"
expect_in "answers.yaml"
finish
