#!/usr/bin/env bash
# A canary through an Istio VirtualService (trafficRouting.istio, host level), driven by
# deploy-operator under its shipped RBAC, measured in the real Prometheus from the simulator's
# traffic (tests/env routes by the VirtualService's http routes: first match wins, weights,
# mirror and mirrorPercentage), 300 requests/s without a header and 100 with x-beta: 1:
# - a mirror route (50% of GETs) at weight 0: the canary receives 50% +- 2 points of the
#   requests as copies (mirrored="true"), and no client answer comes from it;
# - a header route at weight 0: the requests carrying the header, and only those, reach the
#   canary (25% +- 2 points);
# - 5%, 25% and 50% with 3 replicas: the new version's share is the weight +- 2 points, with
#   ceil(3 x weight) candidate pods;
# - promotion ends with every request on the new version and the route back at 100/0; an abort
#   puts the weight back at 0 and removes the managed routes before the candidate scales down;
# - the user's VirtualService (hosts, gateways, another route with a header rewrite, a retry
#   policy) is as it was, less the two weights Cutover owns, after a release and an abort.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../operator/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../analysis/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

kubectl -n "$NS" apply --dry-run=server -f "$repo/examples/istio/" >/dev/null ||
  check_fail "examples/istio/ is refused by the API server"
"$deploy" lint "$repo/examples/istio/rollout.yaml" >/dev/null ||
  check_fail "deploy lint refuses examples/istio/rollout.yaml"
apply_user_virtual_service
user_vs="$(vs_shape)"
route_names() {
  kubectl -n "$NS" get virtualservice web -o json | jq -r '[.spec.http[] | .name // "-"] | join(",")'
}
canary_weight() {
  kubectl -n "$NS" get virtualservice web -o json |
    jq -r '.spec.http[] | select(.name == "primary") | .route[1].weight // 0'
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
        istio:
          virtualService: {name: web, routes: [primary]}
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
      - setHeaderRoute: {name: beta}
      - setWeight: 5
      - pause: {}
      - setWeight: 25
      - pause: {}
      - setWeight: 50
      - pause: {}
YAML
wait_for 60 "first revision Healthy" healthy_on web:1
expect_eq "status.canary.weights[0].route" "$(ro_field web '.status.canary.weights[0].route')" \
  "VirtualService $NS/web"

add_split_targets VirtualService web

log "release web:2: a mirror route of 50% of GETs at weight 0"
release 2 '{}'
wait_for 90 "paused on the mirror route" paused_at 1
expect_eq "the VirtualService's routes" "$(route_names)" "docs,shadow,primary"
expect_eq "the mirror" \
  "$(kubectl -n "$NS" get virtualservice web -o json | jq -c '.spec.http[1] | {host: .mirror.host, percent: .mirrorPercentage.value}')" \
  "{\"host\":\"web-canary.$NS.svc.cluster.local\",\"percent\":50}"
sleep 22
clients="$(rate ',mirrored=""')"
within "mirrored copies on the new version, per client request" \
  "$(ratio "$(rate ',version="2",mirrored="true"')" "$clients")" 50
expect_eq "client answers from the new version" "$(rate ',version="2",mirrored=""')" 0

log "a header route at weight 0"
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused on the header route" paused_at 4
expect_eq "the VirtualService's routes" "$(route_names)" "docs,beta,primary"
within "share of the new version with x-beta at weight 0" "$(share_of 2)" 25

log "the weights: 5%, 25%, 50% with 3 replicas"
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused at 5%" paused_at 7
expect_eq "the VirtualService's routes" "$(route_names)" "docs,primary"
expect_eq "candidate pods at 5% of 3" "$(spec_replicas web-b)" 1
expect_eq "stable pods" "$(spec_replicas web-a)" 3
within "share of the new version at weight 5" "$(share_of 2)" 5
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused at 25%" paused_at 9
within "share of the new version at weight 25" "$(share_of 2)" 25
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused at 50%" paused_at 11
expect_eq "candidate pods at 50% of 3" "$(spec_replicas web-b)" 2
within "share of the new version at weight 50" "$(share_of 2)" 50
status_json="$("$deploy" status web -n "$NS" -o json || true)"  # exit 3 while paused
expect_eq "deploy status: the route's weight" "$(jq -r '.status.canary.weights[0].weight' <<<"$status_json")" 50

"$deploy" promote web -n "$NS" >/dev/null
wait_for 90 "second revision Healthy" healthy_on web:2
expect_eq "stableService on the new slot" "$(selector_slot web-stable)" b
expect_eq "canary weight after promotion" "$(canary_weight)" 0
within "share of the new version after promotion" "$(share_of 2)" 100
expect_eq "the user's VirtualService after promotion, less the weights" "$(vs_shape)" "$user_vs"

log "third revision, aborted on its header route"
release 3 '{}'
wait_for 90 "paused on the mirror route" paused_at 1
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused on the header route" paused_at 4
"$deploy" abort web -n "$NS" >/dev/null
wait_for 15 "header route removed after the abort" bash -c "[[ \$(kubectl -n $NS get virtualservice web -o json | jq -r '[.spec.http[] | .name // \"-\"] | join(\",\")') == docs,primary ]]"
wait_for 30 "candidate scaled down" bash -c "[[ \$(kubectl -n $NS get deploy web-a -o jsonpath='{.spec.replicas}') == 0 ]]"
expect_eq "phase" "$(ro_field web .status.phase)" Degraded
expect_eq "canary weight after the abort" "$(canary_weight)" 0
expect_eq "the user's VirtualService after an abort, less the weights" "$(vs_shape)" "$user_vs"

log "bad input: a route that names neither Service is refused by name, and nothing is written"
kubectl -n "$NS" patch rollout web --type=json -p '[{"op":"replace","path":"/spec/strategy/canary/trafficRouting/istio/virtualService/routes","value":["docs"]}]' >/dev/null
release 4 '{}'
wait_for 30 "the status names the route and the fix" bash -c "kubectl -n $NS get rollouts.cutover.dev web -o json | jq -r '.status.message' | grep -q 'http route docs of VirtualService $NS/web does not route to both Services web-stable and web-canary'"
expect_eq "the user's VirtualService, untouched by bad input" "$(vs_shape)" "$user_vs"
expect_eq "canary weight, untouched by bad input" "$(canary_weight)" 0
