# Shared helpers for the Rollout CRD tests. Source it from a test script.
#
# Each test makes its own namespace and removes it (and anything cluster-scoped it made) on
# exit. The CRD itself is applied (idempotent) and left installed: it is cluster-wide and other
# tests on the same world use it. Only kubectl talks to the cluster.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
here="$repo/tests/e2e/crd"
testdata="$here/testdata"
crd="$repo/operator/config/crd/rollouts.cutover.dev.yaml"
crds=(rollouts slopolicies clusterslopolicies analysisruns flagrollouts migrations)
if [[ -z "${KUBECONFIG:-}" ]]; then
  state="${CUTOVER_CLUSTER_STATE:-$repo/.cluster}"
  [[ -f "$state/kubeconfig" ]] || { echo "no cluster in $state: run scripts/cluster up" >&2; exit 1; }
  export KUBECONFIG="$state/kubeconfig"
fi

test_name="$(basename "$0" .sh)"
NS="e2e-${test_name//_/-}-$(date +%s)-$RANDOM"
NS="${NS:0:63}"
NS="${NS%-}"
cleanups=()
# exit_checks: commands run when the test ends, before the cleanups; one that fails fails the
# test (e.g. "the operator met no 403").
exit_checks=()
failures=0

log() { printf '[%s %s] %s\n' "$(date +%T)" "$test_name" "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }
# check_fail: record a failure and keep going, so one run reports every broken case.
check_fail() { log "FAIL: $*"; failures=$((failures + 1)); }

# on_exit COMMAND...: run COMMAND (best effort) when the test ends.
on_exit() { cleanups+=("$(printf '%q ' "$@")"); }

# cleanup [STATUS]: STATUS is the exit status to keep (default: the last command's). A trap that
# runs other commands first must pass it, or a failed test would exit 0.
cleanup() {
  local status=${1:-$?}
  local i
  for ((i = 0; i < ${#exit_checks[@]}; i++)); do eval "${exit_checks[i]}" || failures=$((failures + 1)); done
  for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do eval "${cleanups[i]}" >/dev/null 2>&1 || true; done
  kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  if [[ $status -eq 0 && $failures -eq 0 ]]; then log "PASS"; fi
  [[ $failures -eq 0 ]] || status=1
  exit "$status"
}
trap cleanup EXIT

new_namespace() {
  kubectl create namespace "$NS" >/dev/null
  log "namespace $NS"
}

# install_crd: apply the Rollout CRD and wait until the API serves it.
# Tests run in parallel: when two create it at once, one gets AlreadyExists; apply again.
install_crd() {
  local try out
  for try in 1 2 3; do
    if out="$(for c in "${crds[@]}"; do kubectl apply --server-side --force-conflicts \
      --field-manager=cutover-e2e-crd -f "$repo/operator/config/crd/$c.cutover.dev.yaml" || exit 1; done 2>&1)"; then
      break
    fi
    ((try < 3)) || fail "the API server refuses the CRD: $out"
    sleep 1
  done
  local c
  for c in "${crds[@]}"; do
    kubectl wait --for=condition=Established --timeout=60s "crd/$c.cutover.dev" >/dev/null ||
      fail "crd/$c.cutover.dev never became Established"
  done
  # Discovery can lag a moment behind Established.
  wait_for 30 "discovery to list rollouts.cutover.dev" \
    bash -c 'kubectl api-resources --api-group=cutover.dev --no-headers 2>/dev/null | grep -q "^rollouts "'
}

# wait_for SECONDS DESCRIPTION COMMAND...: poll COMMAND every second.
wait_for() {
  local secs="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    ((SECONDS < deadline)) || fail "timed out after ${secs}s waiting for $what"
    sleep 1
  done
}

# expect_eq WHAT GOT WANT
expect_eq() {
  if [[ "$2" == "$3" ]]; then log "ok: $1 = $3"; else check_fail "$1: got '$2', want '$3'"; fi
}

# The kubeconfig of ServiceAccount SA in $NS (a TokenRequest token), written to FILE.
sa_kubeconfig() {  # sa_kubeconfig SA FILE
  local server ca token
  server="$(kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.server}')"
  ca="$(kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')"
  token="$(kubectl -n "$NS" create token "$1" --duration=2h)"
  (umask 077 && cat >"$2" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters: [{name: local, cluster: {server: "$server", certificate-authority-data: "$ca"}}]
users: [{name: $1, user: {token: "$token"}}]
contexts: [{name: sa, context: {cluster: local, user: $1, namespace: "$NS"}}]
current-context: sa
KUBECONFIG
  )
}

# ro_field NAME JSONPATH: print a field of Rollout NAME in $NS.
ro_field() { kubectl -n "$NS" get rollouts.cutover.dev "$1" -o jsonpath="{$2}"; }
