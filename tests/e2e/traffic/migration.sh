#!/usr/bin/env bash
# Strangler-fig Migrations through a Gateway API HTTPRoute, driven by deploy-operator under its
# shipped RBAC, measured in the real Prometheus at 200 requests/s per path:
# - /payments moves from the monolith to payments: a shadow phase (50% mirrored copies, every
#   answer from the monolith), then 5%, 25%, 50% (each within 2 points) and 100%, while
#   /accounts stays 100% on the monolith throughout;
# - the user's rule, filter and parents are byte for byte as written; Cutover's one rule is the
#   only addition;
# - a bad move (its new service fails 20% of requests) is put back to 0% by its gate (Cutover's
#   rule gone) and its AnalysisRun keeps the measurements;
# - two Migrations on one path, an unknown route and a route that never sends the path to
#   spec.from are refused in status, naming the field;
# - deleting a Migration (onDelete restore) puts the path back on the monolith.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../operator/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../analysis/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
install_policies
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

# The shipped example is valid as written (the API server's schema and CEL rules, dry run).
kubectl -n "$NS" apply --dry-run=server -f "$repo/examples/strangler/" >/dev/null ||
  check_fail "examples/strangler/ is refused by the API server"
kubectl -n "$NS" apply -f "$repo/examples/strangler/services.yaml" >/dev/null
# orders: a new service that fails 20% of its requests.
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: orders}
spec:
  replicas: 1
  selector: {matchLabels: {app: orders}}
  template:
    metadata:
      labels: {app: orders, app.kubernetes.io/version: orders}
      annotations: {sim.cutover.dev/error-rate: "0.2"}
    spec: {containers: [{name: orders, image: orders:1}]}
---
apiVersion: v1
kind: Service
metadata: {name: orders}
spec: {selector: {app: orders}, ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: public}, {name: internal, namespace: infra}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /}}]
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier: {add: [{name: x-legacy, value: "1"}]}
    backendRefs: [{name: monolith, port: 80}]
YAML
user_route="$(kubectl -n "$NS" get httproute web -o json | jq -S .spec)"
# user_rules: the route's spec less Cutover's rules: must stay what the user wrote.
user_rules() {
  kubectl -n "$NS" get httproute web -o json |
    jq -S '.spec | .rules |= map(select((.name // "") | startswith("migration-") | not))'
}
wait_for 60 "monolith, payments and orders ready" bash -c \
  "[[ \$(kubectl -n $NS get deploy -o jsonpath='{.items[*].status.readyReplicas}') == '2 2 1' ]] ||
   [[ \$(kubectl -n $NS get deploy -o jsonpath='{range .items[*]}{.status.readyReplicas}{\"\\n\"}{end}' | sort | tr '\\n' ' ') == '1 2 2 ' ]]"

# Simulated clients: 200 requests/s on each of /payments, /accounts and /orders, through the
# route.
targets="$(python3 -c 'import json, sys
ns = sys.argv[1]
print(json.dumps({"data": {f"{ns}-{p}": f"kind: HTTPRoute\nnamespace: {ns}\nname: web\nrps: 200\npath: /{p}"
                           for p in ("payments", "accounts", "orders")}}))' "$NS")"
kubectl -n cutover-sim patch configmap targets --type merge -p "$targets" >/dev/null
on_exit kubectl -n cutover-sim patch configmap targets --type merge -p \
  "{\"data\":{\"$NS-payments\":null,\"$NS-accounts\":null,\"$NS-orders\":null}}"

operator_args=(--prometheus-url "$PROMETHEUS_URL")
start_operator one
mg_field() { kubectl -n "$NS" get migrations.cutover.dev "$1" -o jsonpath="{$2}"; }
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Migration
metadata: {name: payments}
spec:
  route: {gatewayAPI: {httpRoute: web}}
  from: {service: monolith, port: 80}
  to: {service: payments, port: 80}
  matches: [{path: {type: PathPrefix, value: /payments}}]
  steps:
  - setMirrorRoute: {percentage: 50}
  - pause: {}
  - setWeight: 5
  - pause: {}
  - setWeight: 25
  - pause: {}
  - setWeight: 50
  - pause: {}
  - setWeight: 100
