#!/usr/bin/env bash
# Two operator replicas: only the leader reconciles; when the leader is killed, the other takes
# over within the lease duration (6 s here) and finishes the release. Both run under the
# namespaced Role (operator/config/rbac/namespaced), which also holds their Lease.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
OPERATOR_RBAC=namespaced
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

start_operator one
wait_for 20 "replica one to lead" bash -c "curl -sf http://127.0.0.1:$OP_METRICS_one/metrics | grep -q '^cutover_leader 1'"
start_operator two
sleep 3
leader1="$(curl -sf "http://127.0.0.1:$OP_METRICS_one/metrics" | grep '^cutover_leader ' | cut -d' ' -f2)"
leader2="$(curl -sf "http://127.0.0.1:$OP_METRICS_two/metrics" | grep '^cutover_leader ' | cut -d' ' -f2)"
expect_eq "replica one leads" "$leader1" 1
expect_eq "replica two follows" "$leader2" 0

apply_app
wait_for 60 "first revision Healthy" healthy_on web:1
writes_two="$(curl -sf "http://127.0.0.1:$OP_METRICS_two/metrics" | grep -c '^cutover_reconcile_total' || true)"
expect_eq "the follower reconciled nothing" "$writes_two" 0

set_image web:2
sleep 2
log "killing the leader"
killed_at=$SECONDS
kill -9 "$OP_PID_one"
wait_for 30 "replica two to take over" bash -c "curl -sf http://127.0.0.1:$OP_METRICS_two/metrics | grep -q '^cutover_leader 1'"
takeover=$((SECONDS - killed_at))
log "takeover after ${takeover}s"
# The follower takes over once it has seen no renewal for the lease duration (6 s), checking
# every retry period (1 s): at most ~7 s after the leader's last renewal, plus scheduling slack.
((takeover <= 10)) || check_fail "takeover took ${takeover}s, lease duration is 6s"
wait_for 90 "second revision Healthy under the new leader" healthy_on web:2
