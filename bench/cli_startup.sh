#!/usr/bin/env bash
# Prints one line: median wall time of `deploy status ROLLOUT -o json` against
# `kubectl get rollouts.cutover.dev ROLLOUT -o json` on the warm local cluster, and how many
# times faster deploy is. Both read the same object; deploy also reads the two slot
# Deployments. Runs alternate, so both see the same cluster load.
#
#   bench/cli_startup.sh [DEPLOY_BIN]     (RUNS=30 by default; ROLLOUT=ns/name to reuse one)
# Without ROLLOUT it creates a Rollout in a throwaway `cli-bench-` namespace, and deletes it.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deploy="${1:-$repo/build/cli/deploy}"
runs="${RUNS:-30}"
if [[ -z "${KUBECONFIG:-}" ]]; then eval "$("$repo/scripts/cluster" env)"; fi
if [[ -n "${ROLLOUT:-}" ]]; then
  ns="${ROLLOUT%%/*}" name="${ROLLOUT#*/}"
else
  ns="cli-bench-$(date +%s)-$RANDOM" name=web
  kubectl create namespace "$ns" >/dev/null
  trap 'kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true' EXIT
  kubectl -n "$ns" apply -f "$repo/examples/canary/rollout.yaml" >/dev/null
fi
# Warm-up: discovery caches, the page cache, the API server's watch cache.
"$deploy" -n "$ns" status "$name" -o json >/dev/null 2>&1 || true
kubectl -n "$ns" get rollouts.cutover.dev "$name" -o json >/dev/null
ours=() theirs=()
elapsed_us() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(((t1 - t0) / 1000)); }
for _ in $(seq "$runs"); do
  ours+=("$(elapsed_us "$deploy" -n "$ns" status "$name" -o json)")
  theirs+=("$(elapsed_us kubectl -n "$ns" get rollouts.cutover.dev "$name" -o json)")
done
median_ms() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'; }
o="$(median_ms "${ours[@]}")" t="$(median_ms "${theirs[@]}")"
awk -v o="$o" -v t="$t" -v n="$runs" 'BEGIN {printf "cli-startup: deploy status -o json %.2f ms, kubectl get rollouts.cutover.dev -o json %.2f ms, deploy %.1fx faster (median of %d runs each)\n", o, t, t/o, n}'
