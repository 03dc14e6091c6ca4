#!/usr/bin/env bash
# With GITHUB_ACTIONS=true, `deploy run` and `deploy status --watch` fold their logs into a
# ::group::, write phase/revision/verdict/duration to $GITHUB_OUTPUT and a Markdown report
# (steps, weights, verdict) to $GITHUB_STEP_SUMMARY; `deploy lint` emits ::error annotations.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
tmp="$(mktemp -d)"
on_exit rm -rf "$tmp"
write_rollout "$tmp/web.yaml" "web:1" '[{setWeight: 50}, {pause: {duration: 1s}}, {setWeight: 80}]'
expect_exit 0 "apply" apply -f "$tmp/web.yaml"

gha() { GITHUB_ACTIONS=true GITHUB_OUTPUT="$tmp/output" GITHUB_STEP_SUMMARY="$tmp/summary" d "$@"; }
expect_gha_exit() {
  local want="$1" what="$2" got=0
  shift 2
  : >"$tmp/output"
  : >"$tmp/summary"
  out="$(gha "$@" 2>&1)" || got=$?
  [[ "$got" == "$want" ]] && log "ok: $what: exit $got" || check_fail "$what: exit $got, want $want: $out"
}

expect_gha_exit 0 "run (first revision)" run web --timeout 60s
[[ "$(head -1 <<<"$out")" == "::group::deploy run web" ]] || check_fail "no ::group:: first: $out"
expect_in "::endgroup::"
expect_in "Healthy"
expect_eq "output phase" "$(grep '^phase=' "$tmp/output")" phase=Healthy
expect_eq "output verdict" "$(grep '^verdict=' "$tmp/output")" verdict=Healthy
expect_eq "output revision" "$(grep '^revision=' "$tmp/output")" "revision=$(ro_field web .status.currentRevision)"
grep -qE '^duration=[0-9]+$' "$tmp/output" || check_fail "no duration output: $(cat "$tmp/output")"

log "a second revision through the steps"
kubectl -n "$NS" patch rollout web --type=json \
  -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"web:2"}]' >/dev/null
expect_gha_exit 0 "run (second revision)" run web --timeout 90s
summary="$(cat "$tmp/summary")"
for want in "### ✅ Rollout \`$NS/web\`: Healthy" "| Phase | Healthy |" "| Weight | 100% |" \
  "| 1 | setWeight 50 | 50% | done |" "| 2 | pause 1s | 50% | done |" "| 3 | setWeight 80 | 80% | done |" \
  "| Command | \`deploy -n $NS run web --timeout 90s\` |"; do
  [[ "$summary" == *"$want"* ]] && log "ok: summary has '$want'" || check_fail "summary lacks '$want':"$'\n'"$summary"
done

expect_gha_exit 0 "status --watch" status web --watch --timeout 20s
[[ "$out" == "::group::deploy status --watch web"* ]] || check_fail "status --watch not grouped: $out"
expect_eq "status --watch verdict" "$(grep '^verdict=' "$tmp/output")" verdict=Healthy

log "a missing Rollout: verdict Error, exit 2"
expect_gha_exit 2 "run of a missing rollout" status nope --watch --timeout 5s
expect_eq "verdict" "$(grep '^verdict=' "$tmp/output")" verdict=Error

log "lint annotations"
printf 'apiVersion: cutover.dev/v1alpha1\nkind: Rollout\nmetadata: {name: x}\nspec: {replicas: q}\n' >"$tmp/bad.yaml"
out="$(GITHUB_ACTIONS=true "$deploy" lint "$tmp/bad.yaml" 2>&1)" && check_fail "lint passed a bad file"
expect_in "::error file=$tmp/bad.yaml,line=4,col=8::rollout x: spec.replicas: must be an integer"
