#!/usr/bin/env bash
# (a) A good canary (error rate 0.005 against the 0.01 gate of policies/http-error-rate) passes
# its analysis step and is promoted to Healthy; the AnalysisRun records 3 successful
# measurements.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
install_policies
canary_rollout "      - analysis: {policies: [{name: http-error-rate}]}"
add_target web 100
expect_eq "first revision" "$(run_rollout 2m)" 0

release 2 '{"sim.cutover.dev/error-rate":"0.005"}'
start=$SECONDS
expect_eq "deploy run exit code" "$(run_rollout 3m)" 0
log "released in $((SECONDS - start)) s"
expect_eq "phase" "$(ro_field web .status.phase)" Healthy
expect_eq "stable slot" "$(ro_field web .status.stableSlot)" b
expect_eq "run phase" "$(run_field step-1 .status.phase)" Successful
expect_eq "successful measurements" "$(run_field step-1 '.status.metricResults[0].successful')" 3
expect_eq "failed measurements" "$(run_field step-1 '.status.metricResults[0].failed')" 0
expect_eq "history result" "$(ro_field web '.status.history[-1:].result')" Promoted
