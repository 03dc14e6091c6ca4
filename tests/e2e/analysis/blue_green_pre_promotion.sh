#!/usr/bin/env bash
# (f) A blue-green pre-promotion gate fails on a bad preview (error rate 0.2): the release is
# aborted and the active Service never leaves the old slot.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
install_policies
kubectl -n "$NS" apply -f "$repo/examples/blue-green/services.yaml" >/dev/null
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: pay}}
  template:
    metadata: {labels: {app: pay, app.kubernetes.io/version: "1"}}
    spec: {containers: [{name: pay, image: "pay:1"}]}
  strategy:
    blueGreen:
      activeService: pay-active
      previewService: pay-preview
      autoPromotionEnabled: true
      scaleDownDelaySeconds: 2
      abortScaleDownDelaySeconds: 0
      prePromotionAnalysis: {policies: [{name: http-error-rate}]}
YAML
add_target pay-active 50
add_target pay-preview 100
expect_eq "first revision" "$(run_rollout 2m)" 0
expect_eq "active on a" "$(selector_slot pay-active)" a

release 2 '{"sim.cutover.dev/error-rate":"0.2"}'
watch_log="$(mktemp)"
on_exit rm -f "$watch_log"
( while true; do selector_slot pay-active >>"$watch_log"; echo >>"$watch_log"; sleep 0.3; done ) &
on_exit kill $!
expect_eq "deploy run exit code" "$(run_rollout 3m)" 1
expect_eq "run phase" "$(run_field pre-promotion .status.phase)" Failed
expect_eq "active still on a" "$(selector_slot pay-active)" a
grep -q b "$watch_log" && check_fail "the active Service pointed at the bad slot at some moment"
expect_eq "phase" "$(ro_field web .status.phase)" Degraded
