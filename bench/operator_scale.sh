#!/usr/bin/env bash
# bench/operator_scale.sh [N]: N Rollouts (default 1000) with one replica each, deployed and
# then released through a 3-step canary by one deploy-operator on the local cluster. Prints one
# line: the operator's peak RSS, its CPU seconds, reconcile p50/p99 (from its own histogram) and
# API requests per Rollout (watches and the informers' first lists included).
#
# bench/operator_scale.sh --idle [N]: N Rollouts (default 10000) deployed and Healthy, then
# IDLE_SECONDS (default 300) of nothing: prints the peak RSS, the API requests per minute while
# idle (watches excluded; leader election is off) and the time from a template edit of one
# Rollout to the operator's first write for it (the release's history entry).
# --router gatewayapi (either mode): each Rollout's canary goes through its own HTTPRoute
# (trafficRouting.gatewayAPI) between two Services of its own, created with it; the Services are
# pinned to the slots and the route's weights read back at every step.
# Needs `scripts/cluster up` and a build; not run by scripts/test.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
idle=0 router=replicas
while [[ "${1:-}" == --* ]]; do
  case "$1" in
    --idle) idle=1; shift ;;
    --router) router="${2:?--router replicas|gatewayapi}"; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
[[ "$router" == replicas || "$router" == gatewayapi ]] || { echo "--router: replicas or gatewayapi, not $router" >&2; exit 2; }
n="${1:-$( ((idle)) && echo 10000 || echo 1000)}"
ns="bench-scale"
eval "$("$repo/scripts/cluster" env)"
operator="${CUTOVER_OPERATOR_BIN:-$repo/build/operator/deploy-operator}"
deploy="$repo/build/cli/deploy"
# Every CRD: the operator's informers wait for AnalysisRuns and SLOPolicies too.
kubectl apply --server-side --force-conflicts -k "$repo/operator/config/crd" >/dev/null
kubectl wait --for=condition=Established --timeout=60s crd/rollouts.cutover.dev \
  crd/analysisruns.cutover.dev crd/slopolicies.cutover.dev >/dev/null
if [[ "$(kubectl get namespace "$ns" -o jsonpath='{.status.phase}' 2>/dev/null)" == Terminating ]]; then
  # Left by a run of an older build, whose Rollouts all carried our finalizer after their
  # operator was gone: deploy delete finishes them (there is no Service to restore). Or the
  # namespace of the run just before, still emptying: its Rollouts go while we list them, and a
  # "not found" is that, not a failure.
  kubectl -n "$ns" get rollouts.cutover.dev -o name | sed 's|.*/||' |
    xargs -r -P 8 -n 1 "$deploy" -n "$ns" delete --timeout 60s >/dev/null 2>&1 || true
fi
kubectl delete namespace "$ns" --ignore-not-found --wait=true --timeout=600s >/dev/null
kubectl create namespace "$ns" >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
probe="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# OPERATOR_QPS (default 50, the comparison's): --idle 10000 may raise it, since only the idle
# figures are its goals and 10,000 first deployments at 50 QPS take half an hour.
"$operator" --kubeconfig "$KUBECONFIG" --namespace "$ns" --leader-elect=false --workers 8 \
  --kube-api-qps "${OPERATOR_QPS:-50}" --kube-api-burst "$((2 * ${OPERATOR_QPS:-50}))" \
  --metrics-bind-address "127.0.0.1:$port" --health-probe-bind-address "127.0.0.1:$probe" \
  >/tmp/operator-scale.log 2>&1 &
pid=$!
# The namespace goes first and the operator only once its Rollouts are gone: a Rollout that
# carries our finalizer (one that pins a Service; these pin none) needs a controller to go,
# and killing the operator first once left the namespace Terminating for ever. The rest of
# the namespace (Deployments, pods) goes without us.
cleanup() {
  kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
  local deadline=$((SECONDS + 120))
  while ((SECONDS < deadline)) && kubectl -n "$ns" get rollouts.cutover.dev -o name 2>/dev/null | grep -q .; do
    sleep 2
  done
  kill "$pid" 2>/dev/null || true
}
trap cleanup EXIT

manifest() {  # manifest IMAGE [PART PARTS]: the Rollouts (with PARTS, only i % PARTS == PART)
  local routing="" services=""
  for i in $(seq "$n"); do
    ((${3:-1} == 1 || i % ${3:-1} == ${2:-0})) || continue
    if [[ "$router" == gatewayapi ]]; then
      routing="      stableService: app-$i-stable
      canaryService: app-$i-canary
      trafficRouting: {gatewayAPI: {httpRoutes: [{name: app-$i}]}}"
      # Created with the first image only: the operator owns the weights from then on.
      [[ "$1" == "${images[0]}" ]] && cat <<YAML
---
apiVersion: v1
kind: Service
metadata: {name: app-$i-stable}
spec: {selector: {app: app-$i}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: app-$i-canary}
spec: {selector: {app: app-$i}, ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app-$i}
spec:
  rules:
  - backendRefs:
    - {name: app-$i-stable, port: 80, weight: 100}
    - {name: app-$i-canary, port: 80, weight: 0}
YAML
    fi
    cat <<YAML
---
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: app-$i}
spec:
  replicas: 1
  selector: {matchLabels: {app: app-$i}}
  template:
    metadata: {labels: {app: app-$i}}
    spec: {containers: [{name: app, image: "$1"}]}
  strategy:
    canary:
      scaleDownDelaySeconds: 0
$routing
      steps: [{setWeight: 33}, {setWeight: 66}, {setWeight: 100}]
