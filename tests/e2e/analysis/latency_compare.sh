#!/usr/bin/env bash
# (c) A latency regression (stable 50 ms, canary 120 ms mean) is caught by the compare judge
# (latency-vs-baseline) while a loose 500 ms p99 threshold (http-latency-p99) in the same gate
# passes it; then an equal-latency canary passes the compare judge and is promoted.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
install_policies
canary_rollout "      - analysis:
          policies: [{name: http-latency-p99}, {name: latency-vs-baseline}]"
kubectl -n "$NS" patch rollout web --type=merge \
  -p '{"spec":{"template":{"metadata":{"annotations":{"sim.cutover.dev/latency-ms":"50"}}}}}' >/dev/null
add_target web 100
expect_eq "first revision" "$(run_rollout 2m)" 0

log "canary at 120 ms against a 50 ms baseline"
release 2 '{"sim.cutover.dev/latency-ms":"120"}'
expect_eq "deploy run exit code" "$(run_rollout 4m)" 1
expect_eq "run phase" "$(run_field step-1 .status.phase)" Failed
results="$(run_field step-1 '.status.metricResults')"
python3 - "$results" <<'PY' || check_fail "metric results: $results"
import json, sys
r = {m["name"]: m for m in json.loads(sys.argv[1])}
p99 = r["http-latency-p99/latency-p99"]
cmp = r["latency-vs-baseline/mean-latency"]
assert p99["failed"] == 0 and p99["successful"] >= 1, ("threshold", p99)
assert cmp["phase"] == "Failed" and cmp["failed"] >= 1, ("compare", cmp)
last = cmp["measurements"][-1]
assert "higher" in last.get("message", "") or "High" in last.get("message", ""), last
ratio = float(last["value"].split("meanRatio=")[1].split()[0])
assert 1.8 < ratio < 3.0, ratio
print("p99 passed %d times; compare failed with mean ratio %.2f" % (p99["successful"], ratio), file=sys.stderr)
PY
expect_eq "web-stable on stable" "$(selector_slot web-stable)" a

log "canary at 50 ms: equal latency passes"
release 3 '{"sim.cutover.dev/latency-ms":"50"}'
expect_eq "deploy run exit code" "$(run_rollout 4m)" 0
expect_eq "phase" "$(ro_field web .status.phase)" Healthy
expect_eq "run phase" "$(run_field step-1 .status.phase)" Successful
