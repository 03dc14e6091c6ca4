#!/usr/bin/env bash
# (g) A PromQL syntax error in a policy is a clear error: on the Rollout's status (the release
# aborts at once, the message quotes Prometheus' parse error) and from `deploy analyze`
# (exit 2). A valid policy run with `deploy analyze --once` prints its measurement and passes.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
policy="$(mktemp --suffix=.yaml)"
on_exit rm -f "$policy"
cat >"$policy" <<'YAML'
apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata: {name: broken}
spec:
  metrics:
  - name: error-rate
    interval: 5s
    threshold:
      query: sum(rate(http_requests_total{namespace="{{rollout.namespace}}"}[1m])
      successCondition: result < 0.01
YAML
kubectl -n "$NS" apply -f "$policy" >/dev/null
canary_rollout "      - analysis: {policies: [{name: broken}]}"
add_target web 50
expect_eq "first revision" "$(run_rollout 2m)" 0
release 2 '{}'
start=$SECONDS
expect_eq "deploy run exit code" "$(run_rollout 2m)" 1
log "aborted after $((SECONDS - start)) s"
reason="$(ro_field web .status.abortReason)"
log "abort reason: $reason"
[[ "$reason" == *bad_data* && "$reason" == *"parse error"* ]] ||
  check_fail "the Rollout's abort reason does not quote the parse error"
expect_eq "run phase" "$(run_field step-1 .status.phase)" Error

out="$(mktemp)"
on_exit rm -f "$out"
code=0
"$deploy" analyze --policy "$policy" --prometheus "$PROMETHEUS_URL" --once \
  --arg rollout.namespace="$NS" >"$out" 2>&1 || code=$?
cat "$out" >&2
expect_eq "deploy analyze exit code on a syntax error" "$code" 2
grep -q "parse error" "$out" || check_fail "deploy analyze does not show the parse error"

code=0
"$deploy" analyze --policy "$repo/policies/http-error-rate.yaml" --prometheus "$PROMETHEUS_URL" \
  --once --arg rollout.name=web --arg rollout.namespace="$NS" --arg rollout.canarySlot=a \
  >"$out" 2>&1 || code=$?
cat "$out" >&2
expect_eq "deploy analyze exit code on a healthy slot" "$code" 0
grep -q "http-error-rate/error-rate Successful value=" "$out" ||
  check_fail "deploy analyze does not print the measurement"
