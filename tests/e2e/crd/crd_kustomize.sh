#!/usr/bin/env bash
# (f) operator/config renders with `kubectl kustomize`, the API server accepts every object
# (server-side dry run), the manager Deployment is hardened, and the RBAC is least privilege:
# applied for real under throwaway names, a SubjectAccessReview for the operator's
# ServiceAccount answers yes exactly to what the operator needs.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
config="$repo/operator/config"
install_crd
new_namespace
tmp="$(mktemp -d)"
on_exit rm -rf "$tmp"

# 1. The default kustomization renders, with exactly these objects.
kubectl kustomize "$config/default" >"$tmp/default.yaml" || fail "kubectl kustomize operator/config/default failed"
objects="$(kubectl create --dry-run=client -f "$tmp/default.yaml" -o name | sort | tr '\n' ' ')"
expect_eq "rendered objects" "$objects" "clusterrole.rbac.authorization.k8s.io/cutover-operator \
clusterrolebinding.rbac.authorization.k8s.io/cutover-operator \
customresourcedefinition.apiextensions.k8s.io/analysisruns.cutover.dev customresourcedefinition.apiextensions.k8s.io/clusterslopolicies.cutover.dev customresourcedefinition.apiextensions.k8s.io/flagrollouts.cutover.dev customresourcedefinition.apiextensions.k8s.io/migrations.cutover.dev customresourcedefinition.apiextensions.k8s.io/rollouts.cutover.dev customresourcedefinition.apiextensions.k8s.io/slopolicies.cutover.dev deployment.apps/cutover-operator \
namespace/cutover-system role.rbac.authorization.k8s.io/cutover-operator-leader-election \
role.rbac.authorization.k8s.io/cutover-operator-notifications \
rolebinding.rbac.authorization.k8s.io/cutover-operator-leader-election \
rolebinding.rbac.authorization.k8s.io/cutover-operator-notifications serviceaccount/cutover-operator "
namespaces="$(kubectl create --dry-run=client -f "$tmp/default.yaml" -o jsonpath='{.metadata.namespace}{"\n"}' | sort -u | tr '\n' ' ')"
expect_eq "namespaces of namespaced objects" "$namespaces" " cutover-system "

# The dashboard's kustomization renders its five objects.
kubectl kustomize "$config/dashboard" >"$tmp/dashboard.yaml" || fail "kubectl kustomize operator/config/dashboard failed"
expect_eq "the dashboard's objects" "$(kubectl create --dry-run=client -f "$tmp/dashboard.yaml" -o name | sort | tr '\n' ' ')" \
  "clusterrole.rbac.authorization.k8s.io/deploy-dashboard clusterrolebinding.rbac.authorization.k8s.io/deploy-dashboard deployment.apps/deploy-dashboard service/deploy-dashboard serviceaccount/deploy-dashboard "

# 2. The manager Deployment as rendered.
dep() {
  kubectl create --dry-run=client -f "$tmp/default.yaml" -o jsonpath="{.kind}|{$1}{\"\\n\"}" |
    sed -n 's/^Deployment|//p'
}
c='.spec.template.spec.containers[0]'
expect_eq "replicas" "$(dep .spec.replicas)" 2
expect_eq "service account" "$(dep .spec.template.spec.serviceAccountName)" cutover-operator
[[ " $(dep "$c.args[*]") " == *" --leader-elect=true "* ]] || check_fail "args lack --leader-elect=true: $(dep "$c.args[*]")"
expect_eq "liveness probe" "$(dep "$c.livenessProbe.httpGet.path"):$(dep "$c.livenessProbe.httpGet.port")" /healthz:health
expect_eq "readiness probe" "$(dep "$c.readinessProbe.httpGet.path"):$(dep "$c.readinessProbe.httpGet.port")" /readyz:health
expect_eq "ports" "$(dep "$c.ports[*].name")=$(dep "$c.ports[*].containerPort")" "metrics health=8080 8081"
expect_eq "runAsNonRoot" "$(dep .spec.template.spec.securityContext.runAsNonRoot)" true
expect_eq "runAsUser" "$(dep .spec.template.spec.securityContext.runAsUser)" 65532
expect_eq "seccomp" "$(dep .spec.template.spec.securityContext.seccompProfile.type)" RuntimeDefault
expect_eq "readOnlyRootFilesystem" "$(dep "$c.securityContext.readOnlyRootFilesystem")" true
expect_eq "allowPrivilegeEscalation" "$(dep "$c.securityContext.allowPrivilegeEscalation")" false
expect_eq "capabilities dropped" "$(dep "$c.securityContext.capabilities.drop[*]")" ALL
[[ -n "$(dep "$c.resources.requests.cpu")" && -n "$(dep "$c.resources.limits.memory")" ]] ||
  check_fail "resources: requests.cpu or limits.memory missing"

