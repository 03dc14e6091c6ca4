#!/usr/bin/env bash
# The chaos suite: 100 Rollouts released while deploy-operator replicas are SIGKILLed, the
# API server restarts twice and Prometheus stops for 30 s. chaos.py does the work; this
# wrapper makes the namespace, installs the CRDs, picks the operator's identity and cleans up.
# Replay a failure with CUTOVER_CHAOS_SEED=<the seed printed first>.
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/operator/lib.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${CUTOVER_CLUSTER_STATE:-$repo/.cluster}"
[[ -x "$operator_bin" ]] || fail "no operator binary at $operator_bin (build deploy-operator)"
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT
install_crd
new_namespace

# The operator runs as its own ServiceAccount, bound to the shipped ClusterRole (lib.sh's
# operator_identity). chaos.py fails on any 403 (cutover_api_requests_total{code="403"}) except
# while kube-apiserver restarts: it answers 403 until its RBAC caches are synced, so lib.sh's
# check of the logs (check_no_forbidden) would blame the RBAC for the restart.
operator_identity
kept_checks=()
for check in "${exit_checks[@]}"; do [[ "$check" == check_no_forbidden ]] || kept_checks+=("$check"); done
exit_checks=("${kept_checks[@]}")

CUTOVER_CHAOS_NAMESPACE="$NS" \
  CUTOVER_CHAOS_OPERATOR_KUBECONFIG="$operator_kubeconfig" \
  CUTOVER_CHAOS_LOGDIR="$logdir" \
  CUTOVER_OPERATOR_BIN="$operator_bin" \
  CUTOVER_CLUSTER_STATE="$state" \
  CUTOVER_CLUSTER_SCRIPT="${CUTOVER_CLUSTER_SCRIPT:-$repo/scripts/cluster}" \
  PROMETHEUS_URL="$(head -n1 "$state/prometheus-url")" \
  python3 -B "$here/chaos.py"
