# Helpers for operator e2e tests: start deploy-operator processes against the local cluster,
# watching only the test's namespace. Source after tests/e2e/crd/lib.sh.
operator_bin="${CUTOVER_OPERATOR_BIN:-$repo/build/operator/deploy-operator}"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_operator NAME: starts a replica in the background; sets OP_PID_<NAME> and OP_METRICS_<NAME>.
start_operator() {
  local name="$1" metrics probes
  metrics="$(free_port)" probes="$(free_port)"
  setsid "$operator_bin" --kubeconfig "$KUBECONFIG" --namespace "$NS" \
    --leader-elect=true --leader-election-namespace "$NS" \
    --lease-duration 6 --renew-deadline 4 --retry-period 1 \
    --metrics-bind-address "127.0.0.1:$metrics" --health-probe-bind-address "127.0.0.1:$probes" \
    >>"$logdir/operator-$name.log" 2>&1 &
  local pid=$!
  printf -v "OP_PID_$name" '%s' "$pid"
  printf -v "OP_METRICS_$name" '%s' "$metrics"
  on_exit kill -9 "$pid"
  wait_for 20 "operator $name /healthz" curl -sf "http://127.0.0.1:$probes/healthz" -o /dev/null
}

logdir="$(mktemp -d)"
dump_logs() { tail -n 30 "$logdir"/*.log >&2 || true; }

apply_app() {
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: web-stable}
spec: {selector: {app: web}, ports: [{port: 80}]}
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
      scaleDownDelaySeconds: 2
      steps:
      - setWeight: 25
      - pause: {duration: 2s}
      - setWeight: 50
      - pause: {duration: 2s}
      - setWeight: 75
YAML
}

set_image() {
  kubectl -n "$NS" patch rollout web --type=json \
    -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"$1\"}]" >/dev/null
}

healthy_on() {  # healthy_on IMAGE: the Rollout is Healthy and its stable revision runs IMAGE
  [[ "$(ro_field web .status.phase)" == Healthy ]] &&
    [[ "$(ro_field web .status.history[-1:].images[0])" == "$1" ]] &&
    [[ "$(ro_field web .status.history[-1:].result)" == Promoted ]]
}
