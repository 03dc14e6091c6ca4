#!/usr/bin/env bash
# A canary through Istio subset-level routing (trafficRouting.istio.destinationRule), driven by
# deploy-operator under its shipped RBAC and measured in the real Prometheus (tests/env routes a
# VirtualService destination with a subset to the Service's ready pods that carry the
# DestinationRule subset's labels):
# - one Service `web` selects both slots; the VirtualService's route names its subsets `stable`
#   and `canary`; Cutover adds cutover.dev/slot to each subset's labels (the stable subset on the
#   stable slot, the canary subset on the candidate's) and nothing else;
# - at 25% the new version's share is 25% +- 2 points; promotion ends with 100% on it, the
#   stable subset moved to its slot and the weights back at 100/0;
# - an abort puts the weight back at 0 and every request on the stable subset;
# - deleting the Rollout gives the user's DestinationRule back as they wrote it;
# - a subset the DestinationRule lacks is refused in the status, naming it and the fix.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../operator/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../analysis/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

kubectl -n "$NS" apply --dry-run=server -f "$repo/examples/istio/subsets/" >/dev/null ||
  check_fail "examples/istio/subsets/ is refused by the API server"
"$deploy" lint "$repo/examples/istio/subsets/rollout.yaml" >/dev/null ||
  check_fail "deploy lint refuses examples/istio/subsets/rollout.yaml"
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web}
spec:
  host: web.$NS.svc.cluster.local
  trafficPolicy: {connectionPool: {http: {http1MaxPendingRequests: 100}}}
  subsets:
  - name: legacy
    labels: {app: web, version: legacy}
  - name: stable
    labels: {app: web}
  - name: canary
    labels: {app: web}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web}
spec:
  hosts: [web]
  http:
  - name: primary
    retries: {attempts: 3}
    route:
    - {destination: {host: web, subset: stable, port: {number: 80}}, weight: 100}
    - {destination: {host: web, subset: canary, port: {number: 80}}, weight: 0}
YAML
user_dr="$(kubectl -n "$NS" get destinationrule web -o json | jq -S .spec)"
# subset_slot SUBSET: the slot its labels point at.
subset_slot() {
  kubectl -n "$NS" get destinationrule web -o json |
    jq -r --arg s "$1" '.spec.subsets[] | select(.name == $s) | .labels["cutover.dev/slot"] // "-"'
}
# dr_shape: the DestinationRule's spec less the one key Cutover owns.
dr_shape() {
  kubectl -n "$NS" get destinationrule web -o json | jq -S '.spec | del(.subsets[].labels["cutover.dev/slot"])'
}
weights() {
  kubectl -n "$NS" get virtualservice web -o json | jq -r '[.spec.http[0].route[].weight] | map(tostring) | join("/")'
}

start_operator one
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, app.kubernetes.io/version: "1"}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy:
    canary:
      scaleDownDelaySeconds: 2
      abortScaleDownDelaySeconds: 0
      trafficRouting:
        istio:
          virtualService: {name: web}
          destinationRule: {name: web, stableSubsetName: stable, canarySubsetName: canary}
      steps:
      - setWeight: 25
      - pause: {}
YAML
wait_for 60 "first revision Healthy" healthy_on web:1
expect_eq "stable subset's slot" "$(subset_slot stable)" a
expect_eq "status.canary.weights[0].route" "$(ro_field web '.status.canary.weights[0].route')" \
  "VirtualService $NS/web"
add_split_targets VirtualService web

log "release web:2 to 25%"
release 2 '{}'
wait_for 90 "paused at 25%" paused_at 1
expect_eq "the VirtualService's weights" "$(weights)" 75/25
expect_eq "stable subset's slot" "$(subset_slot stable)" a
expect_eq "canary subset's slot" "$(subset_slot canary)" b
expect_eq "the legacy subset, untouched" "$(subset_slot legacy)" -
expect_eq "the user's DestinationRule, less cutover.dev/slot" "$(dr_shape)" "$user_dr"
within "share of the new version at weight 25" "$(share_of 2)" 25

"$deploy" promote web -n "$NS" >/dev/null
wait_for 90 "second revision Healthy" healthy_on web:2
expect_eq "stable subset on the new slot" "$(subset_slot stable)" b
expect_eq "the VirtualService's weights after promotion" "$(weights)" 100/0
within "share of the new version after promotion" "$(share_of 2)" 100

log "third revision, aborted at 25%"
release 3 '{}'
wait_for 90 "paused at 25%" paused_at 1
expect_eq "canary subset on the candidate's slot" "$(subset_slot canary)" a
"$deploy" abort web -n "$NS" >/dev/null
wait_for 30 "weights back at 100/0 after the abort" bash -c "[[ \$(kubectl -n $NS get virtualservice web -o json | jq -r '[.spec.http[0].route[].weight] | map(tostring) | join(\"/\")') == 100/0 ]]"
expect_eq "phase" "$(ro_field web .status.phase)" Degraded
expect_eq "stable subset still on the stable slot" "$(subset_slot stable)" b
within "share of the stable version after the abort" "$(share_of 2)" 100

log "delete: the user's DestinationRule as they wrote it"
kubectl -n "$NS" delete rollouts.cutover.dev web --wait=true --timeout=60s >/dev/null
expect_eq "the DestinationRule after the Rollout's deletion" \
  "$(kubectl -n "$NS" get destinationrule web -o json | jq -S .spec)" "$user_dr"

log "bad input: a subset the DestinationRule lacks"
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: bad}
spec:
  replicas: 1
  selector: {matchLabels: {app: bad}}
  template:
    metadata: {labels: {app: bad}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy:
    canary:
      trafficRouting:
        istio:
          virtualService: {name: web}
          destinationRule: {name: web, stableSubsetName: stable, canarySubsetName: green}
      steps: [{setWeight: 25}]
YAML
wait_for 60 "the status names the missing subset and the fix" bash -c "kubectl -n $NS get rollouts.cutover.dev bad -o json | jq -r '.status.message' | grep -q 'DestinationRule $NS/web has no subset named green'"
log "status: $(ro_field bad .status.message)"
