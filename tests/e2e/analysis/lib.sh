# Helpers for the SLO-gate tests: the real Prometheus of the local world, simulator traffic,
# the shipped policies/, and `deploy run` (the operator's engine) driving a Rollout.
# Source after tests/e2e/crd/lib.sh.
deploy="${CUTOVER_DEPLOY_BIN:-$repo/build/cli/deploy}"
state="${CUTOVER_CLUSTER_STATE:-$repo/.cluster}"
PROMETHEUS_URL="$(head -n1 "$state/prometheus-url")"
export PROMETHEUS_URL

# add_target NAME RPS [KIND]: simulated clients calling NAME of the test's namespace, a Service
# (default) or a routing object the simulator follows (HTTPRoute, ...).
add_target() {
  local key="$NS-$1"
  local json
  json="$(python3 -c 'import json,sys; print(json.dumps({"data": {sys.argv[1]: sys.argv[2]}}))' \
    "$key" "kind: ${3:-Service}
namespace: $NS
name: $1
rps: $2")"
  kubectl -n cutover-sim patch configmap targets --type merge -p "$json" >/dev/null
  on_exit kubectl -n cutover-sim patch configmap targets --type merge -p "{\"data\":{\"$key\":null}}"
}

# promql QUERY: the value of a one-sample result, or "none".
promql() {
  curl -fsS --max-time 10 -G "$PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$1" |
    python3 -c '
import json, sys
d = json.load(sys.stdin)["data"]
print(d["result"][1] if d["resultType"] == "scalar" else (d["result"][0]["value"][1] if d["result"] else "none"))'
}

install_policies() { kubectl -n "$NS" apply --server-side -f "$repo/policies/" >/dev/null; }

# canary_rollout ANALYSIS_YAML [REPLICAS]: Services web/web-stable/web-canary and Rollout web,
# a canary of setWeight 50 then the given step (indented as a list item's body).
canary_rollout() {
  local analysis="$1" replicas="${2:-4}"
  kubectl -n "$NS" apply -f "$repo/examples/canary/services.yaml" >/dev/null
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: $replicas
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, app.kubernetes.io/version: "1"}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy:
    canary:
      stableService: web-stable
      canaryService: web-canary
      scaleDownDelaySeconds: 2
      abortScaleDownDelaySeconds: 0
      steps:
      - setWeight: 50
$analysis
YAML
}

# release VERSION ANNOTATIONS_JSON: a new revision with pod annotations for the simulator.
release() {
  kubectl -n "$NS" patch rollout web --type=json -p "[
    {\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"web:$1\"},
    {\"op\":\"replace\",\"path\":\"/spec/template/metadata/labels/app.kubernetes.io~1version\",\"value\":\"$1\"},
    {\"op\":\"add\",\"path\":\"/spec/template/metadata/annotations\",\"value\":$2}]" >/dev/null
}

# run_rollout TIMEOUT: drive the Rollout with `deploy run`; prints its exit code.
run_rollout() {
  local code=0
  "$deploy" run web -n "$NS" --timeout "$1" --prometheus-url "$PROMETHEUS_URL" >&2 || code=$?
  echo "$code"
}

selector_slot() { kubectl -n "$NS" get svc "$1" -o jsonpath='{.spec.selector.cutover\.dev/slot}'; }
spec_replicas() { kubectl -n "$NS" get deploy "$1" -o jsonpath='{.spec.replicas}'; }
# run_field GATE JSONPATH: a field of the newest AnalysisRun of a gate.
run_field() {
  kubectl -n "$NS" get analysisruns -l "cutover.dev/gate=$1" --sort-by=.metadata.creationTimestamp \
    -o jsonpath="{.items[-1:]$2}"
}
