#!/usr/bin/env bash
# An HTTPRoute split of 90/10 between two Services yields traffic shares of
# 0.9/0.1 ± 0.05 in PromQL.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_namespace
deployment web-stable 2 "app.kubernetes.io/version: stable" ""
deployment web-canary 1 "app.kubernetes.io/version: canary" ""
kubectl -n "$NS" wait --for=condition=Available deployment/web-stable deployment/web-canary --timeout=60s >/dev/null
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  rules:
  - backendRefs:
    - {name: web-stable, port: 80, weight: 90}
    - {name: web-canary, port: 80, weight: 10}
YAML
add_target "$NS-route" "kind: HTTPRoute
namespace: $NS
name: web
rps: 200"

sel="namespace=\"$NS\""
enough() { local v; v="$(promql "sum(increase(http_requests_total{$sel,code=\"200\"}[15s]))")"; [[ "$v" != none ]] && compare "$v" ">=" 2000; }
settle 15
wait_for 60 "2000 routed requests in a 15s window" enough
share() { promql "sum(rate(http_requests_total{$sel,service=\"$1\"}[15s])) / scalar(sum(rate(http_requests_total{$sel}[15s])))"; }
stable="$(share web-stable)"
canary="$(share web-canary)"
log "shares: web-stable $stable, web-canary $canary"
[[ "$stable" != none ]] && within "$stable" 0.9 0.05 || fail "web-stable share $stable, want 0.9 ± 0.05"
[[ "$canary" != none ]] && within "$canary" 0.1 0.05 || fail "web-canary share $canary, want 0.1 ± 0.05"
