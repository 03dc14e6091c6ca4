#!/usr/bin/env bash
# bench/rollback_latency.sh [--router replicas|gatewayapi] [RUNS]: how fast an SLO gate takes a
# bad release off the traffic.
#
# One deploy-operator (the real engine, informers, work queue) drives a 4-replica canary whose
# 50% step is gated by a threshold policy measured every 5 s. Each run releases a revision whose
# pods fail half their requests, and measures, with a 0.2 s poll of the real Prometheus:
#   start: the first 5xx sample of the candidate visible in Prometheus;
#   end:   the last increase of the candidate pods' request counters, i.e. the moment the
#          simulator stopped sending them traffic (100% on stable, as the simulator measures it).
# With --router gatewayapi the canary's 50% is carried by an HTTPRoute (trafficRouting.gatewayAPI,
# the simulator routing by its weights), and the end is the moment the route reads weight 0 back
# (kubectl, polled every 0.2 s), the order the engine guarantees before scaling down.
# Between runs the template is put back to the stable one (a fast-track revert, no steps).
# Prints one line: median and p95 of end - start over RUNS (default 10), and the goal
# (interval + 2 s). Needs the local world: scripts/cluster up.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
router=replicas
if [[ "${1:-}" == --router ]]; then
  router="${2:?--router replicas|gatewayapi}"
  shift 2
fi
[[ "$router" == replicas || "$router" == gatewayapi ]] || { echo "--router: replicas or gatewayapi, not $router" >&2; exit 2; }
runs="${1:-10}"
state="${CUTOVER_CLUSTER_STATE:-$repo/.cluster}"
export KUBECONFIG="$state/kubeconfig"
PROMETHEUS_URL="$(head -n1 "$state/prometheus-url")"
operator="$repo/build/operator/deploy-operator"
ns="bench-rollback-$$"
interval=5
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

cleanup() {
  [[ -n "${op_pid:-}" ]] && kill "$op_pid" 2>/dev/null || true
  kubectl -n cutover-sim patch configmap targets --type merge -p "{\"data\":{\"$ns\":null}}" >/dev/null 2>&1 || true
  kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT

for crd in rollouts slopolicies clusterslopolicies analysisruns; do
  kubectl apply --server-side --force-conflicts -f "$repo/operator/config/crd/$crd.cutover.dev.yaml" >/dev/null
done
kubectl create namespace "$ns" >/dev/null
kubectl -n "$ns" apply -f "$repo/examples/canary/services.yaml" >/dev/null
routing="" target_kind=Service target_name=web
if [[ "$router" == gatewayapi ]]; then
  kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: public}]
  rules:
  - backendRefs:
    - {name: web-stable, port: 80, weight: 100}
    - {name: web-canary, port: 80, weight: 0}
YAML
  routing="      trafficRouting: {gatewayAPI: {httpRoutes: [{name: web}]}}"
  target_kind=HTTPRoute
fi
kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata: {name: error-rate}
spec:
  metrics:
  - name: error-rate
    interval: ${interval}s
    count: 1000
    threshold:
      query: (sum(rate(http_requests_total{namespace="{{rollout.namespace}}",pod=~"{{rollout.canaryPods}}",code=~"5.."}[5s])) or vector(0)) / sum(rate(http_requests_total{namespace="{{rollout.namespace}}",pod=~"{{rollout.canaryPods}}"}[5s]))
      successCondition: result < 0.05
---
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy:
    canary:
      stableService: web-stable
      canaryService: web-canary
      abortScaleDownDelaySeconds: 0
$routing
      steps:
      - setWeight: 50
      - analysis: {policies: [{name: error-rate}]}
YAML
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
"$operator" --kubeconfig "$KUBECONFIG" --namespace "$ns" --leader-elect=false \
  --prometheus-url "$PROMETHEUS_URL" --metrics-bind-address "127.0.0.1:$(port)" \
  --health-probe-bind-address "127.0.0.1:$(port)" >"/tmp/$ns-operator.log" 2>&1 &
op_pid=$!
kubectl -n cutover-sim patch configmap targets --type merge -p "{\"data\":{\"$ns\":\"kind: $target_kind\\nnamespace: $ns\\nname: $target_name\\nrps: 200\\n\"}}" >/dev/null

