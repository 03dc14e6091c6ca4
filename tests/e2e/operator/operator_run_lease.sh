#!/usr/bin/env bash
# One driver per Rollout: while `deploy run` holds the Rollout's run Lease (cutover-run-web) the
# operator writes nothing to it (its reconcile counter and its managedFields stand still), and
# `deploy status` names the CLI; a second `deploy run` exits 2 at once naming the holder. When
# the CLI is killed with SIGKILL mid-release, the operator takes over within the lease duration
# (6 s here) and finishes the release. A later `deploy run` waits out the dead holder's stale
# Lease, and on SIGTERM releases it so the operator resumes at once.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
deploy="${CUTOVER_DEPLOY_BIN:-$repo/build/cli/deploy}"
install_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || { dump_logs; tail -n 20 "$logdir"/run*.out >&2 || true; }; cleanup "$status"' EXIT

lease_seconds=6
host="$(hostname)"

# Slow enough steps that the kill lands mid-release.
apply_app 10s 4s

# Sum of cutover_reconcile_total over all results: skipped Rollouts are not reconciled.
reconciles() {
  curl -sf "http://127.0.0.1:$OP_METRICS_one/metrics" |
    awk '/^cutover_reconcile_total/ {s += $2} END {printf "%d\n", s}'
}
# The operator's server-side applies are field manager "cutover", its status writes (no
# fieldManager) "cutover-operator" after its User-Agent; the CLI's are all "cutover-cli".
# The latest write time of each field manager of OBJECT (kind/name), one "manager|subresource|time" a line.
writers() {
  kubectl -n "$NS" get "$1" -o jsonpath='{range .metadata.managedFields[*]}{.manager}|{.subresource}|{.time}{"\n"}{end}' | sort
}
operator_writes() {
  local object
  for object in rollout/web deploy/web-a deploy/web-b; do
    writers "$object" | grep -E '^cutover(-operator)?\|' | sed "s|^|$object |" || true
  done
}
lease_field() { kubectl -n "$NS" get lease cutover-run-web -o jsonpath="{$1}" 2>/dev/null || true; }
held_by() { [[ "$(lease_field .spec.holderIdentity)" == "$1" ]]; }

start_operator one
wait_for 20 "the operator to lead" bash -c "curl -sf http://127.0.0.1:$OP_METRICS_one/metrics | grep -q '^cutover_leader 1'"
wait_for 60 "first revision Healthy (operator)" healthy_on web:1

log "second revision, driven by deploy run while the operator runs"
set_image web:2
"$deploy" run web -n "$NS" --timeout 3m --lease-duration "${lease_seconds}s" >"$logdir/run1.out" 2>&1 &
run_pid=$!
on_exit kill -9 "$run_pid"
holder="deploy run@$host/$run_pid"
wait_for 15 "deploy run to hold the Lease" held_by "$holder"
log "Lease held by '$holder'"
expect_eq "Lease label" "$(lease_field '.metadata.labels.cutover\.dev/rollout')" web
expect_eq "Lease owner" "$(lease_field '.metadata.ownerReferences[0].kind')/$(lease_field '.metadata.ownerReferences[0].name')" Rollout/web
expect_eq "Lease duration" "$(lease_field .spec.leaseDurationSeconds)" "$lease_seconds"
# A reconcile the operator had in flight when the CLI took the Lease may still land: measure
# from a moment later.
sleep 2
reconciles_before="$(reconciles)"
writes_before="$(operator_writes)"
cli_status_before="$(writers rollout/web | grep '^cutover-cli|status|' || true)"

wait_for 10 "the operator to log that it stands aside for $holder" \
  bash -c "grep 'deploy run holds the Lease; not reconciling' '$logdir/operator-one.log' | grep -qF '\"holder\":\"$holder\"'"
log "a second deploy run is refused at once"
start=$SECONDS
code=0
second="$(timeout 30 "$deploy" run web -n "$NS" --timeout 1m 2>&1)" || code=$?
expect_eq "second deploy run exit code" "$code" 2
((SECONDS - start <= 5)) || check_fail "the second deploy run took $((SECONDS - start)) s to give up"
log "refusal: $second"
[[ "$second" == *"is driven by $holder (Lease $NS/cutover-run-web, renewed "*"expires in "* ]] ||
  check_fail "the refusal does not name the holder and the expiry: $second"

status_text="$("$deploy" status web -n "$NS" 2>&1 || true)"
log "deploy status: $(grep 'Driven by' <<<"$status_text")"
[[ "$status_text" == *"Driven by: deploy run $host/$run_pid (lease renewed "*"the operator will take over if it expires"* ]] ||
  check_fail "deploy status does not name the CLI: $status_text"

