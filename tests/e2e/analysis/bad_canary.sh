#!/usr/bin/env bash
# (b) A bad canary (error rate 0.2) fails the http-error-rate gate and is rolled back with no
# one touching it: every Service is back on the stable slot, the candidate has no pods, and the
# AnalysisRun keeps the failing measurement.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
install_policies
canary_rollout "      - analysis: {policies: [{name: http-error-rate}]}"
add_target web 100
expect_eq "first revision" "$(run_rollout 2m)" 0

release 2 '{"sim.cutover.dev/error-rate":"0.2"}'
start=$SECONDS
expect_eq "deploy run exit code" "$(run_rollout 3m)" 1
log "rolled back in $((SECONDS - start)) s"
expect_eq "phase" "$(ro_field web .status.phase)" Degraded
expect_eq "aborted" "$(ro_field web .status.abort)" true
reason="$(ro_field web .status.abortReason)"
[[ "$reason" == *"analysis"*"failed"* ]] || check_fail "abort reason names the analysis: $reason"
expect_eq "web-stable on stable" "$(selector_slot web-stable)" a
expect_eq "web-canary on stable" "$(selector_slot web-canary)" a
expect_eq "candidate scaled to 0" "$(spec_replicas web-b)" 0
expect_eq "stable at full size" "$(spec_replicas web-a)" 4
expect_eq "run phase" "$(run_field step-1 .status.phase)" Failed
expect_eq "failed measurements" "$(run_field step-1 '.status.metricResults[0].failed')" 1
value="$(run_field step-1 '.status.metricResults[0].measurements[-1:].value')"
python3 -c "import sys; v=float(sys.argv[1]); sys.exit(0 if 0.1 < v < 0.35 else 1)" "$value" ||
  check_fail "the recorded failing value is the error ratio: $value"
kubectl -n "$NS" get events --field-selector reason=AnalysisFailed -o name | grep -q . ||
  check_fail "no AnalysisFailed event"
