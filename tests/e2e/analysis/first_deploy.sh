#!/usr/bin/env bash
# analyzeFirstDeploy (Argo Rollouts #3984): the first deployment runs the strategy's gates on
# its own pods. A bad first version (error rate 0.2) ends Degraded with its pods kept (there is
# nothing older to go back to) and a Failed AnalysisRun; it never becomes the stable revision.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
install_policies
canary_rollout "      - analysis: {policies: [{name: http-error-rate}]}"
kubectl -n "$NS" patch rollout web --type=merge -p '{"spec":{"analyzeFirstDeploy":true,"template":{"metadata":{"annotations":{"sim.cutover.dev/error-rate":"0.2"}}}}}' >/dev/null
add_target web 100
expect_eq "deploy run exit code" "$(run_rollout 2m)" 1
expect_eq "phase" "$(ro_field web .status.phase)" Degraded
expect_eq "no stable revision" "$(ro_field web .status.stableRevision)" ""
expect_eq "run phase" "$(run_field first-deploy .status.phase)" Failed
expect_eq "pods kept" "$(spec_replicas web-a)" 4
message="$(ro_field web .status.message)"
[[ "$message" == *"first deployment failed its SLO gates"* ]] || check_fail "status message: $message"
