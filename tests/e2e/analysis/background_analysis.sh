#!/usr/bin/env bash
# (j) Background analysis (strategy.canary.analysis, startingStep: 1) judges the canary from its
# second step until promotion, whatever step it is at. A good revision (no errors) walks every
# step to Healthy and its background run ends without failing (terminated at promotion, or
# successful). A bad revision (error rate 0.5) is aborted by the background run during a pause
# step, before any further step adds traffic: every Service goes back to stable, the candidate
# loses its pods, and the run keeps the failed measurement. The background run never starts
# before step 1.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
# Runs until the gate ends (count 0): first look 3 s in, then every 2 s; one failure fails it.
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata: {name: error-rate}
spec:
  noDataTimeout: 20s
  metrics:
  - name: error-rate
    initialDelay: 3s
    interval: 2s
    count: 0
    failureLimit: 0
    threshold:
      query: |
        (sum(rate(http_requests_total{namespace="{{rollout.namespace}}",pod=~"{{rollout.canaryPods}}",code=~"5.."}[10s])) or vector(0))
        /
        sum(rate(http_requests_total{namespace="{{rollout.namespace}}",pod=~"{{rollout.canaryPods}}"}[10s]))
      successCondition: result < 0.1
YAML
kubectl -n "$NS" apply -f "$repo/examples/canary/services.yaml" >/dev/null
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 4
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
      analysis: {policies: [{name: error-rate}], startingStep: 1}
      steps:
      - setWeight: 25
      - pause: {duration: 7s}
      - setWeight: 50
      - pause: {duration: 2s}
      - setWeight: 75
      - pause: {duration: 1s}
YAML
add_target web 100
expect_eq "first revision" "$(run_rollout 2m)" 0

# sample FILE CANDIDATE_SLOT: "current revision|step index|background run shown in the
# status|candidate slot's spec.replicas", every 0.3 s, until killed. Sets $sampler.
sample() {
  (
    while true; do
      kubectl -n "$NS" get rollout/web "deploy/web-$2" -o jsonpath='{.items[0].status.currentRevision}|{.items[0].status.currentStepIndex}|{.items[0].status.backgroundAnalysis.name}|{.items[1].spec.replicas}{"\n"}' \
        >>"$1" 2>/dev/null || true  # the candidate slot may not exist yet; set -e must not end the loop
      sleep 0.3
    done
  ) &
  sampler=$!
  on_exit kill "$sampler"
}
stop_sampling() {
  kill -0 "$sampler" 2>/dev/null || check_fail "the sampler stopped early: the samples prove nothing"
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
}
# background_run REVISION JSONPATH: a field of the background run of REVISION.
background_run() {
  kubectl -n "$NS" get analysisruns -l "cutover.dev/gate=background,cutover.dev/revision=$1" -o jsonpath="{.items[0]$2}"
}
# of_release FILE REVISION: the samples taken while REVISION was the release under way.
of_release() { awk -F'|' -v rev="$2" '$1 == rev' "$1"; }
# started_before_step_1 FILE REVISION: samples at step 0 that already show this revision's run.
started_before_step_1() { of_release "$1" "$2" | awk -F'|' -v rev="-$2-" '$2 == "0" && index($3, rev) > 0' | wc -l; }

# --- a good revision: every step, then Healthy; the background run does not fail ------------
good_samples="$(mktemp)"
on_exit rm -f "$good_samples"
release 2 '{"sim.cutover.dev/error-rate":"0"}'
sample "$good_samples" b
start=$SECONDS
expect_eq "good: deploy run exit code" "$(run_rollout 2m)" 0
log "good revision released in $((SECONDS - start)) s"
stop_sampling
good_rev="$(ro_field web .status.stableRevision)"
expect_eq "good: phase" "$(ro_field web .status.phase)" Healthy
expect_eq "good: stable slot" "$(ro_field web .status.stableSlot)" b
expect_eq "good: background runs" \
  "$(kubectl -n "$NS" get analysisruns -l "cutover.dev/gate=background,cutover.dev/revision=$good_rev" -o name | wc -l)" 1
good_phase="$(background_run "$good_rev" .status.phase)"
case "$good_phase" in
  Successful | Terminated) log "ok: good: background run ended $good_phase" ;;
  *) check_fail "good: the background run of a promoted revision is '$good_phase', want Terminated or Successful" ;;
