#!/usr/bin/env bash
# A canary with a bound flag (spec.strategy.canary.flags), driven by deploy-operator under its
# shipped RBAC, the flag served by deploy-flags and by upstream flagd v0.16 from one FeatureFlag:
# - the first deployment leaves the flag alone;
# - at 25% traffic, 25% (+-1.5 points over 20,000 keys) of targetingKeys get `on`, with
#   identical answers from both servers; every key that got `on` at 25% keeps it at 50%;
# - an abort puts the flag back to 0% `on`, through both servers, within 2 s;
# - a retried release promoted: 100% `on`; status.canary.flags, `deploy status` and
#   `deploy history` show the split;
# - only `targeting.fractional` of the bound flag is written, under the Rollout's own field
#   manager; the user's other flag, its rule, `$evaluators` and metadata are untouched;
# - bad input holds the release with a message naming the object, the field and the fix, and
#   writes nothing: a missing FeatureFlag, an unknown variant, a flag bound by two Rollouts.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../operator/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
deploy="${CUTOVER_DEPLOY_BIN:-$repo/build/cli/deploy}"
install_crd
new_namespace
install_featureflag_crd
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: core.openfeature.dev/v1beta1
kind: FeatureFlag
metadata: {name: checkout, labels: {team: payments}}
spec:
  flagSpec:
    flags:
      new-checkout:
        state: ENABLED
        variants: {"on": true, "off": false}
        defaultVariant: "off"
      banner:
        state: ENABLED
        variants: {plain: plain, festive: festive}
        defaultVariant: plain
        targeting: {"\$ref": staff}
    \$evaluators:
      staff: {"if": [{"ends_with": [{"var": "email"}, "@example.com"]}, festive, plain]}
YAML
# The FeatureFlag as the user wrote it, less the one field Cutover owns.
user_flags() {
  kubectl -n "$NS" get featureflag checkout -o json |
    jq -S '{labels: .metadata.labels, spec: (.spec | del(.flagSpec.flags["new-checkout"].targeting))}'
}
user_before="$(user_flags)"
targeting() { kubectl -n "$NS" get featureflag checkout -o json | jq -c '.spec.flagSpec.flags["new-checkout"].targeting'; }

start_operator one
start_flags_server main
start_flagd ref checkout
ours="$FLAGS_URL_main" theirs="$FLAGD_URL_ref"
share="$repo/tests/e2e/flags/flag_share.py"

# rollout NAME APP FEATUREFLAG VARIANT: a 4-replica replica-ratio canary bound to a flag.
rollout() {
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: $2-stable}
spec: {selector: {app: $2}, ports: [{port: 80}]}
---
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: $1}
spec:
  replicas: 4
  selector: {matchLabels: {app: $2}}
  template:
    metadata: {labels: {app: $2}}
    spec: {containers: [{name: $2, image: "$2:1"}]}
  strategy:
    canary:
      stableService: $2-stable
      scaleDownDelaySeconds: 2
      abortScaleDownDelaySeconds: 0
      flags:
      - {featureFlag: $3, flag: new-checkout, variant: "$4", otherVariant: "off"}
      steps:
      - setWeight: 25
      - pause: {}
      - setWeight: 50
      - pause: {}
YAML
}
image() {  # image ROLLOUT IMAGE
  kubectl -n "$NS" patch rollouts.cutover.dev "$1" --type=json \
    -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"$2\"}]" >/dev/null
}
paused_at() {  # paused_at STEP_INDEX FLAG_WEIGHT
  [[ "$(ro_field web .status.phase)" == Paused ]] &&
    [[ "$(ro_field web .status.currentStepIndex)" == "$1" ]] &&
    [[ "$(ro_field web '.status.canary.flags[0].weight')" == "$2" ]]
}
# Both servers serve the split, on a sample, before the full measurement.
serving() {  # serving WEIGHT
  python3 "$share" "$ours" "$theirs" new-checkout on --keys 400 --prefix sample- \
    --expect "$1" --tolerance 8 >/dev/null
}

rollout web web checkout on
wait_for 60 "first revision Healthy" healthy_on web:1
expect_eq "the first deployment leaves the flag alone" "$(targeting)" null

log "release web:2: 25%"
image web web:2
wait_for 90 "paused at 25%" paused_at 1 25
expect_eq "the split Cutover wrote" "$(targeting)" '{"fractional":[["on",25],["off",75]]}'
wait_for 10 "both servers serve 25%" serving 25
out="$(python3 "$share" "$ours" "$theirs" new-checkout on --keys 20000 --expect 25 \
  --keys-out "$logdir/on-at-25")" || check_fail "at 25%: $out"
log "at 25%: $out"
expect_eq "the field manager of the split" \
  "$(kubectl -n "$NS" get featureflag checkout --show-managed-fields -o json |
    jq -r '[.metadata.managedFields[] | select(.fieldsV1 | tostring | test("fractional")) | .manager] | join(",")')" \
  "cutover-rollout/$NS/web"

"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused at 50%" paused_at 3 50
wait_for 10 "both servers serve 50%" serving 50
out="$(python3 "$share" "$ours" "$theirs" new-checkout on --keys-in "$logdir/on-at-25" \
  --expect 100 --tolerance 0)" || check_fail "a key that got on at 25% lost it at 50%: $out"
