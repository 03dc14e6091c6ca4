#!/usr/bin/env bash
# `deploy analyze` against the real Prometheus: every measurement is printed and the exit code is
# the verdict: 0 pass, 1 fail, 3 inconclusive (and 2 for a bad policy, in query_error.sh). The
# queries are constant vectors, so the verdicts do not depend on traffic.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tmp="$(mktemp -d)"
on_exit rm -rf "$tmp"

# policy NAME VALUE COUNT: a threshold policy on the constant VALUE (pass < 0.01, fail > 0.5).
policy() {
  cat >"$tmp/$1.yaml" <<YAML
apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata: {name: $1}
spec:
  args:
  - {name: value, value: "$2"}
  metrics:
  - name: constant
    interval: 1s
    count: $3
    threshold:
      query: vector({{args.value}})
      successCondition: result < 0.01
      failureCondition: result > 0.5
YAML
}
# analyze NAME [ARGS...]: runs deploy analyze and prints its exit code; the output is kept.
analyze() {
  local name="$1" code=0
  shift
  "$deploy" analyze --policy "$tmp/$name.yaml" --prometheus "$PROMETHEUS_URL" "$@" \
    >"$tmp/$name.out" 2>&1 || code=$?
  cat "$tmp/$name.out" >&2
  echo "$code"
}

policy pass 0.001 3
expect_eq "exit code of a passing policy (3 measurements)" "$(analyze pass)" 0
expect_eq "measurements printed" "$(grep -c "pass/constant Successful value=0.001" "$tmp/pass.out")" 3

policy fail 0.9 3
expect_eq "exit code of a failing policy" "$(analyze fail --once)" 1
grep -q "fail/constant Failed value=0.9" "$tmp/fail.out" || check_fail "the failed measurement is not printed"
grep -qi "failure condition 'result > 0.5' holds" "$tmp/fail.out" || check_fail "the reason is not printed"

policy middle 0.1 3
expect_eq "exit code of an inconclusive policy" "$(analyze middle --once)" 3
grep -q "middle/constant Inconclusive value=0.1" "$tmp/middle.out" || check_fail "the inconclusive measurement is not printed"

# An argument on the command line overrides the policy's default.
expect_eq "exit code with --arg value=0.9" "$(analyze pass --once --arg value=0.9)" 1
