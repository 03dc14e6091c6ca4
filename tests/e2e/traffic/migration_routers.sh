#!/usr/bin/env bash
# Migrations through the other routers, driven by deploy-operator under its shipped RBAC and
# measured in the real Prometheus at 200 requests/s per path:
# - Istio: /payments moves to payments through VirtualService web (Cutover's http route placed
#   before the user's catch-all, which the API server's Istio schema accepts);
# - Ingress-NGINX: /orders moves to orders through Ingress web-nginx (a canary Ingress of
#   Cutover's with that path alone);
# each at 25% within 2 points while /accounts stays 100% on the monolith; then
# `deploy migrations abort` puts both paths back: the VirtualService is exactly the user's again
# and the canary Ingress says 0.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../operator/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../analysis/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

kubectl -n "$NS" apply -f "$repo/examples/strangler/services.yaml" >/dev/null
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: orders}
spec:
  replicas: 1
  selector: {matchLabels: {app: orders}}
  template:
    metadata: {labels: {app: orders, app.kubernetes.io/version: orders}}
    spec: {containers: [{name: orders, image: orders:1}]}
---
apiVersion: v1
kind: Service
metadata: {name: orders}
spec: {selector: {app: orders}, ports: [{port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web}
spec:
  hosts: [shop.example.com]
  gateways: [infra/public]
  http:
  - name: legacy
    retries: {attempts: 3, perTryTimeout: 2s}
    route: [{destination: {host: monolith, port: {number: 80}}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web-nginx}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /orders, pathType: Prefix, backend: {service: {name: monolith, port: {number: 80}}}}
      - {path: /accounts, pathType: Prefix, backend: {service: {name: monolith, port: {number: 80}}}}
YAML
user_vs="$(kubectl -n "$NS" get virtualservice web -o json | jq -S .spec)"

targets="$(python3 -c 'import json, sys
ns = sys.argv[1]
t = {f"{ns}-payments": ("VirtualService", "web", "payments"),
     f"{ns}-accounts": ("VirtualService", "web", "accounts"),
     f"{ns}-orders": ("Ingress", "web-nginx", "orders"),
     f"{ns}-naccounts": ("Ingress", "web-nginx", "accounts")}
print(json.dumps({"data": {k: f"kind: {kind}\nnamespace: {ns}\nname: {name}\nrps: 200\npath: /{p}"
                           for k, (kind, name, p) in t.items()}}))' "$NS")"
kubectl -n cutover-sim patch configmap targets --type merge -p "$targets" >/dev/null
on_exit kubectl -n cutover-sim patch configmap targets --type merge -p \
  "{\"data\":{\"$NS-payments\":null,\"$NS-accounts\":null,\"$NS-orders\":null,\"$NS-naccounts\":null}}"

start_operator one
for spec in "payments istio virtualService web payments /payments" \
  "orders nginx ingress web-nginx orders /orders"; do
  read -r name router field route to path <<<"$spec"
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Migration
metadata: {name: $name}
spec:
  route: {$router: {$field: $route}}
  from: {service: monolith, port: 80}
  to: {service: $to, port: 80}
  matches: [{path: {type: PathPrefix, value: $path}}]
  steps: [{setWeight: 25}, {pause: {}}]
YAML
done
mg_field() { kubectl -n "$NS" get migrations.cutover.dev "$1" -o jsonpath="{$2}"; }
paused_at_25() { [[ "$(mg_field "$1" .status.phase)" == Paused ]] && [[ "$(mg_field "$1" '.status.canary.weights[0].weight')" == 25 ]]; }
wait_for 60 "Istio: /payments at 25%" paused_at_25 payments
wait_for 60 "NGINX: /orders at 25%" paused_at_25 orders
expect_eq "Cutover's http route, before the user's" \
  "$(kubectl -n "$NS" get virtualservice web -o jsonpath='{.spec.http[*].name}')" "migration-payments legacy"
expect_eq "the canary Ingress's paths" \
  "$(kubectl -n "$NS" get ingress orders-web-nginx-migration -o jsonpath='{.spec.rules[0].http.paths[*].path}')" /orders
path_share() {  # path_share SERVICE PATH: the share of PATH's requests SERVICE served
  sleep 22
  ratio "$(rate ",service=\"$1\",path=\"$2\"")" "$(rate ",path=\"$2\"")"
}
within "Istio: /payments on payments" "$(path_share payments /payments)" 25
within "NGINX: /orders on orders" "$(path_share orders /orders)" 25
within "/accounts on the monolith (both routes)" "$(path_share monolith /accounts)" 100

"$deploy" migrations abort payments -n "$NS" >/dev/null || check_fail "deploy migrations abort payments"
"$deploy" migrations abort orders -n "$NS" >/dev/null || check_fail "deploy migrations abort orders"
aborted() { [[ "$(mg_field "$1" .status.phase)" == Degraded ]] && [[ "$(mg_field "$1" '.status.canary.weights[0].weight')" == 0 ]]; }
wait_for 30 "Istio: aborted, /payments back" aborted payments
wait_for 30 "NGINX: aborted, /orders back" aborted orders
expect_eq "the VirtualService after the abort" "$(kubectl -n "$NS" get virtualservice web -o json | jq -S .spec)" "$user_vs"
expect_eq "the canary Ingress's weight" \
  "$(kubectl -n "$NS" get ingress orders-web-nginx-migration -o jsonpath='{.metadata.annotations.nginx\.ingress\.kubernetes\.io/canary-weight}')" 0
within "Istio: /payments back on the monolith" "$(path_share monolith /payments)" 100
within "NGINX: /orders back on the monolith" "$(path_share monolith /orders)" 100