# 3. The API server accepts every rendered object. cutover-system may not exist on this shared
# world and a test must not create it, so an overlay moves the namespaced objects into $NS.
# $NS enforces the "restricted" Pod Security Standard, so a pod template that breaks it
# shows up as a warning.
kubectl label namespace "$NS" pod-security.kubernetes.io/enforce=restricted \
  pod-security.kubernetes.io/warn=restricted >/dev/null
overlay() {
  local dir="$tmp/$1" base="$2"
  shift 2
  mkdir -p "$dir"
  { echo "resources: [$(realpath --relative-to="$dir" "$base")]"; printf '%s\n' "$@"; } >"$dir/kustomization.yaml"
  kubectl kustomize "$dir"
}
overlay default "$config/default" "namespace: $NS" >"$tmp/default-ns.yaml"
if out="$(kubectl apply --dry-run=server -f "$tmp/default-ns.yaml" 2>&1)"; then
  log "ok: server dry run of operator/config/default:"$'\n'"$out"
  [[ "$out" != *PodSecurity* ]] || check_fail "warnings on the server dry run: $out"
else
  check_fail "server dry run of operator/config/default failed: $out"
fi
# The namespaced variant, exactly as its comment says to install it.
kubectl kustomize "$config/rbac/namespaced" | kubectl apply -n "$NS" --dry-run=server -f - >/dev/null ||
  check_fail "server dry run of operator/config/rbac/namespaced failed"

# 4. Least privilege, cluster-wide mode: the rbac folder under throwaway names, applied for real.
sfx="-$(date +%s)-$RANDOM"
overlay rbac "$config/rbac" "namespace: $NS" "nameSuffix: $sfx" >"$tmp/rbac.yaml"
on_exit kubectl delete -f "$tmp/rbac.yaml" --ignore-not-found --wait=false
kubectl apply -f "$tmp/rbac.yaml" >/dev/null || fail "applying the cluster-wide RBAC failed"
sa="system:serviceaccount:$NS:cutover-operator$sfx" sa_ns="$NS"

