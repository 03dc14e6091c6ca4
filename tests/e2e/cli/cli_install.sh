#!/usr/bin/env bash
# `deploy install` and `deploy uninstall` on the shared cluster, without disturbing the other
# tests: install is checked through --dry-run (its objects parse and match operator/config),
# and the part of uninstall that protects workloads (detaching slot Deployments from their
# Rollout, dropping our finalizer) runs for real on this test's namespace with
# --workloads-only; then deleting the Rollout, as deleting the CRD would, leaves the slot
# Deployment running.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
manifest="$(mktemp)"
tmp="$(mktemp -d)"
on_exit rm -rf "$manifest" "$tmp"

log "install --dry-run: every object parses, in install order"
expect_exit 0 "install --dry-run" install --dry-run
printf '%s\n' "$out" >"$tmp/install.yaml"
names="$(kubectl create --dry-run=client -f "$tmp/install.yaml" -o name | tr '\n' ' ')"
expect_eq "objects" "$names" "namespace/cutover-system \
customresourcedefinition.apiextensions.k8s.io/analysisruns.cutover.dev \
customresourcedefinition.apiextensions.k8s.io/clusterslopolicies.cutover.dev \
customresourcedefinition.apiextensions.k8s.io/flagrollouts.cutover.dev \
customresourcedefinition.apiextensions.k8s.io/migrations.cutover.dev \
customresourcedefinition.apiextensions.k8s.io/rollouts.cutover.dev \
customresourcedefinition.apiextensions.k8s.io/slopolicies.cutover.dev \
serviceaccount/cutover-operator clusterrole.rbac.authorization.k8s.io/cutover-operator \
clusterrolebinding.rbac.authorization.k8s.io/cutover-operator \
role.rbac.authorization.k8s.io/cutover-operator-leader-election \
rolebinding.rbac.authorization.k8s.io/cutover-operator-leader-election \
role.rbac.authorization.k8s.io/cutover-operator-notifications \
rolebinding.rbac.authorization.k8s.io/cutover-operator-notifications \
deployment.apps/cutover-operator "
# The embedded CRD is operator/config's, field for field (plus our part-of label).
kubectl create --dry-run=client -f "$tmp/install.yaml" -o json |
  jq -sS '.[] | select(.metadata.name == "rollouts.cutover.dev") | .spec' >"$tmp/embedded.json"
kubectl create --dry-run=client -f "$repo/operator/config/crd/rollouts.cutover.dev.yaml" -o json |
  jq -S .spec >"$tmp/source.json"
cmp -s "$tmp/embedded.json" "$tmp/source.json" || check_fail "the embedded Rollout CRD differs from operator/config"
# The API server accepts the CRDs as they would be applied (server-side dry run changes nothing).
kubectl create --dry-run=client -f "$tmp/install.yaml" -o json |
  jq -s '{apiVersion: "v1", kind: "List", items: map(select(.kind == "CustomResourceDefinition"))}' >"$tmp/crds.json"
kubectl apply --server-side --force-conflicts --field-manager=deploy --dry-run=server \
  -f "$tmp/crds.json" >/dev/null || check_fail "the API server rejects the embedded CRDs"

expect_exit 0 "install --dry-run --namespaced" install --dry-run --namespaced "$NS" --version 9.9.9
expect_in "--namespace=$NS"
expect_in "--leader-election-namespace=$NS"
expect_in "image: cutover/deploy-operator:9.9.9"
[[ "$out" != *ClusterRole* ]] || check_fail "--namespaced must not grant a ClusterRole"
kinds="$(kubectl create --dry-run=client -f - -o json <<<"$out" | jq -rs 'map(.kind + "/" + (.metadata.namespace // "")) | join(" ")')"
expect_in_text() { [[ "$1" == *"$2"* ]] || check_fail "$3: '$2' not in: $1"; }
expect_in_text "$kinds" "Role/$NS RoleBinding/$NS" "namespaced RBAC"

