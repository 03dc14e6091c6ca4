#!/usr/bin/env bash
# The cpp-service blueprint end to end: `deploy new`, lint (deploy lint, actionlint), the
# conditional files, then configure, build (-Werror) and unit-test the generated project, run
# it on a free 127.0.0.1 port, check /healthz, /readyz and /metrics, and stop it with SIGTERM.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out="$work/demo-svc"
verbatim='src/|test/|deploy/slo-policies.yaml'

step "deploy new cpp-service demo-svc"
generate cpp-service "$out"
check_rendered "$out" "$verbatim"
check_policies "$out"
[[ ! -e "$out/deploy/ingress.yaml" ]] || fail "deploy/ingress.yaml generated without ingress=true"
grep -q 'name: latency-vs-baseline' "$out/deploy/rollout.yaml" || fail "baselineGate=true lost its gate"
lint "$out"

step "variants: ingress=true, baselineGate=false"
generate cpp-service "$work/variant" --set ingress=true --set baselineGate=false
[[ -f "$work/variant/deploy/ingress.yaml" ]] || fail "ingress=true did not generate deploy/ingress.yaml"
! grep -q 'latency-vs-baseline' "$work/variant/deploy/rollout.yaml" ||
  fail "baselineGate=false kept the latency-vs-baseline gate"
check_rendered "$work/variant" "$verbatim"
lint "$work/variant"

step "cmake configure"
cmake -S "$out" -B "$out/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWERROR=ON >"$work/configure.log" ||
  { cat "$work/configure.log" >&2; fail "cmake configure"; }
step "cmake build (-j1)"
started=$SECONDS
cmake --build "$out/build" -j1 || fail "cmake --build"
echo "built in $((SECONDS - started)) s"
step "ctest"
ctest --test-dir "$out/build" --output-on-failure || fail "ctest"

step "run, probe, SIGTERM"
port="$(free_port)"
start_service "$work/service.log" env HOST=127.0.0.1 PORT="$port" "$out/build/demo-svc"
wait_ready "http://127.0.0.1:$port/healthz" "$work/service.log"
check_endpoints "http://127.0.0.1:$port"
stop_service "$work/service.log"
grep -q '"msg":"stopped"' "$work/service.log" || fail "no 'stopped' log line"
echo "cpp-service: pass in ${SECONDS}s"
