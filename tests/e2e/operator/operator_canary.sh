#!/usr/bin/env bash
# deploy-operator drives a canary to Healthy on its own, serves /metrics, and survives SIGKILL
# at five points of a release with no duplicate Events.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

start_operator one
apply_app
wait_for 60 "first revision Healthy" healthy_on web:1

log "second revision, killing the operator (SIGKILL) at five points"
set_image web:2
kills=0
declare -A seen=()
deadline=$((SECONDS + 150))
while ! healthy_on web:2; do
  ((SECONDS < deadline)) || { dump_logs; fail "second revision never became Healthy"; }
  point="$(ro_field web .status.currentStepIndex)/$(ro_field web .status.phase)"
  if ((kills < 5)) && [[ -z "${seen[$point]:-}" ]]; then
    seen[$point]=1
    kill -9 "$OP_PID_one"
    kills=$((kills + 1))
    log "killed at step/phase $point; restarting"
    start_operator one
  fi
  sleep 0.3
done
log "Healthy after $kills kills"
((kills >= 3)) || check_fail "only $kills kill points were reached"
expect_eq "stable slot" "$(ro_field web .status.stableSlot)" b
expect_eq "slot b available" "$(kubectl -n "$NS" get deploy web-b -o jsonpath='{.status.availableReplicas}')" 4

# Every transition is recorded once: event names derive from the transition, so a replayed
# plan after a crash finds its events already there.
for reason in NewRevision Promoted; do
  expect_eq "$reason events" "$(kubectl -n "$NS" get events --field-selector reason=$reason -o name | wc -l)" 1
done
steps="$(kubectl -n "$NS" get events --field-selector reason=StepCompleted -o jsonpath='{range .items[*]}{.message}{"\n"}{end}' | sort | uniq -d)"
expect_eq "duplicate StepCompleted events" "$steps" ""

# The last kill may have come just before Healthy: the restarted replica leads only once the
# killed one's Lease has expired (6 s), and reconciles after that.
wait_for 30 "the restarted replica to lead and reconcile" bash -c \
  "curl -sf http://127.0.0.1:$OP_METRICS_one/metrics | grep -q '^cutover_reconcile_total{result=\"success\"}'"
metrics="$(curl -sf "http://127.0.0.1:$OP_METRICS_one/metrics")"
grep -q '^cutover_reconcile_total{result="success"}' <<<"$metrics" || check_fail "no cutover_reconcile_total"
grep -q "^cutover_rollout_phase{.*namespace=\"$NS\".*phase=\"Healthy\".*} 1" <<<"$metrics" ||
  check_fail "no Healthy phase gauge for $NS/web"
grep -q '^cutover_api_requests_total{' <<<"$metrics" || check_fail "no cutover_api_requests_total"
grep -q '^cutover_leader 1' <<<"$metrics" || check_fail "the only replica is not leader"

# The user re-applies the Service's own YAML, dropping our selector key: the Service informer
# wakes the Rollout, which pins the Service to the stable slot again.
stable_slot="$(ro_field web .status.stableSlot)"
# First let the Rollout settle (no reconcile for 3 s), so that only the Service event can wake it.
reconciles() { curl -sf "http://127.0.0.1:$OP_METRICS_one/metrics" | awk '/^cutover_reconcile_total/ { s += $2 } END { print s }'; }
for _ in $(seq 10); do
  before="$(reconciles)"
  sleep 3
  [[ "$(reconciles)" == "$before" ]] && break
done
kubectl -n "$NS" patch svc web-stable --type=json \
  -p '[{"op":"remove","path":"/spec/selector/cutover.dev~1slot"}]' >/dev/null
wait_for 5 "web-stable re-pinned to slot $stable_slot" bash -c \
  "[[ \"\$(kubectl -n $NS get svc web-stable -o jsonpath='{.spec.selector.cutover\.dev/slot}')\" == $stable_slot ]]"
log "ok: web-stable re-pinned after its selector key was removed"
