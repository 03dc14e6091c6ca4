#!/usr/bin/env bash
# The dashboard's two figures in a real browser (Debian's Chromium, headless, playwright-core):
#   - first paint of the Rollout list with N Rollouts (default 1000): from the navigation's start
#     to the moment all N rows are in the page (the stream's snapshot drawn), median of 5 loads;
#   - the update latency: a status change (a merge patch of status.message through
#     `kubectl proxy`, timed from just before the request) to the row showing it, over SSE,
#     median and p95 of 20 changes.
# Goals: under 1 s and under 500 ms. Prints one line.
#
#   scripts/cluster up && bench/dashboard.sh [N]      (CUTOVER_DEPLOY_BIN picks the binary)
# Uses the `bench-dashboard` namespace and deletes it on exit.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count="${1:-1000}"
deploy="${CUTOVER_DEPLOY_BIN:-$repo/build/cli/deploy}"
if [[ -z "${KUBECONFIG:-}" ]]; then eval "$("$repo/scripts/cluster" env)"; fi
"$repo/tests/browser/install"
ns=bench-dashboard
work="$(mktemp -d)"
pids=()
finish() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap finish EXIT
for crd in rollouts migrations flagrollouts analysisruns; do
  kubectl apply --server-side --force-conflicts --field-manager=cutover-bench \
    -f "$repo/operator/config/crd/$crd.cutover.dev.yaml" >/dev/null
done
# A namespace an earlier run left Terminating is waited out.
for _ in $(seq 120); do
  [[ "$(kubectl get namespace "$ns" -o jsonpath='{.status.phase}' 2>/dev/null)" == Terminating ]] || break
  sleep 1
done
kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
python3 - "$count" >"$work/rollouts.json" <<'PY'
import json, sys
items = [{"apiVersion": "cutover.dev/v1alpha1", "kind": "Rollout",
          "metadata": {"name": f"svc-{i:04d}"},
          "spec": {"replicas": 1, "selector": {"matchLabels": {"app": f"svc-{i:04d}"}},
                   "template": {"metadata": {"labels": {"app": f"svc-{i:04d}"}},
                                "spec": {"containers": [{"name": "app", "image": "app:1"}]}},
                   "strategy": {"canary": {"stableService": f"svc-{i:04d}",
                                           "steps": [{"setWeight": 20}, {"pause": {}}]}}}}
         for i in range(int(sys.argv[1]))]
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
PY
kubectl -n "$ns" apply --server-side --field-manager=cutover-bench -f "$work/rollouts.json" >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
proxy="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
setsid "$deploy" dashboard --address "127.0.0.1:$port" >"$work/dashboard.out" 2>"$work/dashboard.log" &
pids+=("$!")
setsid kubectl proxy --port "$proxy" >"$work/proxy.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do
  grep -q 'login?token=' "$work/dashboard.out" 2>/dev/null && curl -sf "http://127.0.0.1:$proxy/version" -o /dev/null && break
  sleep 0.2
done
link="$(grep -o 'http://[^ ]*/login?token=[^ ]*' "$work/dashboard.out")"
LINK="$link" COUNT="$count" NS="$ns" PROXY="http://127.0.0.1:$proxy" \
  PLAYWRIGHT="$repo/tests/browser/node_modules/playwright-core/index.mjs" node "$repo/bench/dashboard.mjs"
