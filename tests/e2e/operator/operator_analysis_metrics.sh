#!/usr/bin/env bash
# deploy-operator counts its SLO gates on /metrics: a good gated canary (error rate 0) and a bad
# one (0.5) driven by the operator alone leave cutover_analysis_runs_total{result="Successful"}
# and {result="Failed"}, cutover_analysis_measurements_total{phase="Successful"} and
# {phase="Failed"}, and cutover_rollbacks_total{reason="analysis"}, each equal to what the
# AnalysisRun records say. Then a two-metric gate whose metrics disagree in every measurement
# pass (one fails, one succeeds; two passes) must count each measurement under its own
# metric's phase: two Failed and two Successful.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../analysis/lib.sh"
trap 'status=$?; [[ $status -eq 0 && $failures -eq 0 ]] || dump_logs; cleanup "$status"' EXIT
install_crd
new_namespace

# One replica, no leader election; the policies name no address, so the operator's
# --prometheus-url (the world's real Prometheus) is used.
# It runs as its own ServiceAccount under the shipped ClusterRole (tests/e2e/operator/lib.sh).
operator_identity
metrics_port="$(free_port)"
probes_port="$(free_port)"
setsid "$operator_bin" --kubeconfig "$operator_kubeconfig" --namespace "$NS" --leader-elect=false \
  --prometheus-url "$PROMETHEUS_URL" \
  --metrics-bind-address "127.0.0.1:$metrics_port" --health-probe-bind-address "127.0.0.1:$probes_port" \
  >>"$logdir/operator-one.log" 2>&1 &
operator_pid=$!
disown "$operator_pid"  # killed on exit; no job-control notice
on_exit kill -9 "$operator_pid"
wait_for 20 "operator /healthz" curl -sf "http://127.0.0.1:$probes_port/healthz" -o /dev/null

# metric NAME LABEL VALUE: the operator's counter NAME{LABEL="VALUE"}, 0 when absent.
scrape() { curl -sf "http://127.0.0.1:$metrics_port/metrics"; }
metric() {
  scrape | python3 -c '
import re, sys
name, label, value = sys.argv[1:4]
total = 0.0
for line in sys.stdin:
    m = re.match(r"^(\w+)\{(.*)\} (\S+)$", line.strip())
    if m and m.group(1) == name and re.search(r"(^|,)%s=\"%s\"" % (label, re.escape(value)), m.group(2)):
        total += float(m.group(3))
print(int(total))' "$1" "$2" "$3"
}
# recorded FIELD [GATE_SELECTOR]: the sum of FIELD (successful, failed, ...) over every metric of
# every AnalysisRun of the namespace (or those the label selector picks).
recorded() {
  kubectl -n "$NS" get analysisruns ${2:+-l "$2"} -o json | python3 -c '
import json, sys
field = sys.argv[1]
print(sum(r.get(field, 0) for run in json.load(sys.stdin)["items"]
          for r in run.get("status", {}).get("metricResults", [])))' "$1"
}
# runs_in PHASE: AnalysisRuns of the namespace in PHASE.
runs_in() {
  kubectl -n "$NS" get analysisruns -o jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}' | grep -cx "$1" || true
}

error_ratio() {  # error_ratio PODS_TEMPLATE: the 5xx share of those pods over 10 s
  printf '%s' "(sum(rate(http_requests_total{namespace=\"{{rollout.namespace}}\",pod=~\"{{rollout.$1}}\",code=~\"5..\"}[10s])) or vector(0)) / sum(rate(http_requests_total{namespace=\"{{rollout.namespace}}\",pod=~\"{{rollout.$1}}\"}[10s]))"
}
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
      query: '$(error_ratio canaryPods)'
      successCondition: result < 0.1
---
# Two metrics measured together (same initialDelay and interval): the canary's errors fail each
# pass, the stable pods' succeed. failureLimit 1 lets the run take a second pass before it fails.
apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata: {name: canary-and-stable}
spec:
  noDataTimeout: 20s
  metrics:
  - name: canary-errors
    initialDelay: 4s
    interval: 2s
    count: 2
    failureLimit: 1
    threshold:
      query: '$(error_ratio canaryPods)'
      successCondition: result < 0.1
  - name: stable-errors
    initialDelay: 4s
    interval: 2s
    count: 2
    failureLimit: 1
    threshold:
      query: '$(error_ratio stablePods)'
      successCondition: result < 0.1
