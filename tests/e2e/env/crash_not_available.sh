#!/usr/bin/env bash
# A crash-annotated Deployment never becomes Available; its pods crash-loop
# with a rising restartCount.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_namespace
deployment crashy 2 "" "sim.cutover.dev/crash: 'true'"

available() {
  kubectl -n "$NS" get deployment crashy -o jsonpath='{.status.conditions[?(@.type=="Available")].status}'
}
restarts() {
  kubectl -n "$NS" get pods -l app=crashy -o jsonpath='{range .items[*]}{.status.containerStatuses[0].restartCount}{"\n"}{end}' | sort -n | head -n1
}
first=""
for _ in $(seq 1 15); do
  [[ "$(available)" != True ]] || fail "crash-looping deployment became Available"
  [[ -n "$first" ]] || first="$(restarts)"
  sleep 1
done
ready="$(kubectl -n "$NS" get deployment crashy -o jsonpath='{.status.readyReplicas}')"
[[ -z "$ready" || "$ready" == 0 ]] || fail "readyReplicas = $ready"
last="$(restarts)"
reason="$(kubectl -n "$NS" get pods -l app=crashy -o jsonpath='{.items[0].status.containerStatuses[0].state.waiting.reason}')"
log "Available=$(available), restartCount ${first:-0} -> $last, reason $reason"
[[ "$reason" == CrashLoopBackOff ]] || fail "waiting reason '$reason', want CrashLoopBackOff"
[[ -n "$last" ]] && ((last >= 3)) && ((last > ${first:-0})) || fail "restartCount did not rise (${first:-0} -> $last)"