log "waiting for the CLI to move the release on (step 2 or later)"
wait_for 60 "deploy run to reach step 2" bash -c \
  "[[ \$(kubectl -n $NS get rollout web -o jsonpath='{.status.currentStepIndex}') -ge 2 ]]"
kill -0 "$run_pid" 2>/dev/null || fail "deploy run ended before the kill: $(cat "$logdir/run1.out")"
expect_eq "operator reconciles while the CLI holds the Lease" "$(reconciles)" "$reconciles_before"
expect_eq "operator writes while the CLI holds the Lease" "$(operator_writes)" "$writes_before"
cli_status_now="$(writers rollout/web | grep '^cutover-cli|status|' || true)"
[[ -n "$cli_status_now" && "$cli_status_now" != "$cli_status_before" ]] ||
  check_fail "no status write by cutover-cli while it held the Lease ('$cli_status_before' -> '$cli_status_now')"
log "writers of rollout/web: $(writers rollout/web | tr '\n' ' ')"

log "SIGKILL deploy run mid-release (step $(ro_field web .status.currentStepIndex))"
kill -9 "$run_pid"
killed_at="$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)"
last_renewal="$(lease_field .spec.renewTime)"
wait_for 30 "the operator to take over" grep -q "deploy run's Lease ended" "$logdir/operator-one.log"
wait_for 10 "the operator to reconcile again" bash -c "(( \$(curl -sf http://127.0.0.1:$OP_METRICS_one/metrics | awk '/^cutover_reconcile_total/ {s += \$2} END {printf \"%d\", s}') > $reconciles_before ))"
# Measured on one clock (this machine's): the Lease's last renewTime and SIGKILL against the
# operator's log line of the hand-over.
took_over_at="$(grep "deploy run's Lease ended" "$logdir/operator-one.log" | head -1 | jq -r .ts)"
read -r after_kill after_renewal < <(python3 -c "
from datetime import datetime
t = lambda s: datetime.fromisoformat(s.rstrip('Z')[:26]).timestamp()
print(f'{t(\"$took_over_at\") - t(\"$killed_at\"):.1f} {t(\"$took_over_at\") - t(\"$last_renewal\"):.1f}')")
log "operator took over ${after_kill}s after the SIGKILL, ${after_renewal}s after the CLI's last renewal (lease duration ${lease_seconds}s)"
python3 -c "import sys; sys.exit(0 if $after_renewal <= $lease_seconds + 1.5 else 1)" ||
  check_fail "takeover ${after_renewal}s after the last renewal; the lease duration is ${lease_seconds}s"
held_by "$holder" || check_fail "the killed CLI's Lease changed holder: $(lease_field .spec.holderIdentity)"
wait_for 90 "second revision Healthy (operator)" healthy_on web:2

log "third revision: deploy run waits out the dead holder's Lease, then SIGTERM releases it"
set_image web:3
start=$SECONDS
"$deploy" run web -n "$NS" --timeout 3m --lease-duration "${lease_seconds}s" >"$logdir/run2.out" 2>&1 &
run2_pid=$!
on_exit kill -9 "$run2_pid"
wait_for 20 "the new deploy run to take the stale Lease" held_by "deploy run@$host/$run2_pid"
log "stale Lease taken after $((SECONDS - start)) s"
grep -q "waiting up to" "$logdir/run2.out" || check_fail "no word of waiting for the stale Lease: $(cat "$logdir/run2.out")"
sleep 2
reconciles_before="$(reconciles)"
kill -TERM "$run2_pid"
code=0
wait "$run2_pid" || code=$?
expect_eq "deploy run exit code on SIGTERM" "$code" 3
grep -q "released Lease $NS/cutover-run-web" "$logdir/run2.out" ||
  check_fail "SIGTERM did not say it released the Lease: $(cat "$logdir/run2.out")"
expect_eq "Lease holder after SIGTERM" "$(lease_field .spec.holderIdentity)" ""
start=$SECONDS
wait_for 5 "the operator to resume at once" bash -c "(( \$(curl -sf http://127.0.0.1:$OP_METRICS_one/metrics | awk '/^cutover_reconcile_total/ {s += \$2} END {printf \"%d\", s}') > $reconciles_before ))"
log "operator resumed $((SECONDS - start)) s after the release"
wait_for 90 "third revision Healthy (operator)" healthy_on web:3
