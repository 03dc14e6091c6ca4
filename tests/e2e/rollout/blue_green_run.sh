#!/usr/bin/env bash
# `deploy run` drives examples/blue-green on the real cluster: the preview comes up, the active
# Service's selector flips in one step, the old slot scales down after the delay; an aborted
# release flips the active Service back at once.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
deploy="${CUTOVER_DEPLOY_BIN:-$repo/build/cli/deploy}"
install_crd
new_namespace

# The shipped example: 3 replicas, a 1-pod preview, manual promotion, 30 s warm old slot.
kubectl -n "$NS" apply -f "$repo/examples/blue-green/" >/dev/null
ready() { kubectl -n "$NS" get deploy "$1" -o jsonpath='{.status.availableReplicas}' 2>/dev/null || true; }
selector_slot() { kubectl -n "$NS" get svc "$1" -o jsonpath='{.spec.selector.cutover\.dev/slot}'; }

"$deploy" run pay -n "$NS" --timeout 2m >&2 || fail "first revision failed"
expect_eq "active on a" "$(selector_slot pay-active)" a

kubectl -n "$NS" patch rollout pay --type=json \
  -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"pay:2"}]' >/dev/null
# Without auto-promotion the release holds at the preview: run stops at the pause (timeout 4).
"$deploy" run pay -n "$NS" --timeout 15s >&2 && fail "run finished although promotion is manual"
expect_eq "phase" "$(ro_field pay .status.phase)" Paused
expect_eq "preview on b" "$(selector_slot pay-preview)" b
expect_eq "active still on a" "$(selector_slot pay-active)" a
expect_eq "preview size" "$(ready pay-b)" 1

log "promote: the active selector flips"
kubectl -n "$NS" patch rollout pay --subresource=status --type=merge -p '{"status":{"pauseConditions":[]}}' >/dev/null
"$deploy" run pay -n "$NS" --timeout 3m >&2 || fail "promotion failed"
expect_eq "active on b" "$(selector_slot pay-active)" b
expect_eq "b at full size" "$(ready pay-b)" 3
# `deploy run` stays until the old slot is scaled down (no operator would do it otherwise);
# the planner tests cover the warm window itself.
expect_eq "old slot a scaled down after the delay" \
  "$(kubectl -n "$NS" get deploy pay-a -o jsonpath='{.spec.replicas}')" 0
expect_eq "ScaledDown events" "$(kubectl -n "$NS" get events --field-selector reason=ScaledDown -o name | wc -l)" 1

log "abort a release: the active Service flips back at once"
kubectl -n "$NS" patch rollout pay --type=json \
  -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"pay:3"}]' >/dev/null
"$deploy" run pay -n "$NS" --timeout 15s >/dev/null 2>&1 || true
expect_eq "preview on a" "$(selector_slot pay-preview)" a
kubectl -n "$NS" patch rollout pay --subresource=status --type=merge -p '{"status":{"abort":true}}' >/dev/null
"$deploy" run pay -n "$NS" --timeout 10s >&2 && fail "run succeeded for an aborted release"
expect_eq "active still on b" "$(selector_slot pay-active)" b
expect_eq "preview back on b" "$(selector_slot pay-preview)" b
expect_eq "phase" "$(ro_field pay .status.phase)" Degraded
