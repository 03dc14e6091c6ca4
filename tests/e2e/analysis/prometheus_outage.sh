#!/usr/bin/env bash
# (e) Prometheus stops answering mid-analysis (SIGSTOP): measurements become errors, the gate
# neither passes nor promotes; when Prometheus is back (SIGCONT) the gate recovers and the
# release is promoted.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
install_policies
prom_pid="$(python3 -c 'import json,sys; print(next(p["pid"] for p in json.load(open(sys.argv[1]))["procs"] if p["name"] == "prometheus"))' "$state/world.json")"
on_exit kill -CONT "$prom_pid"
# 5 measurements 10 s apart; a query waits at most 2 s.
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata: {name: error-rate}
spec:
  provider: {prometheus: {timeout: 2s}}
  metrics:
  - name: error-rate
    interval: 5s
    count: 5
    threshold:
      query: sum(rate(http_requests_total{namespace="{{rollout.namespace}}",pod=~"{{rollout.canaryPods}}",code=~"5.."}[20s])) or vector(0)
      successCondition: result < 0.05
YAML
canary_rollout "      - analysis: {policies: [{name: error-rate}]}"
add_target web 100
expect_eq "first revision" "$(run_rollout 2m)" 0

release 2 '{}'
run_log="$(mktemp)"
on_exit rm -f "$run_log"
"$deploy" run web -n "$NS" --timeout 4m --prometheus-url "$PROMETHEUS_URL" >"$run_log" 2>&1 &
run_pid=$!
on_exit kill "$run_pid"
wait_for 90 "a first successful measurement" \
  bash -c "[[ \$(kubectl -n $NS get analysisruns -o jsonpath='{.items[0].status.metricResults[0].successful}' 2>/dev/null) -ge 1 ]]"
log "stopping Prometheus (pid $prom_pid)"
kill -STOP "$prom_pid"
sleep 15
errors="$(run_field step-1 '.status.metricResults[0].consecutiveError')"
[[ "${errors:-0}" -ge 1 ]] || check_fail "no error measurement while Prometheus was stopped (consecutiveError=$errors)"
expect_eq "run still running" "$(run_field step-1 .status.phase)" Running
expect_eq "not promoted" "$(ro_field web .status.stableSlot)" a
expect_eq "still progressing" "$(ro_field web .status.phase)" Progressing
log "resuming Prometheus"
kill -CONT "$prom_pid"
wait "$run_pid" || { cat "$run_log" >&2; fail "deploy run failed after Prometheus came back"; }
expect_eq "phase" "$(ro_field web .status.phase)" Healthy
expect_eq "run phase" "$(run_field step-1 .status.phase)" Successful
[[ "$(run_field step-1 '.status.metricResults[0].error')" -ge 1 ]] ||
  check_fail "the AnalysisRun does not record the errors"
