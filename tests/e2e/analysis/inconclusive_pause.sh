#!/usr/bin/env bash
# (k) An inconclusive gate pauses the release (ARCHITECTURE.md, "Inconclusive pauses"): with an
# error rate of ~0.1 between the success (< 0.01) and failure (> 0.5) conditions, the step's
# AnalysisRun ends Inconclusive and the Rollout pauses with the AnalysisInconclusive reason.
# While `deploy run` keeps reconciling it is neither promoted nor aborted and the traffic stays at
# the step's weight; `deploy retry` runs the gate again (a new AnalysisRun, the first kept),
# which pauses again; `deploy promote` then passes the gate and the release completes to Healthy.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata: {name: error-rate-band}
spec:
  noDataTimeout: 20s
  metrics:
  - name: error-rate
    initialDelay: 4s
    interval: 2s
    count: 3
    inconclusiveLimit: 0
    threshold:
      query: |
        (sum(rate(http_requests_total{namespace="{{rollout.namespace}}",pod=~"{{rollout.canaryPods}}",code=~"5.."}[10s])) or vector(0))
        /
        sum(rate(http_requests_total{namespace="{{rollout.namespace}}",pod=~"{{rollout.canaryPods}}"}[10s]))
      successCondition: result < 0.01
      failureCondition: result > 0.5
YAML
canary_rollout "      - analysis: {policies: [{name: error-rate-band}]}"
add_target web 100
expect_eq "first revision" "$(run_rollout 2m)" 0

release 2 '{"sim.cutover.dev/error-rate":"0.1"}'
run_log="$(mktemp)"
on_exit rm -f "$run_log"
"$deploy" run web -n "$NS" --timeout 2m --prometheus-url "$PROMETHEUS_URL" >"$run_log" 2>&1 &
run_pid=$!
on_exit kill "$run_pid"
trap 'status=$?; [[ $status -eq 0 && $failures -eq 0 ]] || cat "$run_log" >&2; cleanup "$status"' EXIT

pause_reasons() { ro_field web '.status.pauseConditions[*].reason'; }
wait_for 60 "the AnalysisInconclusive pause" bash -c "[[ \"\$(kubectl -n $NS get rollout web -o jsonpath='{.status.pauseConditions[*].reason}')\" == *AnalysisInconclusive* ]]"
log "paused: $(ro_field web .status.message)"

# The status says why: the pause reason, the Paused condition, the message, the run, an Event.
expect_eq "phase" "$(ro_field web .status.phase)" Paused
expect_eq "pause reasons" "$(pause_reasons)" AnalysisInconclusive
expect_eq "Paused condition reason" \
  "$(ro_field web '.status.conditions[?(@.type=="Paused")].reason')" AnalysisInconclusive
message="$(ro_field web .status.message)"
[[ "$message" == *"analysis Inconclusive"* ]] || check_fail "status message names the inconclusive analysis: $message"
expect_eq "currentStepAnalysis phase" "$(ro_field web .status.currentStepAnalysis.phase)" Inconclusive
expect_eq "run phase" "$(run_field step-1 .status.phase)" Inconclusive
inconclusive="$(run_field step-1 '.status.metricResults[0].inconclusive')"
[[ "${inconclusive:-0}" -ge 1 ]] || check_fail "the AnalysisRun records no inconclusive measurement ($inconclusive)"
expect_eq "failed measurements" "$(run_field step-1 '.status.metricResults[0].failed')" 0
value="$(run_field step-1 '.status.metricResults[0].measurements[-1:].value')"
python3 -c "import sys; v=float(sys.argv[1]); sys.exit(0 if 0.01 < v < 0.5 else 1)" "$value" ||
  check_fail "the inconclusive value lies between the conditions: $value"
kubectl -n "$NS" get events --field-selector reason=AnalysisInconclusive -o jsonpath='{.items[*].message}' |
  grep -q "promote to continue, retry to run it again, or abort" || check_fail "no AnalysisInconclusive event saying what to do"
# `deploy status` exits 3 for "paused, waiting for a person".
status_code=0
status_out="$("$deploy" status web -n "$NS" 2>&1)" || status_code=$?
expect_eq "deploy status exit code (3: paused)" "$status_code" 3
for want in "Paused" "Inconclusive" "deploy retry web to run it again" "50% canary"; do
  [[ "$status_out" == *"$want"* ]] || check_fail "deploy status does not say '$want':"$'\n'"$status_out"