log "the keys on at 25%, at 50%: $out"

log "abort at 50%"
head -n 20 "$logdir/on-at-25" >"$logdir/probe"
# One process polls both servers every 20 ms from before the abort is sent, so the figure is the
# servers' (and the operator's), not a probe's start-up; 20 keys that were on at 25% and 50%.
python3 "$share" "$ours" "$theirs" new-checkout on --keys-in "$logdir/probe" --expect 100 \
  --tolerance 0 >/dev/null || check_fail "the probe keys were not all on before the abort"
start="$(date +%s%N)"
python3 "$share" "$ours" "$theirs" new-checkout on --keys-in "$logdir/probe" --expect 0 \
  --tolerance 0 --wait 10 >"$logdir/abort-probe" &
probe=$!
"$deploy" abort web -n "$NS" >/dev/null
wait "$probe" || check_fail "both servers still serve on 10 s after the abort: $(cat "$logdir/abort-probe")"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
log "both servers said 0% on ${elapsed_ms} ms after deploy abort ($(cat "$logdir/abort-probe"))"
(( elapsed_ms <= 2000 )) || check_fail "0% on took ${elapsed_ms} ms after the abort, want <= 2000"
out="$(python3 "$share" "$ours" "$theirs" new-checkout on --keys 2000 --expect 0 --tolerance 0)" ||
  check_fail "after the abort: $out"
wait_for 30 "Degraded" bash -c "[[ \$(kubectl -n $NS get rollouts.cutover.dev web -o jsonpath='{.status.phase}') == Degraded ]]"
expect_eq "history: the aborted release's flag" \
  "$(ro_field web '.status.history[-1:].flags[0]')" "checkout/new-checkout on 0%"

log "retry, then promote to the end"
"$deploy" retry web -n "$NS" >/dev/null
wait_for 90 "paused at 25% again" paused_at 1 25
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused at 50%" paused_at 3 50
"$deploy" promote web -n "$NS" >/dev/null
wait_for 90 "web:2 Healthy" healthy_on web:2
expect_eq "the split after promotion" "$(targeting)" '{"fractional":[["on",100],["off",0]]}'
expect_eq "status.canary.flags[0].promoted" "$(ro_field web '.status.canary.flags[0].promoted')" true
wait_for 10 "both servers serve 100%" serving 100
status_out="$("$deploy" status web -n "$NS")"
grep -q "FeatureFlag checkout flag new-checkout: on 100%" <<<"$status_out" ||
  check_fail "deploy status does not show the flag: $status_out"
history_out="$("$deploy" history web -n "$NS")"
grep -q "checkout/new-checkout on 100%" <<<"$history_out" ||
  check_fail "deploy history does not show the flag: $history_out"
expect_eq "the user's FeatureFlag, less the split" "$(user_flags)" "$user_before"
expect_eq "the user's other flag, through flagd" \
  "$(curl -s -X POST -d '{"context":{"email":"ann@example.com"}}' "$theirs/ofrep/v1/evaluate/flags/banner" | jq -r .value)" festive

log "bad input: nothing is written"
split_before="$(targeting)"
rollout bad bad nope on
wait_for 60 "bad Healthy" bash -c "[[ \$(kubectl -n $NS get rollouts.cutover.dev bad -o jsonpath='{.status.phase}') == Healthy ]]"
image bad bad:2
degraded_with() {  # degraded_with ROLLOUT TEXT
  [[ "$(ro_field "$1" .status.phase)" == Degraded ]] && [[ "$(ro_field "$1" .status.message)" == *"$2"* ]]
}
wait_for 30 "a missing FeatureFlag" degraded_with bad \
  "FeatureFlag $NS/nope does not exist (spec.strategy.canary.flags[0].featureFlag): create it"
expect_eq "no candidate for a release held by its flag" \
  "$(kubectl -n "$NS" get deploy bad-b -o name 2>/dev/null)" ""
kubectl -n "$NS" patch rollouts.cutover.dev bad --type=json \
  -p '[{"op":"replace","path":"/spec/strategy/canary/flags/0","value":{"featureFlag":"checkout","flag":"new-checkout","variant":"blue","otherVariant":"off"}}]' >/dev/null
wait_for 30 "an unknown variant" degraded_with bad \
  "flag new-checkout has no variant \"blue\" (spec.strategy.canary.flags[0].variant)"
expect_eq "the split, untouched by bad input" "$(targeting)" "$split_before"

log "a flag bound by two Rollouts"
rollout api api checkout on
wait_for 60 "api Healthy" bash -c "[[ \$(kubectl -n $NS get rollouts.cutover.dev api -o jsonpath='{.status.phase}') == Healthy ]]"
image api api:2
bound_twice() {
  kubectl -n "$NS" get rollouts.cutover.dev api -o json |
    jq -e '.status.conditions[] | select(.type == "ReconcileError" and .status == "True") | .message | contains("is driven by another Rollout or FlagRollout too")' >/dev/null
}
wait_for 30 "api refused: the flag is web's" bound_twice
log "api: $(kubectl -n "$NS" get rollouts.cutover.dev api -o json | jq -r '.status.conditions[] | select(.type == "ReconcileError") | .message' | cut -c1-240)"
expect_eq "the split, untouched by the second Rollout" "$(targeting)" "$split_before"
exit "$failures"