expect_exit 0 "install --dry-run --dashboard" install --dry-run --dashboard
dashboard_objects="$(kubectl create --dry-run=client -f - -o name <<<"$out" | grep deploy-dashboard | sort | tr '\n' ' ')"
expect_eq "the dashboard's objects" "$dashboard_objects" \
  "clusterrole.rbac.authorization.k8s.io/deploy-dashboard clusterrolebinding.rbac.authorization.k8s.io/deploy-dashboard deployment.apps/deploy-dashboard service/deploy-dashboard serviceaccount/deploy-dashboard "
expect_exit 2 "install --dashboard --namespaced" install --dry-run --dashboard --namespaced "$NS"
expect_in "cluster-scoped TokenReviews and SubjectAccessReviews"
expect_exit 0 "install --dry-run --namespaced (notifications)" install --dry-run --namespaced "$NS"
expect_in "--notifications-namespace=$NS"

log "a Rollout made Healthy by deploy run (no operator)"
write_rollout "$manifest" "web:1" '[{setWeight: 50}, {pause: {duration: 1s}}]'
expect_exit 0 "apply" apply -f "$manifest"
expect_exit 0 "run to Healthy" run web --timeout 60s
expect_eq "owner of web-a" "$(kubectl -n "$NS" get deploy web-a -o jsonpath='{.metadata.ownerReferences[0].kind}')" Rollout
expect_eq "finalizer" "$(ro_field web '.metadata.finalizers[0]')" cutover.dev/restore-services

log "uninstall refuses while Rollouts exist, and says so"
expect_exit 1 "uninstall without --force" uninstall
expect_in "Rollout"
expect_in "--force"
expect_eq "CRD still there" "$(kubectl get crd rollouts.cutover.dev -o name)" \
  customresourcedefinition.apiextensions.k8s.io/rollouts.cutover.dev

log "uninstall --force --dry-run says what it would do and does nothing"
expect_exit 0 "uninstall --force --dry-run" uninstall --force --dry-run
expect_in "would delete Deployment cutover-system/cutover-operator"
expect_in "would detach Deployment $NS/web-a from rollout web (it keeps running)"
expect_in "would remove finalizer cutover.dev/restore-services from rollout $NS/web"
expect_in "would delete CustomResourceDefinition rollouts.cutover.dev"
[[ "$out" != *"featureflags.core.openfeature.dev"* ]] || check_fail "uninstall would touch the FeatureFlag CRD:"$'\n'"$out"
expect_in "dry run: nothing was changed"
expect_eq "owner untouched by the dry run" \
  "$(kubectl -n "$NS" get deploy web-a -o jsonpath='{.metadata.ownerReferences[0].kind}')" Rollout
expect_exit 0 "uninstall --force --keep-crds --dry-run" uninstall --force --keep-crds --dry-run
expect_in "CustomResourceDefinitions kept (--keep-crds)"
[[ "$out" != *"would delete CustomResourceDefinition"* ]] || check_fail "--keep-crds deletes CRDs: $out"

log "uninstall --workloads-only detaches the slot Deployments for real"
expect_exit 0 "uninstall --workloads-only" uninstall --workloads-only
expect_in "Deployment $NS/web-a detached from rollout web: it keeps running"
expect_in "finalizer cutover.dev/restore-services removed"
expect_eq "no ownerReferences left" "$(kubectl -n "$NS" get deploy web-a -o jsonpath='{.metadata.ownerReferences}')" ""
expect_eq "no finalizer left" "$(ro_field web '.metadata.finalizers')" ""

log "the Rollout goes (as with the CRD); its workload stays"
kubectl -n "$NS" delete rollout web --wait=true --timeout=30s >/dev/null || check_fail "rollout not deleted"
sleep 3  # give the garbage collector time to act, were there an owner left
expect_eq "web-a still exists" "$(kubectl -n "$NS" get deploy web-a -o name 2>&1)" deployment.apps/web-a
expect_eq "web-a still available" "$(kubectl -n "$NS" get deploy web-a -o jsonpath='{.status.availableReplicas}')" 2
expect_eq "web-stable still selects slot a" \
  "$(kubectl -n "$NS" get svc web-stable -o jsonpath='{.spec.selector.cutover\.dev/slot}')" a

