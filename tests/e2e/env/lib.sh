# Shared helpers for the tests/env smoke tests. Source it from a test script.
# Each test makes its own namespace, removes it (and its simulator targets)
# on exit, and talks only to the local world of scripts/cluster.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
state="${CUTOVER_CLUSTER_STATE:-$repo/.cluster}"
[[ -f "$state/kubeconfig" && -f "$state/prometheus-url" ]] ||
  { echo "no cluster in $state: run scripts/cluster up" >&2; exit 1; }
export KUBECONFIG="$state/kubeconfig"
PROMETHEUS_URL="$(head -n1 "$state/prometheus-url")"
export PROMETHEUS_URL

test_name="$(basename "$0" .sh)"
NS="e2e-env-${test_name//_/-}-$(date +%s)-$RANDOM"
NS="${NS:0:63}"
targets=()

log() { printf '[%s %s] %s\n' "$(date +%T)" "$test_name" "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

cleanup() {
  local status=$?
  for key in "${targets[@]}"; do
    kubectl -n cutover-sim patch configmap targets --type merge \
      -p "{\"data\":{\"$key\":null}}" >/dev/null 2>&1 || true
  done
  kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  if [[ $status -eq 0 ]]; then log "PASS"; fi
  exit "$status"
}
trap cleanup EXIT

new_namespace() {
  kubectl create namespace "$NS" >/dev/null
  log "namespace $NS"
}

# add_target KEY YAML: declare a simulator target (see tests/env/README.md).
add_target() {
  local key="$1" doc="$2"
  targets+=("$key")
  local json
  json="$(python3 -c 'import json,sys; print(json.dumps({"data": {sys.argv[1]: sys.argv[2]}}))' "$key" "$doc")"
  kubectl -n cutover-sim patch configmap targets --type merge -p "$json" >/dev/null
  traffic_since=$SECONDS
}

# settle WINDOW: wait until a PromQL range of WINDOW seconds lies entirely
# after the start of the traffic (plus scrape slack), so rate() is not skewed
# by series that begin inside the window.
settle() {
  local until=$((traffic_since + $1 + 6))
  if ((SECONDS < until)); then
    log "letting traffic run for $((until - SECONDS))s"
    sleep $((until - SECONDS))
  fi
}

# promql QUERY: print the value of a single-sample instant vector or scalar,
# or "none" when the result is empty.
promql() {
  curl -fsS --max-time 10 -G "$PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$1" |
    python3 -c '
import json, sys
r = json.load(sys.stdin)
if r.get("status") != "success":
    sys.exit("prometheus: %s" % r)
d = r["data"]
if d["resultType"] == "scalar":
    print(d["result"][1])
elif not d["result"]:
    print("none")
else:
    print(d["result"][0]["value"][1])'
}

# promql_by LABEL QUERY: print "label value" lines of a vector result.
promql_by() {
  curl -fsS --max-time 10 -G "$PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$2" |
    python3 -c '
import json, sys
for s in json.load(sys.stdin)["data"]["result"]:
    print(s["metric"].get(sys.argv[1], ""), s["value"][1])' "$1"
}

# compare A OP B (float): succeeds when the comparison holds.
compare() {
  python3 -c 'import sys,operator as o; a=float(sys.argv[1]); b=float(sys.argv[3]); sys.exit(0 if {"<":o.lt,"<=":o.le,">":o.gt,">=":o.ge}[sys.argv[2]](a,b) else 1)' "$1" "$2" "$3"
}

# within VALUE WANT TOL: |VALUE - WANT| <= TOL
within() {
  python3 -c 'import sys; v,w,t=map(float,sys.argv[1:]); sys.exit(0 if abs(v-w)<=t else 1)' "$1" "$2" "$3"
}

# wait_for SECONDS DESCRIPTION COMMAND...: poll COMMAND every second.
wait_for() {
  local secs="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    ((SECONDS < deadline)) || fail "timed out after ${secs}s waiting for $what"
    sleep 1
  done
}

# deployment NAME REPLICAS LABELS_YAML ANNOTATIONS_YAML: apply a Deployment
# and a Service of the same name selecting it.
deployment() {
  local name="$1" replicas="$2" labels="$3" annotations="$4"
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $name}
spec:
  replicas: $replicas
  selector: {matchLabels: {app: $name}}
  template:
    metadata:
      labels: {app: $name, $labels}
      annotations: {$annotations}
    spec:
      containers: [{name: app, image: "example.com/$name:1", ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: $name}
spec:
  selector: {app: $name}
  ports: [{port: 80, targetPort: 8080}]
YAML
}
