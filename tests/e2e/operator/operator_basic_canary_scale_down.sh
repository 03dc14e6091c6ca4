#!/usr/bin/env bash
# Issue 13 (section 3): a replica-ratio canary whose Service the strategy does not name (no
# stableService, as in a plain Argo-style basic canary) shares that Service between both slots,
# so an old pod that is Ready takes traffic. Once the Rollout says Healthy (weight 100), no pod
# of the old revision may be Ready behind the Service, whatever scaleDownDelaySeconds says (the
# default, 30 s, is left in place here): the delay only applies where traffic can be taken away
# from the old slot first.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
deploy="${CUTOVER_DEPLOY_BIN:-$repo/build/cli/deploy}"
install_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

start_operator one
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy:
    canary:
      steps:
      - setWeight: 50
      - pause: {}
YAML
wait_for 60 "first revision Healthy" healthy_on web:1
expect_eq "first revision on slot" "$(ro_field web .status.stableSlot)" a

# old_ready: pods of the old slot (a) that the Service selects and that serve: Ready and not
# terminating (a terminating pod leaves the Service's ready endpoints).
old_ready() {
  local selector
  selector="$(kubectl -n "$NS" get svc web -o jsonpath='{.spec.selector}' |
    jq -r 'to_entries | map("\(.key)=\(.value)") | join(",")')"
  kubectl -n "$NS" get pods -l "$selector,cutover.dev/slot=a" -o json |
    jq '[.items[] | select(.metadata.deletionTimestamp == null) |
         select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length'
}
old_ready_is() { [[ "$(old_ready)" == "$1" ]]; }
old_deploy_ready() {
  local n
  n="$(kubectl -n "$NS" get deploy web-a -o jsonpath='{.status.readyReplicas}')"
  echo "${n:-0}"
}

set_image web:2
phase_is() { [[ "$(ro_field web .status.phase)" == "$1" ]]; }
wait_for 60 "the release to pause at setWeight 50" phase_is Paused
# The pause holds once stable's Deployment has 2 replicas; its extra pods go a moment later.
wait_for 30 "2 old pods serving at weight 50" old_ready_is 2
log "ok: 2 old pods serve at weight 50"
"$deploy" -n "$NS" promote web >&2 || fail "deploy promote web failed"

# Until Healthy: whenever the status claims weight 100, the old slot must have no ready pod.
# The status is read first, so a pod seen afterwards was still serving after the claim.
claims=0
deadline=$((SECONDS + 60))
until healthy_on web:2; do
  ((SECONDS < deadline)) || fail "the second revision never became Healthy"
  if [[ "$(ro_field web .status.currentWeight)" == 100 ]]; then
    n="$(old_ready)"
    ((n == 0)) || { claims=$((claims + 1)); log "weight 100 while $n old pods are ready"; }
  fi
  sleep 0.2
done
healthy_at=$SECONDS
log "Healthy on web:2"
expect_eq "stable slot" "$(ro_field web .status.stableSlot)" b
expect_eq "times the status claimed weight 100 with old pods ready" "$claims" 0

# After Healthy, for 5 s: no pod of the old revision is ready behind the Service.
worst_pods=0 worst_deploy=0 samples=0
until ((samples >= 3 && SECONDS >= healthy_at + 5)); do
  n="$(old_ready)" m="$(old_deploy_ready)"
  ((n > worst_pods)) && worst_pods=$n
  ((m > worst_deploy)) && worst_deploy=$m
  samples=$((samples + 1))
  sleep 0.2
done
log "$samples samples in the 5 s after Healthy"
expect_eq "most old pods ready behind Service web after Healthy" "$worst_pods" 0
expect_eq "most ready replicas of Deployment web-a after Healthy" "$worst_deploy" 0
expect_eq "Deployment web-a replicas" "$(kubectl -n "$NS" get deploy web-a -o jsonpath='{.spec.replicas}')" 0
expect_eq "scaleDownAt (no delay without a pinned Service)" "$(ro_field web .status.scaleDownAt)" ""
expect_eq "phase still Healthy" "$(ro_field web .status.phase)" Healthy

# deploy status reads the same: all traffic on stable, no old slot with ready pods.
status_out="$(NO_COLOR=1 "$deploy" -n "$NS" status web 2>&1)" || check_fail "deploy status web failed: $status_out"
[[ "$status_out" == *"100% stable"* ]] || check_fail "deploy status does not say 100% stable: $status_out"
if grep -Eq 'old .* [1-9][0-9]*/[0-9]+ ready' <<<"$status_out"; then
  check_fail "deploy status lists old pods as ready: $status_out"
fi
