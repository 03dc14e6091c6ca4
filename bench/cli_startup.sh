#!/usr/bin/env bash
# Prints one line: median wall time of `deploy version` against `kubectl version --client`
# (the baseline every engineer already runs), and their ratio.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deploy="${1:-$repo/build/cli/deploy}"
runs="${RUNS:-30}"
median_ms() {
  local samples=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    samples+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}
ours=$(median_ms "$deploy" version)
theirs=$(median_ms kubectl version --client)
awk -v o="$ours" -v t="$theirs" -v n="$runs" \
  'BEGIN {printf "cli start-up: deploy version %.2f ms, kubectl version --client %.2f ms (ratio %.2fx, median of %d)\n", o, t, o/t, n}'
