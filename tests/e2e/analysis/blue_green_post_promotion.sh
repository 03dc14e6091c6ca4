#!/usr/bin/env bash
# (i) A blue-green post-promotion gate fails after the flip: the new revision (error rate 0.5)
# takes the active Service, its gate fails, and the active Service selects the old slot again.
# The old slot keeps every pod while the new one is on trial (sampled throughout), so the flip
# back is instant; the Rollout ends aborted and Degraded, naming the gate, and the AnalysisRun
# keeps the failing measurements.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
# A short gate: first look after 4 s of traffic on the new slot, then every 2 s.
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata: {name: error-rate}
spec:
  noDataTimeout: 20s
  metrics:
  - name: error-rate
    initialDelay: 4s
    interval: 2s
    count: 3
    failureLimit: 0
    threshold:
      query: |
        (sum(rate(http_requests_total{namespace="{{rollout.namespace}}",pod=~"{{rollout.canaryPods}}",code=~"5.."}[10s])) or vector(0))
        /
        sum(rate(http_requests_total{namespace="{{rollout.namespace}}",pod=~"{{rollout.canaryPods}}"}[10s]))
      successCondition: result < 0.1
YAML
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
      postPromotionAnalysis: {policies: [{name: error-rate}]}
YAML
add_target pay-active 100
expect_eq "first revision" "$(run_rollout 2m)" 0
expect_eq "active on a" "$(selector_slot pay-active)" a
expect_eq "stable slot" "$(ro_field web .status.stableSlot)" a

release 2 '{"sim.cutover.dev/error-rate":"0.5"}'
# Sample the active Service's slot and the old slot's size together, in one API call.
samples="$(mktemp)"
on_exit rm -f "$samples"
(
  while true; do
    kubectl -n "$NS" get svc/pay-active deploy/web-a -o jsonpath='{.items[0].spec.selector.cutover\.dev/slot} {.items[1].spec.replicas} {.items[1].status.availableReplicas}{"\n"}' \
      >>"$samples" 2>/dev/null || true  # a failed read must not end the loop (set -e)
    sleep 0.3
  done
) &
sampler=$!
on_exit kill "$sampler"
start=$SECONDS
expect_eq "deploy run exit code" "$(run_rollout 2m)" 1
log "rolled back in $((SECONDS - start)) s"
sleep 1
kill -0 "$sampler" 2>/dev/null || check_fail "the sampler stopped early: the samples prove nothing"
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true

# The traffic: the flip to b happened (or this test proves nothing), and it flipped back to a.
flipped="$(awk '$1 == "b"' "$samples" | wc -l)"
((flipped > 0)) || check_fail "the active Service never selected the new slot b: the post-promotion gate never ran on live traffic"
log "active Service on b in $flipped of $(wc -l <"$samples") samples"
expect_eq "active Service back on a" "$(selector_slot pay-active)" a
expect_eq "last sampled slot" "$(tail -n1 "$samples" | cut -d' ' -f1)" a
# The old slot kept its pods: never below full size from the release's start to the flip back.
shrunk="$(awk '$2 != 2 || $3 != 2' "$samples" | sort | uniq -c)"
expect_eq "samples where old slot a was not 2/2 (spec/available)" "$shrunk" ""
expect_eq "old slot a at full size" "$(spec_replicas web-a)" 2
expect_eq "stable slot" "$(ro_field web .status.stableSlot)" a
expect_eq "stable revision unchanged" "$(ro_field web .status.stableRevision)" \
  "$(kubectl -n "$NS" get deploy web-a -o jsonpath='{.metadata.annotations.cutover\.dev/revision}')"

# The Rollout: aborted, Degraded, and the reason names the gate.
expect_eq "phase" "$(ro_field web .status.phase)" Degraded
expect_eq "aborted" "$(ro_field web .status.abort)" true
reason="$(ro_field web .status.abortReason)"
[[ "$reason" == *"post-promotion"*"failed"* ]] || check_fail "abort reason names the post-promotion gate: $reason"
message="$(ro_field web .status.message)"
[[ "$message" == *"post-promotion"* ]] || check_fail "status message names the post-promotion gate: $message"
kubectl -n "$NS" get events --field-selector reason=AnalysisFailed -o jsonpath='{.items[*].message}' |
  grep -q "post-promotion" || check_fail "no AnalysisFailed event for the post-promotion gate"
kubectl -n "$NS" get events --field-selector reason=ActiveSwitched -o name | grep -q . ||
  check_fail "no ActiveSwitched event (the flip before the gate)"

# The AnalysisRun: Failed, with the failing measurement (the error ratio) recorded.
expect_eq "post-promotion runs" "$(kubectl -n "$NS" get analysisruns -l cutover.dev/gate=post-promotion -o name | wc -l)" 1
expect_eq "run phase" "$(run_field post-promotion .status.phase)" Failed
expect_eq "run revision" "$(run_field post-promotion .spec.revision)" "$(ro_field web .status.currentRevision)"
failed="$(run_field post-promotion '.status.metricResults[0].failed')"
[[ "${failed:-0}" -ge 1 ]] || check_fail "the AnalysisRun records no failed measurement (failed=$failed)"
expect_eq "last measurement phase" "$(run_field post-promotion '.status.metricResults[0].measurements[-1:].phase')" Failed
value="$(run_field post-promotion '.status.metricResults[0].measurements[-1:].value')"
python3 -c "import sys; v=float(sys.argv[1]); sys.exit(0 if 0.3 < v < 0.7 else 1)" "$value" ||
  check_fail "the recorded failing value is the new slot's error ratio (~0.5): $value"