log "a real install --namespaced --flags, then uninstall (--keep-crds: the other tests use the CRDs)"
# The FeatureFlag CRD is borrowed: installed only when absent, never changed or deleted. Make
# sure it is present (the flags tests may not have run yet) and marked, so a change would show.
kubectl apply --server-side --force-conflicts --field-manager=cutover-e2e \
  -f "$repo/operator/config/flags/crd/featureflags.core.openfeature.dev.yaml" >/dev/null
ff_version="$(kubectl get crd featureflags.core.openfeature.dev -o jsonpath='{.metadata.resourceVersion}')"
expect_exit 0 "install --namespaced --flags" install --namespaced "$NS" --version 9.9.9 --flags
expect_in "CustomResourceDefinition featureflags.core.openfeature.dev present, kept as it is"
expect_eq "deploy-flags Deployment command" "$(kubectl -n cutover-system get deploy cutover-flags \
  -o jsonpath='{.spec.template.spec.containers[0].command[0]} {.spec.template.spec.containers[0].args}')" \
  "/usr/local/bin/deploy-flags [\"--bind-address=0.0.0.0:8016\",\"--metrics-bind-address=0.0.0.0:8014\",\"--namespace=$NS\"]"
expect_eq "deploy-flags RoleBinding in $NS" "$(kubectl -n "$NS" get rolebinding cutover-flags -o jsonpath='{.roleRef.kind}/{.roleRef.name}')" \
  ClusterRole/cutover-flags
expect_eq "operator Deployment image" "$(kubectl -n cutover-system get deploy cutover-operator \
  -o jsonpath='{.spec.template.spec.containers[0].image}')" cutover/deploy-operator:9.9.9
[[ "$(kubectl -n cutover-system get deploy cutover-operator -o jsonpath='{.spec.template.spec.containers[0].args}')" == *"--namespace=$NS"* ]] ||
  check_fail "the installed operator does not watch only $NS"
expect_eq "Role in $NS" "$(kubectl -n "$NS" get role -l app.kubernetes.io/part-of=cutover -o name | wc -l | tr -d ' ')" 1
expect_eq "no ClusterRole of ours" "$(kubectl get clusterrole cutover-operator -o name 2>/dev/null)" ""
wait_for 60 "the installed operator Deployment to have an available replica" bash -c \
  "(( \$(kubectl -n cutover-system get deploy cutover-operator -o jsonpath='{.status.availableReplicas}' || echo 0) >= 1 ))"
expect_exit 0 "install again (idempotent)" install --namespaced "$NS" --version 9.9.9
expect_exit 0 "uninstall --namespaced --keep-crds" uninstall --namespaced "$NS" --keep-crds
expect_in "CustomResourceDefinitions kept (--keep-crds)"
expect_eq "operator Deployment gone" "$(kubectl -n cutover-system get deploy cutover-operator -o name 2>/dev/null)" ""
expect_eq "deploy-flags Deployment gone" "$(kubectl -n cutover-system get deploy cutover-flags -o name 2>/dev/null)" ""
expect_eq "FeatureFlag CRD untouched" \
  "$(kubectl get crd featureflags.core.openfeature.dev -o jsonpath='{.metadata.resourceVersion}')" "$ff_version"
expect_eq "Role gone" "$(kubectl -n "$NS" get role -l app.kubernetes.io/part-of=cutover -o name | wc -l | tr -d ' ')" 0
expect_eq "CRD kept" "$(kubectl get crd rollouts.cutover.dev -o name)" \
  customresourcedefinition.apiextensions.k8s.io/rollouts.cutover.dev