YAML
paused_at_step() {  # paused_at_step NAME STEP_INDEX
  [[ "$(mg_field "$1" .status.phase)" == Paused ]] && [[ "$(mg_field "$1" .status.currentStepIndex)" == "$2" ]]
}
# path_share SERVICE PATH [MIRRORED]: the share of PATH's client requests that SERVICE served
# (with MIRRORED=true: mirrored copies SERVICE got, per client request).
path_share() {
  sleep 22
  ratio "$(rate ",service=\"$1\",path=\"$2\",mirrored=\"${3:-}\"")" "$(rate ",path=\"$2\",mirrored=\"\"")"
}
promote() { "$deploy" migrations promote "$1" -n "$NS" >/dev/null || check_fail "deploy migrations promote $1"; }
# weight_share SERVICE PATH: path_share over 30 s, for a share between 0 and 100 (at 200/s over
# 15 s the sd at 25% is 0.8 points, and a loaded run read 22.8; over 30 s it is 0.56).
# Prints "HITS TOTAL": the requests of the window, for within_sampled.
weight_share() {
  sleep 37
  echo "$(promql "sum(increase(http_requests_total{namespace=\"$NS\",service=\"$1\",path=\"$2\",mirrored=\"\"}[30s]))")" \
    "$(promql "sum(increase(http_requests_total{namespace=\"$NS\",path=\"$2\",mirrored=\"\"}[30s]))")"
}

wait_for 60 "shadow phase" paused_at_step payments 1
expect_eq "finalizer (onDelete restore)" "$(mg_field payments '.metadata.finalizers[0]')" cutover.dev/restore-route
# The mirrored share over 30 s (each request is copied with probability 1/2: at 200/s over 15 s
# the share's standard deviation is 0.9 points, too close to the 2-point bound).
sleep 37
within "/payments mirrored to payments" "$(ratio \
  "$(promql "sum(rate(http_requests_total{namespace=\"$NS\",service=\"payments\",path=\"/payments\",mirrored=\"true\"}[30s]))")" \
  "$(promql "sum(rate(http_requests_total{namespace=\"$NS\",path=\"/payments\",mirrored=\"\"}[30s]))")")" 50
within "/payments answered by payments in the shadow phase" "$(path_share payments /payments)" 0
expect_eq "rule while shadowing" \
  "$(kubectl -n "$NS" get httproute web -o jsonpath='{.spec.rules[0].name} {.spec.rules[0].filters[1].type}')" \
  "migration-payments RequestMirror"
for weight_step in "5 3" "25 5" "50 7"; do
  read -r weight step <<<"$weight_step"
  promote payments
  wait_for 60 "paused at $weight%" paused_at_step payments "$step"
  expect_eq "status.canary.weights at $weight%" "$(mg_field payments '.status.canary.weights[0].weight')" "$weight"
  within_sampled "/payments on payments at $weight%" "$(weight_share payments /payments)" "$weight"
  within "/accounts on the monolith at $weight%" "$(path_share monolith /accounts)" 100
done
expect_eq "the user's rules, filter and parents" "$(user_rules)" "$user_route"
promote payments
wait_for 60 "migrated" bash -c "[[ \$(kubectl -n $NS get migrations.cutover.dev payments -o jsonpath='{.status.phase}') == Healthy ]]"
within "/payments on payments at 100%" "$(path_share payments /payments)" 100
within "/accounts on the monolith at 100%" "$(path_share monolith /accounts)" 100

log "two Migrations on one path, an unknown route, a route that never sends the path to from"
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Migration
metadata: {name: refunds}
spec:
  route: {gatewayAPI: {httpRoute: web}}
  from: {service: monolith, port: 80}
  to: {service: payments, port: 80}
  matches: [{path: {type: PathPrefix, value: /payments/refunds}}]
  steps: [{setWeight: 10}]
---
apiVersion: cutover.dev/v1alpha1
kind: Migration
metadata: {name: nowhere}
spec:
  route: {gatewayAPI: {httpRoute: nope}}
  from: {service: monolith, port: 80}
  to: {service: payments, port: 80}
  matches: [{path: {type: Exact, value: /nowhere}}]
  steps: [{setWeight: 10}]
---
apiVersion: cutover.dev/v1alpha1
kind: Migration
metadata: {name: ghost}
spec:
  route: {gatewayAPI: {httpRoute: web}}
  from: {service: ghost, port: 80}
  to: {service: payments, port: 80}
  matches: [{path: {type: Exact, value: /ghost}}]
  steps: [{setWeight: 10}]
YAML
message_has() { [[ "$(mg_field "$1" .status.message)" == *"$2"* ]]; }
wait_for 30 "the second Migration of /payments refused" message_has refunds \
  "spec.matches: path /payments/refunds is moved on HTTPRoute $NS/web by Migration payments already"
wait_for 30 "an unknown route refused" message_has nowhere "HTTPRoute $NS/nope not found"
wait_for 30 "a route that never sends the path to spec.from refused" message_has ghost \
  "sends no request for /ghost to the Service ghost (spec.from.service)"
kubectl -n "$NS" delete migrations.cutover.dev refunds nowhere ghost --wait=true >/dev/null

log "a bad move: orders fails 20% of its requests; the gate puts /orders back at once"
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Migration
metadata: {name: orders}
spec:
  route: {gatewayAPI: {httpRoute: web}}
  from: {service: monolith, port: 80}
  to: {service: orders, port: 80}
  matches: [{path: {type: PathPrefix, value: /orders}}]
  steps:
  - setWeight: 25
  - analysis: {policies: [{name: migration-error-rate}]}
  - setWeight: 100
YAML
wait_for 120 "the gate failed and the move aborted" bash -c \
  "[[ \$(kubectl -n $NS get migrations.cutover.dev orders -o jsonpath='{.status.phase}') == Degraded ]]"
expect_eq "Cutover's /orders rule is gone" \
  "$(kubectl -n "$NS" get httproute web -o json | jq -r '[.spec.rules[].name // ""] | map(select(. == "migration-orders")) | length')" 0
run="$(kubectl -n "$NS" get analysisruns -l cutover.dev/migration=orders -o jsonpath='{.items[0].metadata.name}')"
expect_eq "the failed run's phase" "$(kubectl -n "$NS" get analysisrun "$run" -o jsonpath='{.status.phase}')" Failed
measurements="$(kubectl -n "$NS" get analysisrun "$run" -o json | jq '[.status.metricResults[].measurements | length] | add')"
[[ "$measurements" -ge 1 ]] || check_fail "the failed run kept $measurements measurements"
within "/orders back on the monolith" "$(path_share monolith /orders)" 100
expect_eq "the user's rules after an abort" "$(user_rules)" "$user_route"

log "deleting the migrated Migration puts /payments back on the monolith"
kubectl -n "$NS" delete migrations.cutover.dev payments orders --wait=true --timeout=30s >/dev/null ||
  check_fail "the Migrations were not deleted within 30 s"
expect_eq "the route after the deletes" "$(kubectl -n "$NS" get httproute web -o json | jq -S .spec)" "$user_route"
within "/payments on the monolith again" "$(path_share monolith /payments)" 100

