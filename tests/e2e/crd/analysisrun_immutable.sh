#!/usr/bin/env bash
# (g) AnalysisRuns are audit records (ARCHITECTURE.md): the CEL rules of the AnalysisRun CRD make
# the real API server refuse any change to a run's spec, and any change to its status once the
# phase is final, while an unfinished run's status stays writable through the status subresource.
# Every refusal is checked twice: the message is the CRD's, and the stored object is unchanged.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace

spec_msg="an AnalysisRun's spec is immutable: it records what was measured"
status_msg="a finished AnalysisRun is an audit record and cannot change"

# new_run NAME: a schema-valid AnalysisRun with no status, as the operator creates it.
new_run() {
  kubectl -n "$NS" create -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: AnalysisRun
metadata:
  name: $1
  labels: {cutover.dev/rollout: web, cutover.dev/gate: step-1}
spec:
  rollout: web
  revision: "1"
  gate: step-1
  policies: [http-error-rate]
  noDataTimeout: 1m
  measurementRetention: 100
  metrics:
  - name: error-rate
    policy: http-error-rate
    interval: 5s
    count: 3
    threshold: {query: "vector(0)", successCondition: "result < 0.01"}
YAML
}

ar_json() { kubectl -n "$NS" get analysisrun "$1" -o json | python3 -c "
import json, sys
o = json.load(sys.stdin)
print(json.dumps(o.get('$2'), sort_keys=True))"; }

# status_patch NAME TYPE PATCH: a patch of the status subresource, as the operator writes it.
status_patch() { kubectl -n "$NS" patch analysisrun "$1" --subresource=status --type "$2" -p "$3" 2>&1; }

# refused CASE WANT PART NAME COMMAND...: COMMAND must fail with WANT in its output and leave
# .PART (spec or status) of run NAME as it was.
refused() {
  local case="$1" want="$2" part="$3" name="$4" before after out
  shift 4
  before="$(ar_json "$name" "$part")"
  if out="$("$@" 2>&1)"; then
    check_fail "$case: accepted, want the CEL rejection '$want' (now $part=$(ar_json "$name" "$part"))"
    return
  fi
  after="$(ar_json "$name" "$part")"
  if [[ "$out" != *"$want"* ]]; then
    check_fail "$case: rejected, but not by the CRD's rule: $out"
  elif [[ "$after" != "$before" ]]; then
    check_fail "$case: rejected, yet $part changed: $before -> $after"
  else
    log "ok: $case refused: ${out#*is invalid: }"
  fi
}

# accepted CASE COMMAND...: COMMAND must succeed.
accepted() {
  local case="$1" out
  shift
  if out="$("$@" 2>&1)"; then log "ok: $case accepted"; else check_fail "$case: refused: $out"; fi
}

new_run run || fail "a schema-valid AnalysisRun was refused: the cases below would prove nothing"

# --- the spec ----------------------------------------------------------------------------------
# Control: the object itself can be edited (metadata), so a refusal below comes from the rule.
accepted "a label edit (metadata, not spec)" \
  kubectl -n "$NS" label analysisrun run audited=yes
refused "spec.revision edit" "$spec_msg" spec run \
  kubectl -n "$NS" patch analysisrun run --type merge -p '{"spec":{"revision":"2"}}'
refused "spec.metrics[0].threshold.successCondition edit" "$spec_msg" spec run \
  kubectl -n "$NS" patch analysisrun run --type json \
  -p '[{"op":"replace","path":"/spec/metrics/0/threshold/successCondition","value":"result < 1"}]'
refused "a metric added to spec.metrics" "$spec_msg" spec run \
  kubectl -n "$NS" patch analysisrun run --type json \
  -p '[{"op":"add","path":"/spec/metrics/-","value":{"name":"more","threshold":{"query":"vector(1)"}}}]'
refused "a new spec field (spec.error)" "$spec_msg" spec run \
  kubectl -n "$NS" patch analysisrun run --type merge -p '{"spec":{"error":"never measured"}}'
# Removing the whole record of what was measured is the biggest change of all (on a run of its
# own, so that a hole here cannot hide the cases below).
new_run spec-removal || fail "could not create spec-removal"
refused "removing spec" "$spec_msg" spec spec-removal \
  kubectl -n "$NS" patch analysisrun spec-removal --type json -p '[{"op":"remove","path":"/spec"}]'

# --- the status of an unfinished run ----------------------------------------------------------
now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
measurement() { printf '{"startedAt":"%s","finishedAt":"%s","phase":"%s","value":"%s"}' "$now" "$now" "$1" "$2"; }
accepted "status -> Pending" \
  status_patch run merge "{\"status\":{\"phase\":\"Pending\",\"message\":\"Pending\"}}"
accepted "status Pending -> Running" \
  status_patch run merge "{\"status\":{\"phase\":\"Running\",\"startedAt\":\"$now\",\"message\":\"Running\"}}"
accepted "a Running run records a measurement" status_patch run merge "{\"status\":{
  \"metricResults\":[{\"name\":\"error-rate\",\"phase\":\"Running\",\"count\":1,\"successful\":1,
  \"measurements\":[$(measurement Successful 0.001)]}]}}"
accepted "a Running run records a second measurement" status_patch run merge "{\"status\":{
  \"metricResults\":[{\"name\":\"error-rate\",\"phase\":\"Running\",\"count\":2,\"successful\":1,\"failed\":1,
  \"measurements\":[$(measurement Successful 0.001),$(measurement Failed 0.2)]}]}}"
expect_eq "the Running run's stored failed count" \
  "$(kubectl -n "$NS" get analysisrun run -o jsonpath='{.status.metricResults[0].failed}')" 1
# The status subresource is the only way in: status sent to the main resource is dropped.
kubectl -n "$NS" patch analysisrun run --type merge -p '{"status":{"phase":"Successful"}}' >/dev/null 2>&1 || true
expect_eq "status through the main resource ignored" \
  "$(kubectl -n "$NS" get analysisrun run -o jsonpath='{.status.phase}')" Running

# --- finishing, then frozen ---------------------------------------------------------------------
accepted "status Running -> Failed (the verdict itself)" status_patch run merge "{\"status\":{
  \"phase\":\"Failed\",\"message\":\"Failed: error-rate failed\",\"finishedAt\":\"$now\",
  \"metricResults\":[{\"name\":\"error-rate\",\"phase\":\"Failed\",\"count\":2,\"successful\":1,\"failed\":1,
  \"measurements\":[$(measurement Successful 0.001),$(measurement Failed 0.2)]}]}}"
expect_eq "the verdict is stored" "$(kubectl -n "$NS" get analysisrun run -o jsonpath='{.status.phase}')" Failed
refused "finished run: message edit" "$status_msg" status run \
  status_patch run merge '{"status":{"message":"all good"}}'
refused "finished run: Failed -> Successful" "$status_msg" status run \
  status_patch run merge '{"status":{"phase":"Successful"}}'
refused "finished run: back to Running" "$status_msg" status run \
  status_patch run merge '{"status":{"phase":"Running"}}'
refused "finished run: a measurement rewritten" "$status_msg" status run \
  status_patch run json '[{"op":"replace","path":"/status/metricResults/0/measurements/1/value","value":"0.0"}]'
refused "finished run: finishedAt edit" "$status_msg" status run \
  status_patch run merge '{"status":{"finishedAt":"2000-01-01T00:00:00Z"}}'
# The spec rule still holds on a finished run.
refused "finished run: spec edit" "$spec_msg" spec run \
  kubectl -n "$NS" patch analysisrun run --type merge -p '{"spec":{"gate":"step-2"}}'
# Wiping the verdict is a change too (last: if it is let through, the run has no status left).
refused "finished run: status removed" "$status_msg" status run \
  status_patch run json '[{"op":"remove","path":"/status"}]'

# --- every final phase freezes, no non-final one does --------------------------------------------
for phase in Successful Inconclusive Error Terminated; do
  name="final-${phase,,}"
  new_run "$name" || fail "could not create $name"
  status_patch "$name" merge '{"status":{"phase":"Running"}}' >/dev/null || check_fail "$name: Running refused"
  status_patch "$name" merge "{\"status\":{\"phase\":\"$phase\",\"message\":\"$phase\"}}" >/dev/null ||
    check_fail "$name: Running -> $phase refused"
  refused "$phase run: message edit" "$status_msg" status "$name" \
    status_patch "$name" merge '{"status":{"message":"edited"}}'
done
# A Pending run (not final) is still the controller's to write.
new_run pending || fail "could not create pending"
accepted "Pending run: status written" status_patch pending merge '{"status":{"phase":"Pending"}}'
accepted "Pending run: message edit" status_patch pending merge '{"status":{"message":"waiting for data"}}'
accepted "Pending run: -> Running" status_patch pending merge '{"status":{"phase":"Running"}}'
