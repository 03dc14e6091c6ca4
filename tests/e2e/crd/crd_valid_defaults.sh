#!/usr/bin/env bash
# (b) The canary and blue-green examples in testdata/ are accepted as written, and the API
# server fills the defaults the planner relies on.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace

kubectl -n "$NS" apply -f "$testdata/canary.yaml" >/dev/null || fail "valid canary Rollout rejected"
kubectl -n "$NS" apply -f "$testdata/blue-green.yaml" >/dev/null || fail "valid blue-green Rollout rejected"

# Canary: nothing but the strategy given, so every default shows.
c=web-canary
expect_eq "canary spec.replicas" "$(ro_field $c .spec.replicas)" 1
expect_eq "canary spec.progressDeadlineSeconds" "$(ro_field $c .spec.progressDeadlineSeconds)" 600
expect_eq "canary spec.progressDeadlineAbort" "$(ro_field $c .spec.progressDeadlineAbort)" false
expect_eq "canary spec.revisionHistoryLimit" "$(ro_field $c .spec.revisionHistoryLimit)" 10
expect_eq "canary scaleDownDelaySeconds" "$(ro_field $c .spec.strategy.canary.scaleDownDelaySeconds)" 30
expect_eq "canary abortScaleDownDelaySeconds" "$(ro_field $c .spec.strategy.canary.abortScaleDownDelaySeconds)" 30
# The steps survive as written (int-or-string durations, empty pause, opaque analysis).
expect_eq "canary step count" "$(ro_field $c '.spec.strategy.canary.steps[*]' | wc -w)" 10
expect_eq "canary manual pause" "$(ro_field $c '.spec.strategy.canary.steps[1].pause')" "{}"
expect_eq "canary pause 30s" "$(ro_field $c '.spec.strategy.canary.steps[4].pause.duration')" 30s
expect_eq "canary pause 45" "$(ro_field $c '.spec.strategy.canary.steps[6].pause.duration')" 45
expect_eq "canary pause 1m30s" "$(ro_field $c '.spec.strategy.canary.steps[7].pause.duration')" 1m30s
expect_eq "canary analysis kept" \
  "$(ro_field $c '.spec.strategy.canary.steps[8].analysis.policies[0].name')" http-error-rate
expect_eq "canary maxSurge" "$(ro_field $c .spec.strategy.canary.maxSurge)" "25%"
# The pod template is preserved whole, annotations included.
expect_eq "canary template image" "$(ro_field $c '.spec.template.spec.containers[0].image')" example.com/web:1
expect_eq "canary git-sha annotation" \
  "$(ro_field $c '.spec.template.metadata.annotations.cutover\.dev/git-sha')" 3f2c1e0

# Blue-green: replicas given (3) stays; the blue-green defaults fill.
b=web-bluegreen
expect_eq "blue-green spec.replicas" "$(ro_field $b .spec.replicas)" 3
expect_eq "blue-green spec.progressDeadlineSeconds" "$(ro_field $b .spec.progressDeadlineSeconds)" 600
expect_eq "blue-green scaleDownDelaySeconds" "$(ro_field $b .spec.strategy.blueGreen.scaleDownDelaySeconds)" 30
expect_eq "blue-green abortScaleDownDelaySeconds" \
  "$(ro_field $b .spec.strategy.blueGreen.abortScaleDownDelaySeconds)" 30
expect_eq "blue-green autoPromotionEnabled (given false)" \
  "$(ro_field $b .spec.strategy.blueGreen.autoPromotionEnabled)" false
expect_eq "blue-green previewReplicaCount" "$(ro_field $b .spec.strategy.blueGreen.previewReplicaCount)" 1

# workloadRef: adopting a Deployment instead of a template; its defaults fill too.
kubectl -n "$NS" apply -f - >/dev/null <<'YAML' || fail "valid workloadRef Rollout rejected"
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: adopt}
spec:
  workloadRef: {name: legacy}
  strategy:
    blueGreen: {activeService: legacy}
YAML
expect_eq "workloadRef.scaleDown" "$(ro_field adopt .spec.workloadRef.scaleDown)" never
expect_eq "workloadRef.kind" "$(ro_field adopt .spec.workloadRef.kind)" Deployment
expect_eq "workloadRef.apiVersion" "$(ro_field adopt .spec.workloadRef.apiVersion)" apps/v1
expect_eq "blue-green autoPromotionEnabled (default)" \
  "$(ro_field adopt .spec.strategy.blueGreen.autoPromotionEnabled)" true
