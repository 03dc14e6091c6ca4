#!/usr/bin/env bash
# Golden snapshots of the shipped blueprints: `deploy new BLUEPRINT demo-svc --no-input` (the
# default answers) must write exactly golden/BLUEPRINT/, byte for byte, package-lock.json
# excepted (nestjs-service.sh installs from it). After an intended change to a blueprint or to
# the renderer, run `golden.sh --update` (CUTOVER_DEPLOY_BIN=path/to/deploy) and review the diff.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
update=0
[[ "${1:-}" != --update ]] || update=1

for manifest in "$repo"/blueprints/*/blueprint.yaml; do
  blueprint="$(basename "$(dirname "$manifest")")"
  out="$work/$blueprint"
  golden="$here/golden/$blueprint"
  generate "$blueprint" "$out"
  rm -f "$out/package-lock.json"
  if [[ "$update" == 1 ]]; then
    rm -rf "$golden"
    mkdir -p "$(dirname "$golden")"
    cp -a "$out" "$golden"
    echo "updated golden/$blueprint"
    continue
  fi
  [[ -d "$golden" ]] || fail "golden/$blueprint is missing (fix: golden.sh --update)"
  diff -r "$golden" "$out" ||
    fail "deploy new $blueprint differs from golden/$blueprint (fix: if intended, golden.sh --update)"
  echo "golden/$blueprint: $(find "$out" -type f | wc -l) files match"
done
