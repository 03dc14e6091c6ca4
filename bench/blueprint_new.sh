#!/usr/bin/env bash
# Prints one line: the median wall time of `deploy new cpp-service demo --no-input --no-git`
# (the shipped blueprint, rendered from the copy compiled into deploy, written to a fresh
# folder each run) over RUNS runs. Goal: under 50 ms. No cluster, no network.
#
#   bench/blueprint_new.sh [DEPLOY_BIN]     (RUNS=20 by default)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deploy="${1:-$repo/build/cli/deploy}"
runs="${RUNS:-20}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
new_into() { "$deploy" new cpp-service demo --no-input --no-git --output "$1" >/dev/null; }
# Warm-up: the binary and the page cache. A failure here is a broken build, not a timing.
new_into "$work/warm-up" || { echo "blueprint-new: deploy new cpp-service failed" >&2; exit 1; }
times=()
for i in $(seq "$runs"); do
  t0=$(date +%s%N)
  new_into "$work/demo-$i"
  t1=$(date +%s%N)
  times+=($(((t1 - t0) / 1000)))
done
printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" '{a[NR]=$1}
  END {printf "blueprint-new: deploy new cpp-service %.1f ms median of %d (goal < 50 ms)\n", a[int((NR+1)/2)]/1000, n}'
