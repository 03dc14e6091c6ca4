#!/usr/bin/env bash
# Header and mirror routes through a Gateway API HTTPRoute (setMirrorRoute, setHeaderRoute,
# trafficRouting.managedRoutes), driven by deploy-operator under its shipped RBAC, measured in
# the real Prometheus from the simulator's traffic (300 requests/s without a header, 100 with
# x-beta: 1):
# - a mirror route (50% of GETs) at weight 0: the canary receives 50% +- 2 points of the
#   requests as copies (mirrored="true"), and no client answer comes from it;
# - a header route at weight 0: every request carrying the header, and only those, reaches the
#   canary (25% +- 2 points); at weight 20 the others follow the weight (40% in all);
# - each step counts only once the route reads its rule back; promotion and abort remove the
#   rules, and the user's route (an extra rule, a filter, two parents) is as it was, less the
#   two weights Cutover owns.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../operator/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../analysis/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

kubectl -n "$NS" apply --dry-run=server -f "$repo/examples/gateway-api/header-and-mirror/" \
  >/dev/null || check_fail "examples/gateway-api/header-and-mirror/ is refused by the API server"
"$deploy" lint "$repo/examples/gateway-api/header-and-mirror/rollout.yaml" >/dev/null ||
  check_fail "deploy lint refuses examples/gateway-api/header-and-mirror/rollout.yaml"
apply_user_route
user_route="$(route_shape)"
rule_names() {
  kubectl -n "$NS" get httproute web -o json | jq -r '[.spec.rules[] | .name // "-"] | join(",")'
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
      stableService: web-stable
      canaryService: web-canary
      scaleDownDelaySeconds: 2
      abortScaleDownDelaySeconds: 0
      trafficRouting:
        gatewayAPI:
          httpRoutes: [{name: web}]
        managedRoutes: [{name: beta}, {name: shadow}]
      steps:
      - setMirrorRoute:
          name: shadow
          percentage: 50
          match: [{method: {exact: GET}}]
      - pause: {}
      - setMirrorRoute: {name: shadow}
      - setHeaderRoute:
          name: beta
          match: [{headerName: x-beta, headerValue: {exact: "1"}}]
      - pause: {}
      - setWeight: 20
      - pause: {}
YAML
wait_for 60 "first revision Healthy" healthy_on web:1

# Two sources of traffic through the route: plain GETs, and requests that carry x-beta: 1.
add_split_targets HTTPRoute web

log "release web:2: a mirror route of 50% of GETs at weight 0"
release 2 '{}'
wait_for 90 "paused on the mirror route" paused_at 1
expect_eq "the route's rules" "$(rule_names)" "shadow,-,-"
expect_eq "the mirror filter" \
  "$(kubectl -n "$NS" get httproute web -o json | jq -c '.spec.rules[0].filters[-1].requestMirror | {name: .backendRef.name, percent}')" \
  '{"name":"web-canary","percent":50}'
sleep 22
clients="$(rate ',mirrored=""')"
within "mirrored copies on the new version, per client request" \
  "$(ratio "$(rate ',version="2",mirrored="true"')" "$clients")" 50
expect_eq "client answers from the new version" "$(rate ',version="2",mirrored=""')" 0

log "a header route at weight 0"
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused on the header route" paused_at 4
expect_eq "the route's rules" "$(rule_names)" "beta,-,-"
sleep 22
within "share of the new version with x-beta at weight 0" \
  "$(ratio "$(rate ',version="2"')" "$(rate '')")" 25
expect_eq "mirrored copies once the mirror route is gone" \
  "$(promql "sum(increase(http_requests_total{namespace=\"$NS\",mirrored=\"true\"}[10s])) or vector(0)")" 0

log "weight 20 beside the header route"
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused at 20%" paused_at 6
sleep 22
within "share of the new version at weight 20 with x-beta routed" \
  "$(ratio "$(rate ',version="2"')" "$(rate '')")" 40
status_json="$("$deploy" status web -n "$NS" -o json || true)"  # exit 3 while paused
expect_eq "deploy status: the route's weight" "$(jq -r '.status.canary.weights[0].weight' <<<"$status_json")" 20

"$deploy" promote web -n "$NS" >/dev/null
wait_for 90 "second revision Healthy" healthy_on web:2
expect_eq "the route's rules after promotion" "$(rule_names)" "-,-"
expect_eq "the user's route after promotion, less the weights" "$(route_shape)" "$user_route"

log "third revision, aborted on its header route"
release 3 '{}'
wait_for 90 "paused on the mirror route" paused_at 1
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused on the header route" paused_at 4
"$deploy" abort web -n "$NS" >/dev/null
wait_for 15 "header route removed after the abort" bash -c "[[ \$(kubectl -n $NS get httproute web -o json | jq -r '[.spec.rules[] | .name // \"-\"] | join(\",\")') == -,- ]]"
wait_for 30 "candidate scaled down" bash -c "[[ \$(kubectl -n $NS get deploy web-a -o jsonpath='{.spec.replicas}') == 0 ]]"
expect_eq "phase" "$(ro_field web .status.phase)" Degraded
expect_eq "the user's route after an abort, less the weights" "$(route_shape)" "$user_route"

log "bad input: a managed route that the step does not list is refused by the parser"
kubectl -n "$NS" patch rollout web --type=json -p '[{"op":"replace","path":"/spec/strategy/canary/steps/3/setHeaderRoute/name","value":"gamma"}]' >/dev/null
wait_for 30 "InvalidSpec names the field" bash -c "kubectl -n $NS get rollouts.cutover.dev web -o json | jq -r '.status.message' | grep -q 'spec.strategy.canary.steps\[3\].setHeaderRoute.name'"
expect_eq "the route's rules, untouched by bad input" "$(rule_names)" "-,-"