done

# Held: `deploy run` keeps reconciling, yet nothing moves for 6 s.
log "sampling the paused release for 6 s"
for _ in $(seq 12); do
  snapshot="$(kubectl -n "$NS" get rollout/web deploy/web-a deploy/web-b svc/web-stable svc/web-canary -o jsonpath='{.items[0].status.phase} {.items[0].status.abort} {.items[0].status.stableSlot} {.items[0].status.currentStepIndex} {.items[0].status.currentWeight} {.items[1].spec.replicas} {.items[2].spec.replicas} {.items[3].spec.selector.cutover\.dev/slot} {.items[4].spec.selector.cutover\.dev/slot}')"
  # phase, abort, stable slot, step, weight, stable pods, candidate pods, Services.
  [[ "$snapshot" == "Paused false a 1 50 2 2 a b" ]] ||
    check_fail "the paused release moved: got '$snapshot', want 'Paused false a 1 50 2 2 a b' (phase abort stable step weight a b web-stable web-canary)"
  kill -0 "$run_pid" 2>/dev/null || check_fail "deploy run ended while the release was paused: $(cat "$run_log")"
  sleep 0.5
done
expect_eq "pause still raised" "$(pause_reasons)" AnalysisInconclusive

# `deploy retry` runs the inconclusive gate again: a second AnalysisRun at the same step (the
# first is kept), the pause is lifted while it measures, and the same 0.1 pauses it again.
first_run="$(run_field step-1 .metadata.name)"
retry_out="$("$deploy" retry web -n "$NS" 2>&1)" || check_fail "deploy retry failed: $retry_out"
[[ "$retry_out" == *"inconclusive analysis runs again"* ]] || check_fail "deploy retry says: $retry_out"
wait_for 20 "a second step-1 AnalysisRun" bash -c \
  "[[ \"\$(kubectl -n $NS get analysisruns -l cutover.dev/gate=step-1 -o name | wc -l)\" -eq 2 ]]"
second_run="$(run_field step-1 .metadata.name)"
[[ "$second_run" != "$first_run" ]] || check_fail "retry did not start a new AnalysisRun"
expect_eq "the first run is kept as it was" \
  "$(kubectl -n "$NS" get analysisrun "$first_run" -o jsonpath='{.status.phase}')" Inconclusive
expect_eq "retryAnalysis consumed" "$(ro_field web .status.retryAnalysis)" ""
expect_eq "step after retry" "$(ro_field web .status.currentStepIndex)" 1
kubectl -n "$NS" get events --field-selector reason=AnalysisRetried -o name | grep -q . ||
  check_fail "no AnalysisRetried event"
wait_for 60 "the retried gate to pause again" bash -c \
  "[[ \"\$(kubectl -n $NS get analysisrun $second_run -o jsonpath='{.status.phase}')\" == Inconclusive && \"\$(kubectl -n $NS get rollout web -o jsonpath='{.status.pauseConditions[*].reason}')\" == *AnalysisInconclusive* ]]"
expect_eq "weight while retried" "$(ro_field web .status.currentWeight)" 50
expect_eq "aborted while retried" "$(ro_field web .status.abort)" false

# A person promotes: the gate passes and the release completes.
"$deploy" promote web -n "$NS" >&2 || check_fail "deploy promote failed"
code=0
wait "$run_pid" || code=$?
expect_eq "deploy run exit code after promote" "$code" 0
expect_eq "phase after promote" "$(ro_field web .status.phase)" Healthy
expect_eq "stable slot after promote" "$(ro_field web .status.stableSlot)" b
expect_eq "no pause left" "$(pause_reasons)" ""
expect_eq "history result" "$(ro_field web '.status.history[-1:].result')" Promoted
why="$(ro_field web '.status.history[-1:].reason')"
[[ "$why" == *"deploy promote"* ]] || check_fail "history does not say who promoted: $why"
# The record of the verdict is unchanged by the promotion.
expect_eq "run phase after promote" "$(run_field step-1 .status.phase)" Inconclusive
expect_eq "aborted" "$(ro_field web .status.abort)" false
