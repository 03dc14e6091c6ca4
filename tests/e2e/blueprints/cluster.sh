#!/usr/bin/env bash
# Both shipped blueprints on the real local cluster (issue 7: "the generated Rollout and SLO
# files pass `deploy lint` and apply to the local cluster, where the Rollout reaches Healthy"):
# `deploy new` cpp-service and nestjs-service into the test namespace, `deploy lint` their
# deploy/*.yaml, `kubectl apply` the Services, SLO policies and Rollout, and wait for each
# Rollout to be Healthy under a deploy-operator. The kubelet stand-in reports pods Ready
# whatever the image, and a first deployment runs no steps, so no image and no Prometheus are
# needed.
source "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"
install_crd
new_namespace
start_operator one
work="$(mktemp -d)"
on_exit rm -rf "$work"

# NAME -> blueprint. Both share the namespace (and the SLOPolicies, which are the library's).
declare -A blueprint_of=([cpp-svc]=cpp-service [nest-svc]=nestjs-service)
services=(cpp-svc nest-svc)

for name in "${services[@]}"; do
  expect_exit 0 "deploy new ${blueprint_of[$name]} $name" new "${blueprint_of[$name]}" "$name" \
    --no-input --no-git --set "namespace=$NS" --output "$work/$name"
  expect_in "created $work/$name"
  [[ -f "$work/$name/deploy/rollout.yaml" ]] || fail "$name: no deploy/rollout.yaml was generated"
  # As the generated workflow and README run it: from the service's folder, over deploy/*.yaml.
  out="$(cd "$work/$name" && d lint deploy/*.yaml 2>&1)" && code=0 || code=$?
  expect_eq "$name: deploy lint deploy/*.yaml exit" "$code" 0
  [[ "$out" == *"0 errors, 0 warnings"* ]] || check_fail "$name: deploy lint is not clean: $out"
  # Services and policies first: the Rollout names both.
  kubectl apply -n "$NS" -f "$work/$name/deploy/service.yaml" -f "$work/$name/deploy/slo-policies.yaml" \
    >/dev/null || fail "$name: kubectl apply of the Services and SLO policies failed"
  kubectl apply -n "$NS" -f "$work/$name/deploy/rollout.yaml" >/dev/null ||
    fail "$name: kubectl apply of the Rollout failed"
  log "$name applied"
done
for policy in http-error-rate http-latency-p99 latency-vs-baseline; do
  kubectl -n "$NS" get slopolicy "$policy" -o name >/dev/null 2>&1 ||
    check_fail "SLOPolicy $policy was not created"
done

# One deadline for both (the test's CTest timeout is 180 s). On a timeout, show where each
# Rollout stands before failing (the EXIT trap adds the operator's log).
deadline=$((SECONDS + 120))
for name in "${services[@]}"; do
  until [[ "$(ro_field "$name" .status.phase 2>/dev/null)" == Healthy ]]; do
    if ((SECONDS >= deadline)); then
      kubectl -n "$NS" get rollouts,deployments,pods -o wide >&2 || true
      kubectl -n "$NS" get rollout "$name" -o jsonpath='{.status}' >&2 || true
      echo >&2
      fail "$name never reached Healthy (phase '$(ro_field "$name" .status.phase 2>/dev/null)')"
    fi
    sleep 1
  done
  log "$name is Healthy"
done

for name in "${services[@]}"; do
  replicas="$(ro_field "$name" .spec.replicas)"
  expect_eq "$name: stable slot" "$(ro_field "$name" .status.stableSlot)" a
  expect_eq "$name: slot a available" \
    "$(kubectl -n "$NS" get deploy "$name-a" -o jsonpath='{.status.availableReplicas}')" "$replicas"
  expect_eq "$name: first revision promoted" "$(ro_field "$name" '.status.history[-1:].result')" Promoted
  expect_eq "$name: image" "$(ro_field "$name" '.status.history[-1:].images[0]')" \
    "registry.example.com/$name:0.1.0"
  # Cutover pins the stable and canary Services to the stable slot; the main one stays as is.
  for service in "$name-stable" "$name-canary"; do
    expect_eq "$service selector slot" \
      "$(kubectl -n "$NS" get svc "$service" -o jsonpath='{.spec.selector.cutover\.dev/slot}')" a
  done
  expect_eq "$name selector untouched" \
    "$(kubectl -n "$NS" get svc "$name" -o jsonpath='{.spec.selector.cutover\.dev/slot}')" ""
  expect_exit 0 "deploy status $name" status "$name"
  expect_in "Healthy"
done