YAML
  done
}
healthy_count() {  # healthy_count IMAGE
  kubectl -n "$ns" get rollouts.cutover.dev -o json | python3 -c '
import json, sys
image = sys.argv[1]
items = json.load(sys.stdin)["items"]
print(sum(1 for r in items if r.get("status", {}).get("phase") == "Healthy"
          and (r.get("status", {}).get("history") or [{}])[-1].get("images") == [image]
          and r.get("status", {}).get("stableRevision") == r.get("status", {}).get("currentRevision")))' "$1"
}
metric_sum() {  # metric_sum NAME [EXCLUDE_REGEX]: the sum of NAME's samples, less excluded ones
  curl -sf "http://127.0.0.1:$port/metrics" |
    awk -v m="$1" -v x="${2:-^$}" 'index($0, m "{") == 1 && $0 !~ x { n += $NF } END { printf "%d", n }'
}
images=(app:1 app:2)
((idle)) && images=(app:1)
start=$SECONDS
# --idle: 10,000 objects through one kubectl are 10,000 requests one at a time; four streams.
# A release keeps one stream, so its figures compare with the earlier runs'.
apply_all() {  # apply_all IMAGE
  local parts=$((idle ? 4 : 1)) k pids=()
  for ((k = 0; k < parts; k++)); do
    manifest "$1" "$k" "$parts" | kubectl -n "$ns" apply --server-side -f - >/dev/null &
    pids+=("$!")
  done
  for k in "${pids[@]}"; do wait "$k" || return 1; done
}
for image in "${images[@]}"; do
  apply_all "$image"
  until [[ "$(healthy_count "$image")" == "$n" ]]; do
    ((SECONDS - start < 3600)) || { echo "operator-scale: timed out" >&2; exit 1; }
    sleep $((n > 2000 ? 20 : 5))  # a list of 10,000 Rollouts is itself a load
  done
done
elapsed=$((SECONDS - start))
if ((idle)); then
  idle_seconds="${IDLE_SECONDS:-300}"
  sleep 10  # the last status writes' own watch events
  requests_before="$(metric_sum cutover_api_requests_total 'verb="WATCH"')"
  reconciles_before="$(metric_sum cutover_reconcile_total)"
  sleep "$idle_seconds"
  idle_requests=$(($(metric_sum cutover_api_requests_total 'verb="WATCH"') - requests_before))
  idle_reconciles=$(($(metric_sum cutover_reconcile_total) - reconciles_before))
  # One template edit; the first write the operator makes for it is the history entry of the
  # new revision (the status write that starts the release).
  edit_start="$(date +%s%N)"
  kubectl -n "$ns" patch rollouts.cutover.dev app-1 --type=json \
    -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"app:edit"}]' >/dev/null
  until [[ "$(kubectl -n "$ns" get rollouts.cutover.dev app-1 -o jsonpath='{.status.history[-1:].images[0]}')" == app:edit ]]; do
    sleep 0.02
  done
  edit_ms=$((($(date +%s%N) - edit_start) / 1000000))
  peak_kb="$(awk '/VmHWM/ {print $2}' /proc/$pid/status)"
  cpu="$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' /proc/$pid/stat)"
  echo "operator-idle$([[ $router == replicas ]] || echo " (router $router)"): $n rollouts Healthy in $elapsed s (QPS ${OPERATOR_QPS:-50}), peak RSS $((peak_kb / 1024)) MiB" \
    "($((peak_kb / n)) KiB per rollout), CPU $cpu s;" \
    "idle ${idle_seconds} s: $((idle_requests * 60 / idle_seconds)) API requests/min, $idle_reconciles reconciles;" \
    "template edit to first write ${edit_ms} ms (kubectl round trips included)"
  exit 0
fi
metrics_file="$(mktemp)"
curl -sf "http://127.0.0.1:$port/metrics" >"$metrics_file"
peak_kb="$(awk '/VmHWM/ {print $2}' /proc/$pid/status)"
cpu="$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' /proc/$pid/stat)"
python3 - "$n" "$peak_kb" "$cpu" "$elapsed" "$metrics_file" "$router" <<'PY'
import sys, re
n, peak_kb, cpu, elapsed = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
router = sys.argv[6]
text = open(sys.argv[5]).read()
buckets = [(float(le), float(v)) for le, v in re.findall(r'cutover_reconcile_duration_seconds_bucket\{le="([^"+]+)"\} (\S+)', text)]
count = float(re.search(r'cutover_reconcile_duration_seconds_count (\S+)', text).group(1))
def quantile(q):
    for le, v in sorted(buckets):
        if v >= q * count:
            return le
    return float("inf")
requests = sum(float(v) for v in re.findall(r'cutover_api_requests_total\{[^}]*\} (\S+)', text))
watches = sum(float(v) for v in re.findall(r'cutover_api_requests_total\{[^}]*verb="WATCH"[^}]*\} (\S+)', text))
print(f"operator-scale{'' if router == 'replicas' else ' (router ' + router + ')'}: {n} rollouts released in {elapsed} s, peak RSS {peak_kb / 1024:.0f} MiB, "
      f"CPU {cpu} s, reconcile p50 <= {quantile(0.5) * 1000:.0f} ms p99 <= {quantile(0.99) * 1000:.0f} ms, "
      f"{requests / n:.1f} API requests per released rollout ({watches:.0f} watches in all)")
by = {}
for labels, v in re.findall(r'cutover_api_requests_total\{([^}]*)\} (\S+)', text):
    d = dict(re.findall(r'(\w+)="([^"]*)"', labels))
    key = f'{d.get("verb", "?")} {d.get("resource", "?")}'
    by[key] = by.get(key, 0) + float(v)
print("  per rollout: " + ", ".join(f"{k} {v / n:.1f}" for k, v in sorted(by.items(), key=lambda kv: -kv[1])))
PY