# can WANT NAMESPACE VERB GROUP/RESOURCE[/SUBRESOURCE]: a SubjectAccessReview for $sa must
# answer WANT. (A SubjectAccessReview needs no discovery, so it also covers the cutover.dev
# kinds whose CRDs other issues add.)
allowed() {
  local ns="$1" verb="$2" gr="$3" group resource sub="" got
  group="${gr%%/*}"
  resource="${gr#*/}"
  if [[ "$resource" == */* ]]; then sub="${resource#*/}"; resource="${resource%%/*}"; fi
  got="$(kubectl create -o jsonpath='{.status.allowed}' -f - <<YAML
apiVersion: authorization.k8s.io/v1
kind: SubjectAccessReview
spec:
  user: "$sa"
  groups: [system:serviceaccounts, "system:serviceaccounts:${sa_ns}", system:authenticated]
  resourceAttributes: {namespace: "$ns", verb: "$verb", group: "$group", resource: "$resource", subresource: "$sub"}
YAML
)" || fail "SubjectAccessReview failed"
  [[ "$got" == true ]]
}
can() {
  local want="$1" got=no
  shift
  allowed "$@" && got=yes
  if [[ "$got" == "$want" ]]; then
    log "ok: $2 $3 -n $1: $got"
  else
    check_fail "$sa: $2 $3 -n $1: got '$got', want '$want'"
  fi
}
# The authorizer sees new bindings after a moment; wait for the first grant.
wait_for 30 "the ClusterRoleBinding to take effect" allowed default watch cutover.dev/rollouts
# Exactly the rules the operator uses (the operator e2e tests run under them and fail on any
# 403); each "no" below is a verb the operator has no use for.
for verb in get list watch patch; do can yes default "$verb" cutover.dev/rollouts; done
can no default update cutover.dev/rollouts
can yes default update cutover.dev/rollouts/status
can yes default patch cutover.dev/rollouts/status
can no default patch cutover.dev/rollouts/scale
can yes default update cutover.dev/rollouts/finalizers
can no default create cutover.dev/rollouts
can no default delete cutover.dev/rollouts
for verb in get list watch create patch; do can yes default "$verb" apps/deployments; done
can no default update apps/deployments
can no default delete apps/deployments
can yes default patch apps/deployments/scale
can no default update apps/deployments/scale
for verb in get list watch patch; do can yes default "$verb" /services; done
can no default update /services
can no default create /services
can no default delete /services
# ReferenceGrants: read only (a route in another namespace needs one to reach the Services).
for verb in list watch; do can yes default "$verb" gateway.networking.k8s.io/referencegrants; done
can no default create gateway.networking.k8s.io/referencegrants
can no default patch gateway.networking.k8s.io/referencegrants
# DestinationRules (istio.destinationRule): one label key of two subsets, by patch; never more.
can yes default patch networking.istio.io/destinationrules
can no default delete networking.istio.io/destinationrules
can yes default create /events
can no default patch /events
can no default create events.k8s.io/events
can no default delete /events
# Nothing built uses ConfigMaps or FeatureFlags yet: no grant for what does not exist.
can no default create /configmaps
can no default get /configmaps
can no default get cutover.dev/featureflags
can yes default watch /pods
can yes default list /pods
can no default get /pods
can no default delete /pods
can no default create /pods
# Get only: the Secrets an SLOPolicy names for Prometheus credentials; never list or watch.
can yes default get /secrets
can no default list /secrets
can no default watch /secrets
can yes default create apps/controllerrevisions
can no default get apps/controllerrevisions
can no default delete apps/controllerrevisions
can yes default create cutover.dev/analysisruns
can yes default list cutover.dev/analysisruns
can yes default watch cutover.dev/analysisruns
can yes default delete cutover.dev/analysisruns
can no default update cutover.dev/analysisruns
can yes default patch cutover.dev/analysisruns/status
can yes default get cutover.dev/clusterslopolicies
can yes default get cutover.dev/slopolicies
can yes default watch cutover.dev/clusterslopolicies
can yes default watch cutover.dev/slopolicies
can no default delete cutover.dev/slopolicies
can no default update cutover.dev/slopolicies
# Leases: the leader's in the operator's namespace (read-write), the run Leases of `deploy
# run` anywhere (read-only).
can yes "$NS" create coordination.k8s.io/leases
can yes "$NS" update coordination.k8s.io/leases
can yes default watch coordination.k8s.io/leases
can no default get coordination.k8s.io/leases
can no default create coordination.k8s.io/leases
can no default update coordination.k8s.io/leases
can no default create rbac.authorization.k8s.io/clusterroles
can no default escalate rbac.authorization.k8s.io/roles
can no default '*' '*/*'

# 5. Least privilege, --namespace mode: the Role in $NS, bound to a stand-in ServiceAccount.
overlay namespaced "$config/rbac/namespaced" "namespace: $NS" \
  "patches: [{target: {kind: RoleBinding}, patch: '[{\"op\": \"replace\", \"path\": \"/subjects/0/namespace\", \"value\": \"$NS\"}, {\"op\": \"replace\", \"path\": \"/subjects/0/name\", \"value\": \"namespaced-operator\"}]'}]" \
  >"$tmp/namespaced.yaml"
kubectl apply -f "$tmp/namespaced.yaml" >/dev/null || fail "applying the namespaced RBAC failed"
sa="system:serviceaccount:$NS:namespaced-operator" sa_ns="$NS"
wait_for 30 "the RoleBinding to take effect" allowed "$NS" watch cutover.dev/rollouts
can yes "$NS" update cutover.dev/rollouts/status
can yes "$NS" create apps/deployments
can yes "$NS" patch apps/deployments/scale
can yes "$NS" watch coordination.k8s.io/leases
can yes "$NS" patch /services
can no "$NS" create /services
can yes "$NS" create coordination.k8s.io/leases
can yes "$NS" create /events
can no default create apps/deployments
can no default watch cutover.dev/rollouts
can no "$NS" list cutover.dev/clusterslopolicies
can yes "$NS" watch cutover.dev/slopolicies
can yes "$NS" watch gateway.networking.k8s.io/referencegrants
can no default watch gateway.networking.k8s.io/referencegrants
can yes "$NS" watch cutover.dev/analysisruns
