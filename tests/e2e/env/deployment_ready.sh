#!/usr/bin/env bash
# kubectl apply of a Deployment and a Service gives Ready pods with unique IPs
# and filled EndpointSlices.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_namespace
deployment web 3 "tier: front" "sim.cutover.dev/latency-ms: '5'"
kubectl -n "$NS" wait --for=condition=Available deployment/web --timeout=60s >/dev/null ||
  fail "deployment never became Available"

ready="$(kubectl -n "$NS" get pods -l app=web \
  -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true)"
[[ "$ready" == 3 ]] || fail "$ready of 3 pods Ready"
ips="$(kubectl -n "$NS" get pods -l app=web -o jsonpath='{range .items[*]}{.status.podIP}{"\n"}{end}' | sort -u | grep -c . || true)"
[[ "$ips" == 3 ]] || fail "pods do not have 3 unique IPs"
node="$(kubectl -n "$NS" get pods -l app=web -o jsonpath='{.items[0].spec.nodeName}')"
[[ -n "$node" ]] || fail "pod not bound to a node"

endpoints() {
  local n
  n="$(kubectl -n "$NS" get endpointslices -l kubernetes.io/service-name=web \
    -o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]}{"\n"}{end}' | grep -c . || true)"
  [[ "$n" == 3 ]]
}
wait_for 30 "3 ready endpoints in the EndpointSlices of service web" endpoints
log "3 Ready pods on $node, EndpointSlice filled"