YAML

# app NAME POLICY: Services NAME, NAME-stable, NAME-canary and a gated canary Rollout NAME.
app() {
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: $1}
spec: {selector: {app: $1}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: $1-stable}
spec: {selector: {app: $1}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: $1-canary}
spec: {selector: {app: $1}, ports: [{port: 80}]}
---
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: $1}
spec:
  replicas: 4
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1, app.kubernetes.io/version: "1"}}
    spec: {containers: [{name: $1, image: "$1:1"}]}
  strategy:
    canary:
      stableService: $1-stable
      canaryService: $1-canary
      scaleDownDelaySeconds: 2
      abortScaleDownDelaySeconds: 0
      steps:
      - setWeight: 50
      - analysis: {policies: [{name: $2}]}
YAML
  add_target "$1" 100
}
# release_app NAME ERROR_RATE: revision 2, whose pods fail ERROR_RATE of their requests.
release_app() {
  kubectl -n "$NS" patch rollout "$1" --type=json -p "[
    {\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"$1:2\"},
    {\"op\":\"replace\",\"path\":\"/spec/template/metadata/labels/app.kubernetes.io~1version\",\"value\":\"2\"},
    {\"op\":\"add\",\"path\":\"/spec/template/metadata/annotations\",\"value\":{\"sim.cutover.dev/error-rate\":\"$2\"}}]" >/dev/null
}
field() { kubectl -n "$NS" get rollout "$1" -o jsonpath="{$2}"; }
# settled NAME PHASE IMAGE: NAME is in PHASE, its template runs IMAGE, and that release has
# finished (its history entry has finishedAt; "result" is already set, to Progressing, while it
# runs). One read, so the phase and the history come from the same version of the object.
settled() {
  [[ "$(kubectl -n "$NS" get rollout "$1" -o jsonpath='{.metadata.generation}/{.status.observedGeneration}/{.status.phase}/{.status.history[-1:].images[0]}/{.status.history[-1:].finishedAt}')" =~ ^([0-9]+)/([0-9]+)/([^/]*)/([^/]*)/(.+)$ ]] &&
    [[ "${BASH_REMATCH[1]}" == "${BASH_REMATCH[2]}" && "${BASH_REMATCH[3]}" == "$2" && "${BASH_REMATCH[4]}" == "$3" ]]
}

app good error-rate
app bad error-rate
app pair canary-and-stable
for name in good bad pair; do
  wait_for 60 "$name: first revision Healthy" settled "$name" Healthy "$name:1"
done

# --- one good and one bad gated canary, at the same time ---------------------------------------
release_app good 0
release_app bad 0.5
start=$SECONDS
wait_for 90 "good: revision 2 Healthy" settled good Healthy good:2
wait_for 90 "bad: rolled back (Degraded)" bash -c "[[ \$(kubectl -n $NS get rollout bad -o jsonpath='{.status.phase}') == Degraded ]]"
log "good and bad gates decided in $((SECONDS - start)) s"
expect_eq "good: step run" "$(kubectl -n "$NS" get analysisruns -l cutover.dev/rollout=good,cutover.dev/gate=step-1 -o jsonpath='{.items[*].status.phase}')" Successful
expect_eq "bad: step run" "$(kubectl -n "$NS" get analysisruns -l cutover.dev/rollout=bad,cutover.dev/gate=step-1 -o jsonpath='{.items[*].status.phase}')" Failed
expect_eq "bad: aborted" "$(field bad .status.abort)" true
# The operator writes a run once more after its verdict at most; let it settle.
sleep 2

runs_ok="$(metric cutover_analysis_runs_total result Successful)"
runs_failed="$(metric cutover_analysis_runs_total result Failed)"
meas_ok="$(metric cutover_analysis_measurements_total phase Successful)"
meas_failed="$(metric cutover_analysis_measurements_total phase Failed)"
rollbacks="$(metric cutover_rollbacks_total reason analysis)"
log "after good+bad: runs ok=$runs_ok failed=$runs_failed; measurements ok=$meas_ok failed=$meas_failed; rollbacks(analysis)=$rollbacks"
((runs_ok >= 1)) || check_fail "cutover_analysis_runs_total{result=\"Successful\"} = $runs_ok, want >= 1"
((runs_failed >= 1)) || check_fail "cutover_analysis_runs_total{result=\"Failed\"} = $runs_failed, want >= 1"
((meas_ok >= 1)) || check_fail "cutover_analysis_measurements_total{phase=\"Successful\"} = $meas_ok, want >= 1"
((meas_failed >= 1)) || check_fail "cutover_analysis_measurements_total{phase=\"Failed\"} = $meas_failed, want >= 1"
((rollbacks >= 1)) || check_fail "cutover_rollbacks_total{reason=\"analysis\"} = $rollbacks, want >= 1"
# Exactly what the records say: one count per run and per measurement, no more, no less.
expect_eq "runs_total{Successful} = Successful AnalysisRuns" "$runs_ok" "$(runs_in Successful)"
expect_eq "runs_total{Failed} = Failed AnalysisRuns" "$runs_failed" "$(runs_in Failed)"
expect_eq "measurements_total{Successful} = recorded successful measurements" "$meas_ok" "$(recorded successful)"
expect_eq "measurements_total{Failed} = recorded failed measurements" "$meas_failed" "$(recorded failed)"
expect_eq "rollbacks_total{analysis} = aborted releases" "$rollbacks" 1
for reason in manual crash-loop progress-deadline; do
  expect_eq "rollbacks_total{$reason}" "$(metric cutover_rollbacks_total reason "$reason")" 0
done

# --- one pass, two metrics, two verdicts ----------------------------------------------------------
base_ok="$meas_ok" base_failed="$meas_failed" base_runs_failed="$runs_failed"
release_app pair 0.5
wait_for 90 "pair: rolled back (Degraded)" bash -c "[[ \$(kubectl -n $NS get rollout pair -o jsonpath='{.status.phase}') == Degraded ]]"
sleep 2
sel=cutover.dev/rollout=pair,cutover.dev/gate=step-1
expect_eq "pair: run phase" "$(kubectl -n "$NS" get analysisruns -l "$sel" -o jsonpath='{.items[*].status.phase}')" Failed
# The premise: both metrics were measured twice, in the same two passes, and disagreed each time.
passes="$(kubectl -n "$NS" get analysisruns -l "$sel" -o json | python3 -c '
import json, sys
run = json.load(sys.stdin)["items"][0]
by = {r["name"].split("/")[-1]: r.get("measurements", []) for r in run["status"]["metricResults"]}  # policy/metric
c, s = by.get("canary-errors", []), by.get("stable-errors", [])
print(" ".join("%s/%s@%s" % (a["phase"], b["phase"], "same" if a["finishedAt"] == b["finishedAt"] else "apart")
               for a, b in zip(c, s)), "(%d,%d)" % (len(c), len(s)))')"
expect_eq "pair: measurements per pass (canary/stable)" "$passes" "Failed/Successful@same Failed/Successful@same (2,2)"
delta_ok=$(($(metric cutover_analysis_measurements_total phase Successful) - base_ok))
delta_failed=$(($(metric cutover_analysis_measurements_total phase Failed) - base_failed))
log "pair: measurements counted: $delta_failed Failed, $delta_ok Successful"
expect_eq "pair: Failed measurements counted (canary-errors, 2 passes)" "$delta_failed" "$(recorded failed "$sel")"
expect_eq "pair: Successful measurements counted (stable-errors, 2 passes)" "$delta_ok" "$(recorded successful "$sel")"
expect_eq "pair: recorded failed" "$(recorded failed "$sel")" 2
expect_eq "pair: recorded successful" "$(recorded successful "$sel")" 2
expect_eq "pair: runs_total{Failed} +1" "$(($(metric cutover_analysis_runs_total result Failed) - base_runs_failed))" 1
expect_eq "pair: rollbacks_total{analysis}" "$(metric cutover_rollbacks_total reason analysis)" 2
