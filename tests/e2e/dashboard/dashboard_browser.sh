#!/usr/bin/env bash
# The dashboard in a real headless Chromium (Debian's, driven by playwright-core from npm; no
# browser download): log in with a minted ServiceAccount token, see only the permitted
# namespace, watch a canary advance live (Server-Sent Events, no reload), open its analysis page
# and see the measured values (the real Prometheus, the shipped http-error-rate policy), promote
# (recorded as that user), and a user who may only read gets 403 on promote. Screenshots of
# each step are kept in $CUTOVER_ARTIFACTS/dashboard_browser (default build/artifacts).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../analysis/lib.sh"
"$repo/tests/browser/install"
install_crd
new_namespace
other="$NS-b"
kubectl create namespace "$other" >/dev/null
on_exit kubectl delete namespace "$other" --wait=false
install_policies
kubectl -n "$NS" apply -f "$repo/examples/canary/services.yaml" >/dev/null
rollout() {  # rollout NAMESPACE
  kubectl -n "$1" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 5
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, app.kubernetes.io/version: "1"}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy:
    canary:
      stableService: web-stable
      canaryService: web-canary
      scaleDownDelaySeconds: 2
      steps:
      - setWeight: 20
      - pause: {duration: 3s}
      - setWeight: 40
      - analysis: {policies: [{name: http-error-rate}]}
      - pause: {}
      - setWeight: 80
YAML
}
rollout "$NS"
rollout "$other"
add_target web 100
operator_args=(--prometheus-url "$PROMETHEUS_URL")
start_operator one
wait_for 60 "the first revision Healthy" healthy_on web:1

make_user releaser "$ACT_RULES"; releaser="$token"
make_user reader "$VIEW_RULES"; reader="$token"
start_dashboard main

shots="${CUTOVER_ARTIFACTS:-$repo/build/artifacts}/dashboard_browser"
rm -rf "$shots"
BASE="$base" NS="$NS" OTHER_NS="$other" RELEASER="$releaser" READER="$reader" SHOTS="$shots" \
  RELEASE="$(printf 'kubectl -n %q patch rollouts.cutover.dev web --type=json -p %q' "$NS" \
    '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"web:2"},{"op":"replace","path":"/spec/template/metadata/labels/app.kubernetes.io~1version","value":"2"},{"op":"add","path":"/spec/template/metadata/annotations","value":{"sim.cutover.dev/error-rate":"0.004"}}]')" \
  NODE_PATH="$repo/tests/browser/node_modules" node "$repo/tests/browser/dashboard.mjs" ||
  fail "the browser test failed (screenshots in $shots)"

wait_for 60 "the release Healthy after the promote" healthy_on web:2
# status.promotedBy moves into the release's history entry when it ends.
expect_eq "who promoted, in the history" "$(ro_field web '.status.history[-1:].reason')" \
  "promoted by system:serviceaccount:$NS:releaser via the dashboard"
log "screenshots: $(ls "$shots" | tr '\n' ' ')"
[[ $failures -eq 0 ]]