esac
expect_eq "good: failed measurements" "$(background_run "$good_rev" '.status.metricResults[0].failed')" 0
ok_count="$(background_run "$good_rev" '.status.metricResults[0].successful')"
# The steps after step 1 take ~15 s: the run measured all along, not once.
[[ "${ok_count:-0}" -ge 2 ]] || check_fail "good: the background run measured $ok_count times successfully, want >= 2"
expect_eq "good: samples with the run started at step 0" "$(started_before_step_1 "$good_samples" "$good_rev")" 0
grep -q "web-$good_rev-" "$good_samples" || { check_fail "good: the status never showed the background run"; sort "$good_samples" | uniq -c >&2; kubectl -n "$NS" get analysisruns -o name >&2; }

# --- a bad revision: aborted by the background run during the pause of step 2 --------------
bad_samples="$(mktemp)"
on_exit rm -f "$bad_samples"
release 3 '{"sim.cutover.dev/error-rate":"0.5"}'
sample "$bad_samples" a
start=$SECONDS
expect_eq "bad: deploy run exit code" "$(run_rollout 2m)" 1
log "bad revision rolled back in $((SECONDS - start)) s"
sleep 1
stop_sampling
bad_rev="$(ro_field web .status.currentRevision)"
[[ "$bad_rev" != "$good_rev" && -n "$bad_rev" ]] || fail "bad: no new current revision ($bad_rev)"
expect_eq "bad: phase" "$(ro_field web .status.phase)" Degraded
expect_eq "bad: aborted" "$(ro_field web .status.abort)" true
reason="$(ro_field web .status.abortReason)"
[[ "$reason" == *"background analysis"*"failed"* ]] || check_fail "bad: abort reason names the background gate: $reason"
# Aborted between steps: at the pause (step index 1), never having moved on to weight 50.
expect_eq "bad: step index at the abort" "$(ro_field web .status.currentStepIndex)" 1
of_release "$bad_samples" "$bad_rev" | grep -q . || check_fail "bad: no sample of the bad release"
expect_eq "bad: samples past step 1" "$(of_release "$bad_samples" "$bad_rev" | awk -F'|' '$2 + 0 > 1' | wc -l)" 0
expect_eq "bad: samples with more than 1 candidate replica (weight 25 of 4)" \
  "$(awk -F'|' '$4 + 0 > 1' "$bad_samples" | wc -l)" 0
expect_eq "bad: samples with the run started at step 0" "$(started_before_step_1 "$bad_samples" "$bad_rev")" 0
# Traffic back on stable (slot b), as bad_canary.sh checks.
expect_eq "bad: web-stable on stable" "$(selector_slot web-stable)" b
expect_eq "bad: web-canary on stable" "$(selector_slot web-canary)" b
expect_eq "bad: canary weight" "$(ro_field web .status.currentWeight)" 0
expect_eq "bad: candidate scaled to 0" "$(spec_replicas web-a)" 0
expect_eq "bad: stable at full size" "$(spec_replicas web-b)" 4
expect_eq "bad: stable revision" "$(ro_field web .status.stableRevision)" "$good_rev"
# The record.
expect_eq "bad: background runs" \
  "$(kubectl -n "$NS" get analysisruns -l "cutover.dev/gate=background,cutover.dev/revision=$bad_rev" -o name | wc -l)" 1
expect_eq "bad: run phase" "$(background_run "$bad_rev" .status.phase)" Failed
failed="$(background_run "$bad_rev" '.status.metricResults[0].failed')"
[[ "${failed:-0}" -ge 1 ]] || check_fail "bad: the background run records no failed measurement (failed=$failed)"
value="$(background_run "$bad_rev" '.status.metricResults[0].measurements[-1:].value')"
python3 -c "import sys; v=float(sys.argv[1]); sys.exit(0 if 0.3 < v < 0.7 else 1)" "$value" ||
  check_fail "bad: the recorded failing value is the canary's error ratio (~0.5): $value"
kubectl -n "$NS" get events --field-selector reason=AnalysisFailed -o jsonpath='{.items[*].message}' |
  grep -q "background" || check_fail "bad: no AnalysisFailed event for the background gate"
