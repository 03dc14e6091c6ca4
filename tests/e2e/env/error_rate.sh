#!/usr/bin/env bash
# A pod template with sim.cutover.dev/error-rate: "0.2" yields a PromQL error
# ratio of 0.2 ± 0.05.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_namespace
deployment bad 2 "" "sim.cutover.dev/error-rate: '0.2'"
kubectl -n "$NS" wait --for=condition=Available deployment/bad --timeout=60s >/dev/null
add_target "$NS-bad" "kind: Service
namespace: $NS
name: bad
rps: 200"

sel="namespace=\"$NS\",service=\"bad\""
enough() { local v; v="$(promql "sum(increase(http_requests_total{$sel}[15s]))")"; [[ "$v" != none ]] && compare "$v" ">=" 2000; }
settle 15
wait_for 60 "2000 requests in a 15s window" enough
ratio="$(promql "sum(rate(http_requests_total{$sel,code=~\"5..\"}[15s])) / sum(rate(http_requests_total{$sel}[15s]))")"
log "error ratio = $ratio"
[[ "$ratio" != none ]] && within "$ratio" 0.2 0.05 || fail "error ratio $ratio, want 0.2 ± 0.05"
