# Helpers for the `deploy` CLI e2e tests. Source it from a test script; it sources the CRD and
# operator helpers. Each test gets its own `cli-` namespace and its own operator watching it.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../operator/lib.sh"
deploy="${CUTOVER_DEPLOY_BIN:-$repo/build/cli/deploy}"
NS="cli-${test_name//_/-}-$(date +%s)-$RANDOM"
NS="${NS:0:63}"
NS="${NS%-}"
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

# d ARGS...: deploy in the test namespace, without colour. Never fails the script by itself.
d() { NO_COLOR=1 "$deploy" -n "$NS" "$@"; }

# expect_exit WANT DESCRIPTION ARGS...: run deploy ARGS, check its exit code, keep its output
# in $out (stdout and stderr together).
expect_exit() {
  local want="$1" what="$2" got=0
  shift 2
  out="$(d "$@" 2>&1)" || got=$?
  if [[ "$got" == "$want" ]]; then
    log "ok: $what: exit $got"
  else
    check_fail "$what: exit $got, want $want; output:"$'\n'"$out"
  fi
}

# expect_in TEXT WHAT: $out contains TEXT.
expect_in() {
  if [[ "$out" == *"$1"* ]]; then log "ok: ${2:-output} mentions '$1'"; else
    check_fail "${2:-output} lacks '$1':"$'\n'"$out"
  fi
}

# write_rollout FILE IMAGE STEPS: a canary Rollout `web` (2 replicas) with the given steps (YAML
# flow list), plus its stable Service.
write_rollout() {
  cat >"$1" <<YAML
apiVersion: v1
kind: Service
metadata: {name: web-stable}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "$2"}]}
  strategy:
    canary:
      stableService: web-stable
      scaleDownDelaySeconds: 1
      abortScaleDownDelaySeconds: 1
      steps: $3
YAML
}
