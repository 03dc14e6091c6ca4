#!/usr/bin/env bash
# A canary through a Gateway API HTTPRoute (trafficRouting.gatewayAPI), driven by deploy-operator
# under its shipped RBAC:
# - 5%, 25% and 50% with 3 replicas: the share of requests the new version serves, measured in
#   the real Prometheus at 400 requests/s, is the weight within 2 points; the candidate runs
#   ceil(3 x weight) pods and stable keeps 3;
# - status.canary.weights says what the route reads back;
# - promotion ends with every request on the new version, the route back at 0 on stableService;
# - an abort puts the route back at 0 and only then scales the candidate down;
# - the user's route keeps its other rule, its filter and both parents, byte for byte: only the
#   two weights ever change.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../operator/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../analysis/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

# The shipped example is valid as written (the API server's schema and CEL rules, dry run).
kubectl -n "$NS" apply --dry-run=server -f "$repo/examples/gateway-api/" >/dev/null ||
  check_fail "examples/gateway-api/ is refused by the API server"
apply_user_route
user_route="$(route_shape)"

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
      stableService: web-stable
      canaryService: web-canary
      scaleDownDelaySeconds: 2
      abortScaleDownDelaySeconds: 0
      trafficRouting:
        gatewayAPI:
          httpRoutes: [{name: web}]
      steps:
      - setWeight: 5
      - pause: {}
      - setWeight: 25
      - pause: {}
      - setWeight: 50
      - pause: {}
YAML
wait_for 60 "first revision Healthy" healthy_on web:1
route_weight() { ro_field web '.status.canary.weights[0].weight'; }
expect_eq "status.canary.weights[0].route" "$(ro_field web '.status.canary.weights[0].route')" \
  "HTTPRoute $NS/web"

add_target web 400 HTTPRoute
release_version() { release "$1" '{}'; }  # image web:N, pod label version N (analysis/lib.sh)
paused_at() {  # paused_at STEP_INDEX WEIGHT
  [[ "$(ro_field web .status.phase)" == Paused ]] &&
    [[ "$(ro_field web .status.currentStepIndex)" == "$1" ]] && [[ "$(route_weight)" == "$2" ]]
}
# share VERSION: the share of the namespace's requests that pods of VERSION served over the last
# 15 s, measured once the whole window lies after the weight changed.
share() {
  sleep 22
  promql "sum(rate(http_requests_total{namespace=\"$NS\",version=\"$1\"}[15s])) / scalar(sum(rate(http_requests_total{namespace=\"$NS\"}[15s])))"
}
check_share() {  # check_share VERSION WEIGHT
  local got
  got="$(share "$1")"
  log "version $1 served $got of the requests at weight $2"
  python3 -c 'import sys; g, w = sys.argv[1], float(sys.argv[2]); sys.exit(0 if g != "none" and abs(float(g) * 100 - w) <= 2 else 1)' \
    "$got" "$2" || check_fail "version $1 served $got of the requests, want $2% +- 2 points"
}

release_version 2
wait_for 90 "paused at 5%" paused_at 1 5
expect_eq "candidate pods at 5% of 3" "$(spec_replicas web-b)" 1
expect_eq "stable pods" "$(spec_replicas web-a)" 3
check_share 2 5
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused at 25%" paused_at 3 25
expect_eq "candidate pods at 25% of 3" "$(spec_replicas web-b)" 1
check_share 2 25
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused at 50%" paused_at 5 50
expect_eq "candidate pods at 50% of 3" "$(spec_replicas web-b)" 2
check_share 2 50
expect_eq "the user's route, less the weights" "$(route_shape)" "$user_route"

"$deploy" promote web -n "$NS" >/dev/null
wait_for 90 "second revision Healthy" healthy_on web:2
expect_eq "stableService on the new slot" "$(selector_slot web-stable)" b
expect_eq "route weight after promotion" "$(route_weight)" 0
expect_eq "route: web-stable weight" \
  "$(kubectl -n "$NS" get httproute web -o jsonpath='{.spec.rules[1].backendRefs[0].weight}')" 100
check_share 2 100
wait_for 30 "old slot scaled down" bash -c "[[ \$(kubectl -n $NS get deploy web-a -o jsonpath='{.spec.replicas}') == 0 ]]"

log "third revision, aborted at 5%"
release_version 3
wait_for 90 "paused at 5%" paused_at 1 5
"$deploy" abort web -n "$NS" >/dev/null
wait_for 10 "route back at 0 after the abort" bash -c "[[ \$(kubectl -n $NS get httproute web -o jsonpath='{.spec.rules[1].backendRefs[1].weight}') == 0 ]]"
wait_for 30 "candidate scaled down" bash -c "[[ \$(kubectl -n $NS get deploy web-a -o jsonpath='{.spec.replicas}') == 0 ]]"
expect_eq "phase" "$(ro_field web .status.phase)" Degraded
check_share 2 100
expect_eq "the user's route, less the weights, after a release and an abort" "$(route_shape)" \
  "$user_route"
