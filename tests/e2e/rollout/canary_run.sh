#!/usr/bin/env bash
# `deploy run` drives examples/canary on the real cluster with the operator's engine: the first
# revision goes straight to stable, the second walks 25% -> 50% with the replica shares of each
# step, and is promoted; a crash-looping third revision is aborted and traffic is back on stable.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
deploy="${CUTOVER_DEPLOY_BIN:-$repo/build/cli/deploy}"
install_crd
new_namespace

# The shipped example, as a user would apply it: 4 replicas, 25% -> 50% -> 75% with 5 s pauses.
kubectl -n "$NS" apply -f "$repo/examples/canary/" >/dev/null

ready() { kubectl -n "$NS" get deploy "$1" -o jsonpath='{.status.availableReplicas}' 2>/dev/null || true; }
selector_slot() { kubectl -n "$NS" get svc "$1" -o jsonpath='{.spec.selector.cutover\.dev/slot}'; }

log "first revision: no steps"
"$deploy" run web -n "$NS" --timeout 2m >&2 || fail "deploy run of the first revision failed"
expect_eq "phase" "$(ro_field web .status.phase)" Healthy
expect_eq "stable slot" "$(ro_field web .status.stableSlot)" a
expect_eq "slot a available" "$(ready web-a)" 4
expect_eq "web-stable pinned" "$(selector_slot web-stable)" a
expect_eq "finalizer" "$(ro_field web '.metadata.finalizers[0]')" cutover.dev/restore-services

log "second revision: 25% then 50%"
kubectl -n "$NS" patch rollout web --type=json \
  -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"web:2"}]' >/dev/null
run_log="$(mktemp)"
on_exit rm -f "$run_log"
"$deploy" run web -n "$NS" --timeout 3m >"$run_log" 2>&1 &
run_pid=$!
on_exit kill "$run_pid"
seen=""
while kill -0 "$run_pid" 2>/dev/null; do
  step="$(ro_field web .status.currentStepIndex)" weight="$(ro_field web .status.currentWeight)"
  a="$(ready web-a)" b="$(ready web-b)"
  if [[ "$step" == 1 && "$weight" == 25 && "$a" == 3 && "$b" == 1 ]]; then seen+=" 25"; fi
  if [[ "$step" == 3 && "$weight" == 50 && "$a" == 2 && "$b" == 2 ]]; then seen+=" 50"; fi
  sleep 0.5
done
wait "$run_pid" || { cat "$run_log" >&2; fail "deploy run of the second revision failed"; }
[[ "$seen" == *" 25"* ]] || check_fail "never saw step 2 with 3 stable + 1 canary pods at 25%"
[[ "$seen" == *" 50"* ]] || check_fail "never saw step 4 with 2 stable + 2 canary pods at 50%"
expect_eq "phase after promotion" "$(ro_field web .status.phase)" Healthy
expect_eq "stable slot after promotion" "$(ro_field web .status.stableSlot)" b
expect_eq "web-stable flipped" "$(selector_slot web-stable)" b
expect_eq "slot b available" "$(ready web-b)" 4
wait_for 40 "old slot a to scale down after the delay" \
  bash -c "[[ \$(kubectl -n $NS get deploy web-a -o jsonpath='{.spec.replicas}') == 0 ]]"

log "third revision crash-loops: abort"
kubectl -n "$NS" patch rollout web --type=json -p '[
  {"op":"replace","path":"/spec/template/spec/containers/0/image","value":"web:3"},
  {"op":"add","path":"/spec/template/metadata/annotations","value":{"sim.cutover.dev/crash":"true"}}]' >/dev/null
start=$SECONDS
if "$deploy" run web -n "$NS" --timeout 2m >&2; then fail "deploy run succeeded for a crash-looping revision"; fi
log "aborted after $((SECONDS - start)) s"
expect_eq "aborted" "$(ro_field web .status.abort)" true
expect_eq "phase after abort" "$(ro_field web .status.phase)" Degraded
expect_eq "web-stable on stable" "$(selector_slot web-stable)" b
expect_eq "web-canary on stable" "$(selector_slot web-canary)" b
wait_for 30 "candidate slot a at 0 replicas" \
  bash -c "[[ \$(kubectl -n $NS get deploy web-a -o jsonpath='{.spec.replicas}') == 0 ]]"
expect_eq "stable still available" "$(ready web-b)" 4
aborts="$(kubectl -n "$NS" get events --field-selector reason=RolloutAborted -o name | wc -l)"
expect_eq "RolloutAborted events" "$aborts" 1

log "delete: slots are garbage-collected, the user's Services stay with their selectors restored"
"$deploy" run web -n "$NS" --timeout 5s >/dev/null 2>&1 || true
kubectl -n "$NS" delete rollout web --wait=false >/dev/null
"$deploy" run web -n "$NS" --timeout 30s >/dev/null 2>&1 || true
wait_for 60 "the Rollout to be gone" bash -c "! kubectl -n $NS get rollout web >/dev/null 2>&1"
wait_for 60 "slot Deployments to be garbage-collected" \
  bash -c "[[ -z \$(kubectl -n $NS get deploy -o name) ]]"
for svc in web web-stable web-canary; do
  kubectl -n "$NS" get svc "$svc" >/dev/null 2>&1 || check_fail "Service $svc was deleted"
done
expect_eq "web-stable selector restored" "$(selector_slot web-stable)" ""
