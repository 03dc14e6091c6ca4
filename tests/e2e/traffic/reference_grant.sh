#!/usr/bin/env bash
# A Rollout whose HTTPRoute is in another namespace (trafficRouting.gatewayAPI.httpRoutes with
# namespace:), driven by deploy-operator under its shipped RBAC. Gateway API lets that route reach
# the Rollout's Services only through a ReferenceGrant in the Rollout's namespace, so:
# - without one the release holds: Degraded, the status (and `deploy status`) names the route, the
#   Services, the namespace and the grant to create, and the route is not written;
# - a grant for another kind does not count;
# - once the grant exists the release goes on (woken by the grant's event) and the route reads
#   the step's weight back;
# - a grant deleted mid-release holds it again, the route left at the step's weight.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../operator/lib.sh"
deploy="${CUTOVER_DEPLOY_BIN:-$repo/build/cli/deploy}"
install_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT
edge="e2e-rg-edge-$(date +%s)-$RANDOM"
kubectl create namespace "$edge" >/dev/null
on_exit kubectl delete namespace "$edge" --wait=false
log "route namespace $edge"

kubectl -n "$NS" apply -f "$repo/examples/canary/services.yaml" >/dev/null
kubectl -n "$edge" apply -f - >/dev/null <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: public, namespace: infra}]
  rules:
  - backendRefs:
    - {name: web-stable, namespace: $NS, port: 80, weight: 100}
    - {name: web-canary, namespace: $NS, port: 80, weight: 0}
YAML
start_operator one
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy:
    canary:
      stableService: web-stable
      canaryService: web-canary
      trafficRouting:
        gatewayAPI:
          httpRoutes: [{name: web, namespace: $edge}]
      steps: [{setWeight: 20}, {pause: {}}]
YAML
wait_for 60 "first revision Healthy" healthy_on web:1
set_image web:2

want="HTTPRoute $edge/web may not reach Services web-stable and web-canary: Gateway API needs a ReferenceGrant in namespace $NS for a route in another namespace, and none allows it; create a ReferenceGrant in namespace $NS with from {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: $edge} and to {group: \"\", kind: Service}"
degraded() { [[ "$(ro_field web .status.phase)" == Degraded ]]; }
wait_for 30 "Degraded without a ReferenceGrant" degraded
expect_eq "status.message" "$(ro_field web .status.message)" "$want"
expect_eq "Progressing reason" \
  "$(ro_field web '.status.conditions[?(@.type=="Progressing")].reason')" RouteProblem
status_out="$(NO_COLOR=1 "$deploy" -n "$NS" status web 2>&1)" || true
[[ "$status_out" == *"create a ReferenceGrant in namespace $NS with from {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: $edge}"* ]] &&
  log "ok: deploy status names the ReferenceGrant" ||
  check_fail "deploy status does not name the ReferenceGrant: $status_out"
route_generation() { kubectl -n "$edge" get httproute web -o jsonpath='{.metadata.generation}'; }
canary_weight() { kubectl -n "$edge" get httproute web -o jsonpath='{.spec.rules[0].backendRefs[1].weight}'; }
expect_eq "route not written (generation)" "$(route_generation)" 1
expect_eq "no candidate while the grant is missing" \
  "$(kubectl -n "$NS" get deploy web-b -o name 2>/dev/null)" ""

grant() {  # grant NAME FROM_KIND
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: $1}
spec:
  from: [{group: gateway.networking.k8s.io, kind: $2, namespace: $edge}]
  to: [{group: "", kind: Service}]
YAML
}
log "a grant for GRPCRoutes only"
grant grpc-only GRPCRoute
sleep 5
expect_eq "still Degraded" "$(ro_field web .status.phase)" Degraded
expect_eq "still the same message" "$(ro_field web .status.message)" "$want"
expect_eq "route still not written" "$(route_generation)" 1

log "the grant for HTTPRoutes"
granted_at=$SECONDS
grant from-edge HTTPRoute
paused_at_20() {
  [[ "$(ro_field web .status.phase)" == Paused ]] &&
    [[ "$(ro_field web '.status.canary.weights[0].weight')" == 20 ]]
}
wait_for 60 "paused at 20% once granted" paused_at_20
log "released $((SECONDS - granted_at))s after the grant"
expect_eq "status.canary.weights[0].route" "$(ro_field web '.status.canary.weights[0].route')" \
  "HTTPRoute $edge/web"
expect_eq "the route's canary weight" "$(canary_weight)" 20
expect_eq "the route's stable weight" \
  "$(kubectl -n "$edge" get httproute web -o jsonpath='{.spec.rules[0].backendRefs[0].weight}')" 80

log "the grant deleted mid-release"
kubectl -n "$NS" delete referencegrant from-edge >/dev/null
wait_for 30 "Degraded again" degraded
expect_eq "status.message" "$(ro_field web .status.message)" "$want"
"$deploy" -n "$NS" promote web >/dev/null 2>&1 || true
sleep 3
expect_eq "held at the step: the route not written" "$(canary_weight)" 20
