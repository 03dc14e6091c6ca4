#!/usr/bin/env bash
# A settled Rollout costs nothing: once a canary (pinned stable Service) and a blue-green Rollout
# are Healthy with their old slots scaled down, deploy-operator makes zero API requests (watches
# aside, and with leader election off) and runs zero reconciles for 20 s. Then an edit of the
# template is acted on within a second, read from the informer caches.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap 'status=$?; [[ $status -eq 0 && $failures -eq 0 ]] || dump_logs; cleanup "$status"' EXIT
install_crd
new_namespace

operator_identity
metrics_port="$(free_port)"
probes_port="$(free_port)"
setsid "$operator_bin" --kubeconfig "$operator_kubeconfig" --namespace "$NS" --leader-elect=false \
  --metrics-bind-address "127.0.0.1:$metrics_port" --health-probe-bind-address "127.0.0.1:$probes_port" \
  >>"$logdir/operator-one.log" 2>&1 &
operator_pid=$!
disown "$operator_pid"
on_exit kill -9 "$operator_pid"
wait_for 20 "operator /healthz" curl -sf "http://127.0.0.1:$probes_port/healthz" -o /dev/null

# total METRIC [EXCLUDE_REGEX]: the sum of every sample of METRIC, leaving out label sets that
# match EXCLUDE_REGEX.
total() {
  curl -sf "http://127.0.0.1:$metrics_port/metrics" |
    awk -v m="$1" -v x="${2:-^$}" 'index($0, m "{") == 1 && $0 !~ x { n += $NF } END { print n + 0 }'
}
requests() { total cutover_api_requests_total 'verb="WATCH"'; }
reconciles() { total cutover_reconcile_total; }

apply_app 1s
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: pay-active}
spec: {selector: {app: pay}, ports: [{port: 80}]}
---
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: pay}
spec:
  replicas: 2
  selector: {matchLabels: {app: pay}}
  template:
    metadata: {labels: {app: pay}}
    spec: {containers: [{name: pay, image: "pay:1"}]}
  strategy:
    blueGreen:
      activeService: pay-active
      autoPromotionEnabled: true
      scaleDownDelaySeconds: 2
YAML
# settled NAME IMAGE: Healthy on IMAGE, the release finished and both slots hold only what runs.
settled() {
  [[ "$(kubectl -n "$NS" get rollouts.cutover.dev "$1" -o jsonpath='{.status.phase}/{.status.history[-1:].images[0]}/{.status.history[-1:].finishedAt}/{.status.scaleDownAt}')" =~ ^Healthy/$2/.+/$ ]] &&
    [[ "$(kubectl -n "$NS" get deployments -l "cutover.dev/rollout=$1" -o jsonpath='{range .items[*]}{.spec.replicas}{" "}{end}')" =~ (^| )0( |$) ]]
}
wait_for 90 "web: first revision Healthy" healthy_on web:1
set_image web:2
kubectl -n "$NS" set image rollouts.cutover.dev/pay pay=pay:2 >/dev/null 2>&1 ||
  kubectl -n "$NS" patch rollouts.cutover.dev pay --type=json \
    -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"pay:2"}]' >/dev/null
wait_for 120 "web: revision 2 settled" settled web web:2
wait_for 120 "pay: revision 2 settled" settled pay pay:2
sleep 3  # the last status writes' own watch events

before_requests="$(requests)" before_reconciles="$(reconciles)"
sleep 20
idle_requests=$(($(requests) - before_requests))
idle_reconciles=$(($(reconciles) - before_reconciles))
log "idle 20 s: $idle_requests API requests, $idle_reconciles reconciles"
expect_eq "API requests while settled (20 s)" "$idle_requests" 0
expect_eq "reconciles while settled (20 s)" "$idle_reconciles" 0
# The work queue's figures, under controller-runtime's names.
metrics="$(curl -sf "http://127.0.0.1:$metrics_port/metrics")"
for m in workqueue_depth workqueue_adds_total workqueue_retries_total \
  workqueue_queue_duration_seconds_count workqueue_work_duration_seconds_count; do
  grep -q "^$m{name=\"rollout\"}" <<<"$metrics" || check_fail "no $m{name=\"rollout\"} on /metrics"
done
expect_eq "workqueue_depth while settled" "$(total workqueue_depth)" 0

# The caches are live: an edit is acted on at once.
start_ms="$(date +%s%3N)"
set_image web:3
wait_for 10 "web: release of revision 3 started" bash -c \
  "[[ \$(kubectl -n $NS get rollouts.cutover.dev web -o jsonpath='{.status.history[-1:].images[0]}') == web:3 ]]"
log "template edit to first status write: $(($(date +%s%3N) - start_ms)) ms (kubectl round trips included)"
