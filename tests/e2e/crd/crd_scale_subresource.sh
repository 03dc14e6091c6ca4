#!/usr/bin/env bash
# (d) `kubectl scale cro/x` goes through the scale subresource to .spec.replicas; the Scale
# object reports .status.replicas and the .status.selector the operator writes (what an HPA
# reads). Also: .status is a subresource, so a write to the main resource cannot change it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace

r=web-canary
kubectl -n "$NS" apply -f "$testdata/canary.yaml" >/dev/null
scale_url="/apis/cutover.dev/v1alpha1/namespaces/$NS/rollouts/$r/scale"
gen0="$(ro_field $r .metadata.generation)"

kubectl -n "$NS" scale "cro/$r" --replicas=5 >/dev/null || fail "kubectl scale cro/$r failed"
expect_eq ".spec.replicas after kubectl scale" "$(ro_field $r .spec.replicas)" 5
expect_eq ".metadata.generation after kubectl scale" "$(ro_field $r .metadata.generation)" "$((gen0 + 1))"

# The operator writes the selector and the replica count through the status subresource.
kubectl -n "$NS" patch rollout "$r" --subresource=status --type merge \
  -p '{"status":{"selector":"app=web-canary","replicas":2}}' >/dev/null ||
  fail "patch through the status subresource failed"
scale="$(kubectl get --raw "$scale_url")" || fail "GET $scale_url failed"
log "scale: $scale"
[[ "$scale" == *'"kind":"Scale"'* ]] || check_fail "not a Scale object: $scale"
[[ "$scale" == *'"spec":{"replicas":5}'* ]] || check_fail "Scale spec.replicas is not 5: $scale"
[[ "$scale" == *'"status":{"replicas":2,"selector":"app=web-canary"}'* ]] ||
  check_fail "Scale status does not carry replicas 2 and selector app=web-canary: $scale"

# kubectl scale with a precondition uses the same subresource.
kubectl -n "$NS" scale "cro/$r" --current-replicas=5 --replicas=0 >/dev/null ||
  fail "kubectl scale --current-replicas=5 --replicas=0 failed"
expect_eq ".spec.replicas after scale to 0" "$(ro_field $r .spec.replicas)" 0
if kubectl -n "$NS" scale "cro/$r" --current-replicas=5 --replicas=3 >/dev/null 2>&1; then
  check_fail "kubectl scale with a stale --current-replicas succeeded"
fi
if out="$(kubectl -n "$NS" scale "cro/$r" --replicas=-1 2>&1)"; then
  check_fail "kubectl scale --replicas=-1 succeeded"
else
  log "ok: --replicas=-1 refused: $out"
fi

# Status subresource: a patch of .status on the main resource is ignored...
kubectl -n "$NS" patch rollout "$r" --type merge -p '{"status":{"phase":"Healthy","replicas":9}}' >/dev/null
expect_eq ".status.phase after a main-resource patch" "$(ro_field $r .status.phase)" ""
expect_eq ".status.replicas after a main-resource patch" "$(ro_field $r .status.replicas)" 2
# ...and a spec change through /status is ignored.
kubectl -n "$NS" patch rollout "$r" --subresource=status --type merge -p '{"spec":{"replicas":7}}' >/dev/null
expect_eq ".spec.replicas after a status patch" "$(ro_field $r .spec.replicas)" 0
