#!/usr/bin/env bash
# Bad routing input gets a clear error that names the route or the field, and nothing moves:
# - a Rollout whose HTTPRoute does not exist, and one whose route names neither Service, stay on
#   their stable revision, Degraded, with a message that names the route and the fix;
# - the API server refuses Argo's SMI router, two routers at once, Istio subsets, and
#   trafficRouting without canaryService, by the CRD's rules (nothing is stored).
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../operator/lib.sh"
install_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

kubectl -n "$NS" apply -f "$repo/examples/canary/services.yaml" >/dev/null
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: other}
spec:
  rules:
  - backendRefs: [{name: web, port: 80}]
YAML
rollout() {  # rollout NAME ROUTE
  cat <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: $1}
spec:
  replicas: 2
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy:
    canary:
      stableService: web-stable
      canaryService: web-canary
      trafficRouting:
        gatewayAPI:
          httpRoutes: [{name: $2}]
      steps: [{setWeight: 10}, {pause: {}}]
YAML
}
start_operator one
rollout missing nope | kubectl -n "$NS" apply -f - >/dev/null
rollout neither other | kubectl -n "$NS" apply -f - >/dev/null
wait_for 60 "first revisions Healthy" bash -c \
  "[[ \$(kubectl -n $NS get rollouts.cutover.dev -o jsonpath='{.items[*].status.phase}') == 'Healthy Healthy' ]]"
for name in missing neither; do
  kubectl -n "$NS" patch rollout "$name" --type=json \
    -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"web:2"}]' >/dev/null
done
degraded() { [[ "$(ro_field "$1" .status.phase)" == Degraded ]]; }
wait_for 30 "missing: Degraded" degraded missing
wait_for 30 "neither: Degraded" degraded neither
expect_eq "missing route message" "$(ro_field missing .status.message)" \
  "HTTPRoute $NS/nope not found: create it, or fix the name in spec.strategy.canary.trafficRouting.gatewayAPI"
case "$(ro_field neither .status.message)" in
  "HTTPRoute $NS/other has no rule whose backendRefs name both Services web-stable and web-canary: "*) log "ok: route naming neither Service" ;;
  *) check_fail "neither: message $(ro_field neither .status.message)" ;;
esac
expect_eq "no candidate while the route is missing" \
  "$(kubectl -n "$NS" get deploy missing-b -o name 2>/dev/null)" ""
expect_eq "the other route untouched (its generation)" \
  "$(kubectl -n "$NS" get httproute other -o jsonpath='{.metadata.generation}')" 1

refused() {  # refused NAME YAML_PATCH_JQ EXPECTED_TEXT
  local out
  if out="$(rollout "$1" web | python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))' |
    jq "$2" | kubectl -n "$NS" apply -f - 2>&1)"; then
    check_fail "$1: the API server accepted it"
  elif [[ "$out" != *"$3"* ]]; then
    check_fail "$1: refused with: $out"
  else
    log "ok: $1 refused: $3"
  fi
}
refused smi '.spec.strategy.canary.trafficRouting = {smi: {rootService: "web"}}' \
  "only the gatewayAPI, istio and nginx routers are supported"
refused two-routers '.spec.strategy.canary.trafficRouting.istio = {virtualService: {name: "web"}}' \
  "must set exactly one of gatewayAPI, istio and nginx"
refused istio-subsets-and-services '.spec.strategy.canary.trafficRouting = {istio: {virtualService: {name: "web"}, destinationRule: {name: "web", canarySubsetName: "canary", stableSubsetName: "stable"}}}' \
  "destinationRule routes by subset, and the subsets take the places of stableService"
refused istio-one-subset 'del(.spec.strategy.canary.stableService) | del(.spec.strategy.canary.canaryService) | .spec.strategy.canary.trafficRouting = {istio: {virtualService: {name: "web"}, destinationRule: {name: "web", canarySubsetName: "same", stableSubsetName: "same"}}}' \
  "is the same subset as stableSubsetName"
refused no-canary-service 'del(.spec.strategy.canary.canaryService)' \
  "trafficRouting needs both stableService and"
