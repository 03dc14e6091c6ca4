#!/usr/bin/env bash
# (d) The availability-burn-rate gate (objective 99.9, SRE-workbook pairs scaled by 0.01) passes
# a healthy canary and fails one that burns its error budget 20x too fast (error ratio 0.02).
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
install_policies
canary_rollout "      - analysis: {policies: [{name: availability-burn-rate}]}"
add_target web 200
expect_eq "first revision" "$(run_rollout 2m)" 0

log "healthy canary"
release 2 '{"sim.cutover.dev/error-rate":"0"}'
expect_eq "healthy canary promoted" "$(run_rollout 3m)" 0
expect_eq "run phase" "$(run_field step-1 .status.phase)" Successful

log "canary burning at 20x"
release 3 '{"sim.cutover.dev/error-rate":"0.02"}'
expect_eq "burning canary aborted" "$(run_rollout 3m)" 1
expect_eq "run phase" "$(run_field step-1 .status.phase)" Failed
message="$(run_field step-1 '.status.metricResults[0].measurements[-1:].message')"
log "last measurement: $message"
[[ "$message" == *"burning too fast"*"pair"* ]] || check_fail "the message names the pair that burns: $message"
expect_eq "web-stable on stable" "$(selector_slot web-stable)" b