phase() { kubectl -n "$ns" get rollouts.cutover.dev web -o jsonpath='{.status.phase}'; }
wait_phase() {
  local deadline=$((SECONDS + 120))
  until [[ "$(phase)" == "$1" ]]; do
    ((SECONDS < deadline)) || { log "web never reached $1"; tail -20 "/tmp/$ns-operator.log" >&2; exit 1; }
    sleep 0.2
  done
}
promql() {
  curl -fsS --max-time 5 -G "$PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)'
}
now() { date +%s.%N; }
# The pods with a 5xx series in Prometheus, sorted, on one line.
bad_pods() {
  curl -fsS --max-time 5 -G "$PROMETHEUS_URL/api/v1/query" \
    --data-urlencode "query=http_requests_total{namespace=\"$ns\",code=~\"5..\"}" |
    python3 -c 'import json,sys; print(" ".join(sorted({r["metric"].get("pod","") for r in json.load(sys.stdin)["data"]["result"]})))'
}

wait_phase Healthy
stable_template="$(kubectl -n "$ns" get rollouts.cutover.dev web -o jsonpath='{.spec.template}')"
samples=()
for ((i = 1; i <= runs; i++)); do
  cand="$(kubectl -n "$ns" get rollouts.cutover.dev web -o jsonpath='{.status.stableSlot}')"
  [[ "$cand" == a ]] && cand=b || cand=a
  bad_before="$(bad_pods)"
  kubectl -n "$ns" patch rollouts.cutover.dev web --type=json -p "[{\"op\":\"add\",\"path\":\"/spec/template/metadata/annotations\",\"value\":{\"sim.cutover.dev/error-rate\":\"0.5\",\"bench/run\":\"$i\"}}]" >/dev/null
  t_bad="" t_end="" last="" degraded_at="" routed=""
  while true; do
    t="$(now)"
    # The first 5xx series of a pod that had none before this release.
    # Each observation is stamped when its answer came back, not at the top of the poll (a poll
    # runs several queries, and both ends can change within one).
    if [[ -z "$t_bad" ]] && python3 -c 'import sys; sys.exit(0 if set(sys.argv[1].split()) - set(sys.argv[2].split()) else 1)' "$(bad_pods)" "$bad_before"; then
      t_bad="$(now)"
    fi
    if [[ "$router" == gatewayapi ]]; then
      # The end: the first poll that reads 0 for the canary after one that read its 50% (so a
      # bad sample noticed a poll late does not hide the moment the route changed).
      w="$(kubectl -n "$ns" get httproute web -o jsonpath='{.spec.rules[0].backendRefs[1].weight}')"
      [[ "$w" != 0 && -n "$w" ]] && routed=1
      [[ -n "${routed:-}" && -z "$t_end" && "$w" == 0 ]] && t_end="$(now)"
    else
      c="$(promql "sum(http_requests_total{namespace=\"$ns\",pod=~\"web-$cand-.*\"})")"
      [[ "$c" != "$last" ]] && { t_end="$t"; last="$c"; }
    fi
    if [[ -z "$degraded_at" && "$(phase)" == Degraded ]]; then degraded_at="$t"; fi
    # Done once Degraded and the candidate's counters stood still for 5 s.
    if [[ -n "$degraded_at" && -n "$t_bad" && -n "$t_end" ]] &&
       python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) - max(float(sys.argv[2]), float(sys.argv[3])) > 5 else 1)' "$t" "$t_end" "$degraded_at"; then
      break
    fi
    sleep 0.2
  done
  sample="$(python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) - float(sys.argv[2])))' "$t_end" "$t_bad")"
  samples+=("$sample")
  log "run $i: first bad sample -> candidate off traffic in ${sample} s"
  kubectl -n "$ns" patch rollouts.cutover.dev web --type=json -p "[{\"op\":\"replace\",\"path\":\"/spec/template\",\"value\":$stable_template}]" >/dev/null
  wait_phase Healthy
  sleep 2
done
python3 - "$interval" "$router" "${samples[@]}" <<'PY'
import statistics, sys
interval = float(sys.argv[1]); router = sys.argv[2]; xs = sorted(map(float, sys.argv[3:]))
p95 = xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
end = "weight 0 read back on the route" if router == "gatewayapi" else "100% on stable"
print("rollback-latency (router %s): first bad sample -> %s: median %.2f s, p95 %.2f s over %d runs (goal <= %.0f s = interval + 2 s)"
      % (router, end, statistics.median(xs), p95, len(xs), interval + 2))
PY
