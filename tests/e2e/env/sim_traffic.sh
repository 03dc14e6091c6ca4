#!/usr/bin/env bash
# Simulator traffic for a Service is visible through the Prometheus HTTP API:
# sum(rate(http_requests_total[...])) > 0, labelled with the pod version.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_namespace
deployment web 2 "app.kubernetes.io/version: v7" ""
kubectl -n "$NS" wait --for=condition=Available deployment/web --timeout=60s >/dev/null
add_target "$NS-web" "kind: Service
namespace: $NS
name: web
rps: 50"

q="sum(rate(http_requests_total{namespace=\"$NS\",service=\"web\"}[5s]))"
has_traffic() { local v; v="$(promql "$q")"; [[ "$v" != none ]] && compare "$v" ">" 0; }
wait_for 45 "$q > 0" has_traffic
log "rate = $(promql "$q") req/s"
version="$(promql_by version "sum by (version) (rate(http_requests_total{namespace=\"$NS\"}[5s]))")"
[[ "$version" == "v7 "* ]] || fail "version label: $version"
hist="$(promql "sum(rate(http_request_duration_seconds_count{namespace=\"$NS\",service=\"web\"}[5s]))")"
[[ "$hist" != none ]] && compare "$hist" ">" 0 || fail "no latency histogram samples"
