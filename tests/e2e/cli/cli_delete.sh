#!/usr/bin/env bash
# Deleting Rollouts with no operator at all (deploy run's pipeline mode):
#   (b) a Rollout that pins no Service never gets our finalizer: kubectl delete just completes;
#   (a) one that deploy run pinned a Service for: deploy delete gives the Service its selector
#       back (no cutover.dev/slot key), the Rollout and its slot Deployments go;
#   (c) a pinned Rollout left Terminating by kubectl delete: deploy status says why and what to
#       run, and deploy delete finishes it;
#   (d) deploy delete of a missing Rollout names it and its namespace (exit 2);
# and then the namespace itself can be deleted (it vanishes).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace

# app NAME SERVICE: a one-replica canary Rollout NAME, plus Service SERVICE (the stable one)
# unless SERVICE is empty.
app() {
  local name="$1" service="$2"
  {
    if [[ -n "$service" ]]; then
      cat <<YAML
apiVersion: v1
kind: Service
metadata: {name: $service}
spec: {selector: {app: $name}, ports: [{port: 80}]}
---
YAML
    fi
    cat <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: $name}
spec:
  replicas: 1
  selector: {matchLabels: {app: $name}}
  template:
    metadata: {labels: {app: $name}}
    spec: {containers: [{name: app, image: "$name:1"}]}
  strategy:
    canary:
      ${service:+stableService: $service}
      scaleDownDelaySeconds: 0
      steps: [{setWeight: 50}]
YAML
  } | kubectl -n "$NS" apply -f - >/dev/null
}
selector_of() { kubectl -n "$NS" get svc "$1" -o jsonpath='{.spec.selector}'; }
gone() { ! kubectl -n "$NS" get "$1" "$2" >/dev/null 2>&1; }

log "(d) a missing Rollout"
expect_exit 2 "delete nope" delete nope
expect_in "rollout $NS/nope not found"
expect_in "deploy list -n $NS"

log "(b) no Service pinned: no finalizer, kubectl delete completes with no operator"
app plain ""
expect_exit 0 "run plain to Healthy" run plain --timeout 60s
expect_eq "plain: finalizers" "$(ro_field plain .metadata.finalizers)" ""
timeout 30 kubectl -n "$NS" delete rollout plain --timeout=25s >/dev/null ||
  check_fail "kubectl delete rollout plain did not complete"
wait_for 30 "rollout plain to go" gone rollout plain
wait_for 60 "plain's slot Deployment to be garbage-collected" gone deploy plain-a
log "ok: rollout plain and its slot Deployment are gone"

log "(a) deploy run pins web-stable; deploy delete restores it"
app web web-stable
expect_exit 0 "run web to Healthy" run web --timeout 60s
expect_eq "web-stable pinned" "$(kubectl -n "$NS" get svc web-stable -o jsonpath='{.spec.selector.cutover\.dev/slot}')" a
expect_eq "web: finalizer" "$(ro_field web '.metadata.finalizers[0]')" cutover.dev/restore-services
expect_exit 0 "delete web --wait" delete web --wait --timeout 60s
expect_in "Services web-stable restored"
expect_in "rollout $NS/web deleted, and its slot Deployments web-a and web-b"
expect_eq "web-stable selector" "$(selector_of web-stable)" '{"app":"web"}'
gone rollout web || check_fail "rollout web still exists"
gone deploy web-a || check_fail "deploy web-a still exists after --wait"

log "(c) kubectl delete of a pinned Rollout waits on the finalizer; status says so"
app pay pay-stable
expect_exit 0 "run pay to Healthy" run pay --timeout 60s
kubectl -n "$NS" delete rollout pay --wait=false >/dev/null
sleep 2
[[ -n "$(ro_field pay .metadata.deletionTimestamp)" ]] || check_fail "pay is not Terminating"
# Exit 3 (in progress): setting deletionTimestamp bumps metadata.generation, which no
# controller observes while none runs.
expect_exit 3 "status of the Terminating pay" status pay
expect_in "Deleting:  waiting for finalizer cutover.dev/restore-services. No operator? Run: deploy delete pay"
expect_exit 0 "delete the Terminating pay" delete pay
expect_in "Services pay-stable restored"
expect_in "rollout $NS/pay deleted"
expect_eq "pay-stable selector" "$(selector_of pay-stable)" '{"app":"pay"}'
gone rollout pay || check_fail "rollout pay still exists"
expect_exit 2 "delete pay again" delete pay
expect_in "rollout $NS/pay not found"

log "the namespace can be deleted"
kubectl delete namespace "$NS" --wait=false >/dev/null
wait_for 120 "namespace $NS to vanish" bash -c "! kubectl get namespace '$NS' >/dev/null 2>&1"
log "ok: namespace $NS is gone"
