#!/usr/bin/env bash
# A release the operator cannot carry out shows on the Rollout, and `deploy set image --wait`
# fails fast with it. The operator runs as its own ServiceAccount under the shipped ClusterRole
# minus one rule a release needs (patch deployments/scale), as a real install did before that
# rule existed: the first deployment works, the release then meets a 403 on every pass.
#  - the Rollout gets condition ReconcileError (reason Forbidden, the API's message, the fix)
#    and phase Degraded, never Healthy for a generation the operator has not observed;
#  - `deploy set image --wait` exits 1 within seconds (not at its timeout), naming the verb;
#  - `deploy status` shows it; the operator logs the 403 with verb, resource and namespace and
#    counts it in cutover_api_requests_total{code="403"};
#  - once the rule is back, the release completes and the condition is gone.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
manifest="$(mktemp)"
on_exit rm -f "$manifest"

operator_identity
# Swap this test's binding to a role without deployments/scale (roleRef is immutable: recreate).
broken="cutover-e2e-noscale-$NS"
kubectl create --dry-run=client -o json -f "$repo/operator/config/rbac/role.yaml" |
  jq --arg name "$broken" 'select(.kind == "ClusterRole") | .metadata.name = $name
    | .rules |= map(select(.resources != ["deployments/scale"]))' | kubectl apply -f - >/dev/null
on_exit kubectl delete clusterrole "$broken" --wait=false
bind_operator_to() {
  kubectl delete clusterrolebinding "cutover-e2e-$NS" --ignore-not-found >/dev/null
  kubectl create clusterrolebinding "cutover-e2e-$NS" --clusterrole="$1" \
    --serviceaccount="$NS:cutover-operator" >/dev/null
}
start_operator one
write_rollout "$manifest" "web:1" '[{setWeight: 50}, {pause: {duration: 1s}}]'
expect_exit 0 "apply" apply -f "$manifest"
wait_for 60 "first revision Healthy" healthy_on web:1

# Now take the rule away, as an install whose ClusterRole lacked it: every pass that scales a
# slot is refused from here on.
exit_checks=()  # 403s are this test's subject: asserted below, not refused at exit
bind_operator_to "$broken"
sa="system:serviceaccount:$NS:cutover-operator"
wait_for 10 "the broken binding to take effect" \
  bash -c "! kubectl auth can-i --as=$sa -n $NS patch deployments.apps --subresource=scale -q"

log "release web:2: the operator cannot scale a slot"
started=$SECONDS
expect_exit 1 "set image --wait fails fast" set image web web=web:2 --wait --timeout 90s
took=$((SECONDS - started))
((took < 30)) || check_fail "set image --wait took ${took}s to fail; want well under its 90s timeout"
log "set image --wait failed after ${took}s"
expect_in "deployments/scale" "set image --wait"

condition() { kubectl -n "$NS" get rollouts.cutover.dev web -o jsonpath="{.status.conditions[?(@.type==\"ReconcileError\")].$1}"; }
expect_eq "ReconcileError status" "$(condition status)" True
expect_eq "ReconcileError reason" "$(condition reason)" Forbidden
expect_eq "ReconcileError observedGeneration" "$(condition observedGeneration)" "$(ro_field web .metadata.generation)"
[[ "$(condition message)" == *'cannot patch resource "deployments/scale" in API group "apps"'* ]] ||
  check_fail "the condition does not name the refused request: $(condition message)"
[[ "$(condition message)" == *operator/config/rbac* ]] || check_fail "the condition names no fix: $(condition message)"
expect_eq "phase" "$(ro_field web .status.phase)" Degraded

expect_exit 1 "deploy status" status web
expect_in "ReconcileError (Forbidden)" "deploy status"
expect_in "deployments/scale" "deploy status"

refusal="$(grep -h '"API request forbidden"' "$logdir"/operator-one.log | head -n 1)"
expect_eq "403 log: verb" "$(jq -r .verb <<<"$refusal")" patch
expect_eq "403 log: resource" "$(jq -r .resource <<<"$refusal")" deployments/scale
expect_eq "403 log: namespace" "$(jq -r .namespace <<<"$refusal")" "$NS"
forbidden="$(curl -sf "http://127.0.0.1:$OP_METRICS_one/metrics" |
  awk '/^cutover_api_requests_total\{.*code="403"/ { s += $2 } END { print s + 0 }')"
((forbidden > 0)) || check_fail "cutover_api_requests_total{code=\"403\"} is $forbidden"
log "403s counted: $forbidden"

log "the rule is back: the release completes and the condition goes"
bind_operator_to cutover-e2e-operator
wait_for 120 "revision web:2 Healthy" healthy_on web:2
expect_eq "ReconcileError after recovery" "$(condition status)" ""
expect_exit 0 "deploy status after recovery" status web
