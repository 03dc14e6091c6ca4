#!/usr/bin/env bash
# The operator's least-privilege rules, each one used for real: the operator runs as its own
# ServiceAccount under the shipped ClusterRole (tests/e2e/operator/lib.sh), and this test takes
# the paths the other operator tests do not, failing on any 403:
#  - a gate on a ClusterSLOPolicy (get clusterslopolicies) whose Prometheus header comes from a
#    Secret in the Rollout's namespace (get secrets);
#  - spec.analysis.successfulRunHistoryLimit: 1 over two gated releases, so the older run is
#    pruned (delete analysisruns);
#  - a Rollout whose adopted Deployment is missing: its status says so (patch rollouts/status).
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../analysis/lib.sh"
trap 'status=$?; [[ $status -eq 0 && $failures -eq 0 ]] || dump_logs; cleanup "$status"' EXIT
install_crd
new_namespace

policy="e2e-${NS:0:40}-errors"
policy="${policy%-}"
on_exit kubectl delete clusterslopolicy "$policy" --wait=false
kubectl -n "$NS" create secret generic prom-headers --from-literal=org=team-a >/dev/null
kubectl apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: ClusterSLOPolicy
metadata: {name: $policy}
spec:
  provider:
    prometheus:
      headers:
      - name: X-Scope-OrgID
        valueFrom: {secretKeyRef: {name: prom-headers, key: org}}
  noDataTimeout: 20s
  metrics:
  - name: error-rate
    initialDelay: 3s
    interval: 2s
    count: 2
    failureLimit: 0
    threshold:
      query: '(sum(rate(http_requests_total{namespace="{{rollout.namespace}}",pod=~"{{rollout.canaryPods}}",code=~"5.."}[10s])) or vector(0)) / sum(rate(http_requests_total{namespace="{{rollout.namespace}}",pod=~"{{rollout.canaryPods}}"}[10s]))'
      successCondition: result < 0.1
YAML
# Traffic comes through web, which selects both slots (the replica-ratio data plane); the
# Rollout pins web-stable to its stable slot.
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-stable}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 2
  analysis: {successfulRunHistoryLimit: 1}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy:
    canary:
      stableService: web-stable
      scaleDownDelaySeconds: 1
      steps:
      - setWeight: 50
      - analysis: {policies: [{name: $policy, clusterScope: true}]}
---
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: orphan}
spec:
  replicas: 1
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: missing}
  strategy: {canary: {steps: [{setWeight: 50}]}}
YAML
add_target web 50

operator_args=(--prometheus-url "$PROMETHEUS_URL")
start_operator one
wait_for 60 "first revision Healthy" healthy_on web:1
for image in web:2 web:3; do
  set_image "$image"
  wait_for 120 "$image Healthy through its gate" healthy_on "$image"
done
runs="$(kubectl -n "$NS" get analysisruns -l cutover.dev/rollout=web -o jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}')"
expect_eq "AnalysisRuns kept (successfulRunHistoryLimit 1)" "$(tr '\n' ' ' <<<"$runs")" "Successful "
header="$(kubectl -n "$NS" get analysisruns -l cutover.dev/rollout=web -o json |
  jq -c '[.. | objects | select(.name? == "X-Scope-OrgID")] | first')"
[[ "$header" == *secretKeyRef* && "$header" != *team-a* ]] ||
  check_fail "the run should record the header's Secret reference, never its value: $header"

wait_for 30 "orphan: the missing Deployment said in status" bash -c \
  "[[ \"\$(kubectl -n $NS get rollouts.cutover.dev orphan -o jsonpath='{.status.message}')\" == *missing* ]]"
expect_eq "orphan phase" "$(ro_field orphan .status.phase)" Degraded
