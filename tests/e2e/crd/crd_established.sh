#!/usr/bin/env bash
# (a) The Rollout CRD applies and becomes Established, with a structural schema, and the API
# serves it under its names: rollouts, rollout, ro, and the category cutover.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_crd

cond() { kubectl get crd rollouts.cutover.dev -o jsonpath="{.status.conditions[?(@.type==\"$1\")].status}"; }
expect_eq "condition Established" "$(cond Established)" True
expect_eq "condition NamesAccepted" "$(cond NamesAccepted)" True
# A non-structural schema is served but flagged; this one must not be.
expect_eq "condition NonStructuralSchema" "$(cond NonStructuralSchema)" ""

expect_eq "accepted short names" \
  "$(kubectl get crd rollouts.cutover.dev -o jsonpath='{.status.acceptedNames.shortNames}')" '["cro"]'
expect_eq "accepted categories" \
  "$(kubectl get crd rollouts.cutover.dev -o jsonpath='{.status.acceptedNames.categories}')" '["cutover"]'
expect_eq "scope" "$(kubectl get crd rollouts.cutover.dev -o jsonpath='{.spec.scope}')" Namespaced
expect_eq "served, storage versions" \
  "$(kubectl get crd rollouts.cutover.dev -o jsonpath='{range .spec.versions[*]}{.name}:{.served}:{.storage} {end}')" \
  "v1alpha1:true:true "

# Discovery: the kind, short name, verbs and both subresources.
line="$(kubectl api-resources --api-group=cutover.dev --no-headers -o wide | grep '^rollouts ' || true)"
[[ "$line" =~ ^rollouts[[:space:]]+cro[[:space:]]+cutover.dev/v1alpha1[[:space:]]+true[[:space:]]+Rollout ]] ||
  check_fail "api-resources line for rollouts: '$line'"
[[ "$line" == *cutover* && "$line" == *watch* ]] || check_fail "category or verbs missing: '$line'"
raw="$(kubectl get --raw /apis/cutover.dev/v1alpha1)"
for sub in rollouts/status rollouts/scale; do
  [[ "$raw" == *"\"name\":\"$sub\""* ]] && log "ok: subresource $sub served" || check_fail "subresource $sub not served"
done

new_namespace
for name in rollouts rollout cro cutover rollouts.cutover.dev; do
  kubectl -n "$NS" get "$name" >/dev/null 2>&1 && log "ok: kubectl get $name" || check_fail "kubectl get $name fails"
done
