#!/usr/bin/env bash
# (h) Users migrate from Argo Rollouts with both installed. Both CRDs are named `rollouts`, and
# kubectl resolves a bare name or short name to whichever group discovery lists first. With a
# CRD shaped like Argo's (group argoproj.io, plural rollouts, short name ro) installed beside
# ours: our short name `cro`, the category `cutover` and the group-qualified name reach our
# Rollouts only, `ro` is left to Argo, and deploy (which always names the group) still works.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
argo_crd=rollouts.argoproj.io
# A CRD another test run left behind is ours to remove too (this test runs alone).
on_exit kubectl delete crd "$argo_crd" --ignore-not-found --timeout=60s
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: rollouts.argoproj.io}
spec:
  group: argoproj.io
  scope: Namespaced
  names: {kind: Rollout, listKind: RolloutList, plural: rollouts, singular: rollout, shortNames: [ro]}
  versions:
    - name: v1alpha1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
YAML
kubectl wait --for=condition=Established --timeout=60s "crd/$argo_crd" >/dev/null || fail "Argo's CRD never Established"
wait_for 30 "discovery to list rollouts.argoproj.io" \
  bash -c 'kubectl api-resources --api-group=argoproj.io --no-headers 2>/dev/null | grep -q "^rollouts "'

kubectl -n "$NS" apply -f - >/dev/null <<'YAML'
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: legacy}
spec: {replicas: 1}
---
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy: {canary: {steps: [{setWeight: 50}]}}
YAML

names() { kubectl -n "$NS" get "$1" -o name 2>&1 | sort | tr '\n' ' '; }
expect_eq "kubectl get cro" "$(names cro)" "rollout.cutover.dev/web "
# The category also lists cluster-scoped kinds (ClusterSLOPolicies of other tests): only
# cutover.dev objects, our Rollout among them, never Argo's.
category="$(names cutover)"
[[ "$category" == *"rollout.cutover.dev/web "* && "$category" != *argoproj* &&
  -z "$(tr ' ' '\n' <<<"$category" | grep -v '^$' | grep -v '\.cutover\.dev/')" ]] ||
  check_fail "kubectl get cutover (the category): $category"
expect_eq "kubectl get rollouts.cutover.dev" "$(names rollouts.cutover.dev)" "rollout.cutover.dev/web "
expect_eq "kubectl get rollouts.argoproj.io" "$(names rollouts.argoproj.io)" "rollout.argoproj.io/legacy "
expect_eq "kubectl get ro (Argo's alone now)" "$(names ro)" "rollout.argoproj.io/legacy "
expect_eq "accepted short names" \
  "$(kubectl get crd rollouts.cutover.dev -o jsonpath='{.status.acceptedNames.shortNames}')" '["cro"]'

deploy="${CUTOVER_DEPLOY_BIN:-$repo/build/cli/deploy}"
if [[ -x "$deploy" ]]; then
  out="$("$deploy" -n "$NS" list 2>&1)" || check_fail "deploy list failed with both CRDs: $out"
  [[ "$out" == *web* && "$out" != *legacy* ]] || check_fail "deploy list shows other than ours: $out"
  log "ok: deploy list names the group: $(tr '\n' ' ' <<<"$out")"
fi
