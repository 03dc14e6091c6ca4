#!/usr/bin/env bash
# spec.workloadRef on the real cluster: three Rollouts adopt three running Deployments, one per
# scaleDown mode (never, onsuccess, progressively). Each takes over with its Service never
# selecting fewer ready pods than replicas; the Deployments stay the user's (no ownerReference,
# never deleted); a release is an edit of the Deployment's template.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT
install_crd
new_namespace

modes=(never onsuccess progressively)
for mode in "${modes[@]}"; do
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: app-$mode}
spec: {selector: {app: app-$mode}, ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app-$mode}
spec:
  replicas: 3
  selector: {matchLabels: {app: app-$mode}}
  template:
    metadata:
      labels: {app: app-$mode}
      annotations: {sim.cutover.dev/ready-after: "2s"}
    spec: {containers: [{name: app, image: "app:1"}]}
YAML
done
for mode in "${modes[@]}"; do
  wait_for 60 "Deployment app-$mode available" bash -c \
    "[[ \"\$(kubectl -n $NS get deploy app-$mode -o jsonpath='{.status.availableReplicas}')\" == 3 ]]"
done

start_operator one
for mode in "${modes[@]}"; do
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: app-$mode}
spec:
  replicas: 3
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: app-$mode, scaleDown: $mode}
  strategy:
    canary:
      stableService: app-$mode
      scaleDownDelaySeconds: 1
      steps: [{setWeight: 50}, {pause: {duration: 1s}}]
YAML
done

# While they take over: ready pods behind each Service (the Deployment's, plus the slot's once
# the Service is pinned or, unpinned, both) never drop below 3.
ready_behind() {  # ready_behind MODE: ready pods the Service app-MODE selects
  local selector
  selector="$(kubectl -n "$NS" get svc "app-$1" -o jsonpath='{.spec.selector}' |
    jq -r 'to_entries | map("\(.key)=\(.value)") | join(",")')"
  kubectl -n "$NS" get pods -l "$selector" -o json |
    jq '[.items[] | select(.metadata.deletionTimestamp == null) |
         select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length'
}
all_healthy() {
  local mode
  for mode in "${modes[@]}"; do [[ "$(ro_field "app-$mode" .status.phase)" == Healthy ]] || return 1; done
}
min_seen=99
deadline=$((SECONDS + 60))
until all_healthy; do
  ((SECONDS < deadline)) || fail "the Rollouts did not all become Healthy within 60s"
  for mode in "${modes[@]}"; do
    n="$(ready_behind "$mode")"
    ((n < min_seen)) && min_seen=$n
  done
  sleep 0.5
done
log "fewest ready pods behind a Service during the takeover: $min_seen"
((min_seen >= 3)) || check_fail "a Service selected only $min_seen ready pods during the takeover"

for mode in "${modes[@]}"; do
  expect_eq "app-$mode Service pinned to slot a" \
    "$(kubectl -n "$NS" get svc "app-$mode" -o jsonpath='{.spec.selector.cutover\.dev/slot}')" a
  expect_eq "app-$mode slot Deployment size" \
    "$(kubectl -n "$NS" get deploy "app-$mode-a" -o jsonpath='{.spec.replicas}')" 3
  expect_eq "app-$mode Deployment has no ownerReferences" \
    "$(kubectl -n "$NS" get deploy "app-$mode" -o jsonpath='{.metadata.ownerReferences}')" ""
  expect_eq "app-$mode history reason" "$(ro_field "app-$mode" '.status.history[0].reason')" \
    "first deployment, adopted Deployment app-$mode (scaleDown $mode)"
done
expect_eq "scaleDown never: the Deployment keeps its replicas" \
  "$(kubectl -n "$NS" get deploy app-never -o jsonpath='{.spec.replicas}')" 3
expect_eq "scaleDown onsuccess: the Deployment is at 0" \
  "$(kubectl -n "$NS" get deploy app-onsuccess -o jsonpath='{.spec.replicas}')" 0
expect_eq "scaleDown progressively: the Deployment is at 0" \
  "$(kubectl -n "$NS" get deploy app-progressively -o jsonpath='{.spec.replicas}')" 0

# A release is an edit of the adopted Deployment's template (noticed within 10 s).
kubectl -n "$NS" set image deploy/app-onsuccess app=app:2 >/dev/null
wait_for 60 "app-onsuccess Healthy on app:2" bash -c \
  "[[ \"\$(kubectl -n $NS get rollout app-onsuccess -o jsonpath='{.status.history[-1:].images[0]}')\" == app:2 &&
     \"\$(kubectl -n $NS get rollout app-onsuccess -o jsonpath='{.status.phase}')\" == Healthy ]]"
expect_eq "the release ran on slot b" "$(ro_field app-onsuccess .status.stableSlot)" b
expect_eq "the adopted Deployment stays at 0" \
  "$(kubectl -n "$NS" get deploy app-onsuccess -o jsonpath='{.spec.replicas}')" 0

# Deleting a Rollout never deletes the Deployment it adopted.
kubectl -n "$NS" delete rollout app-never --wait=true --timeout=30s >/dev/null
expect_eq "app-never Deployment still there after the Rollout is deleted" \
  "$(kubectl -n "$NS" get deploy app-never -o jsonpath='{.metadata.name}')" app-never
