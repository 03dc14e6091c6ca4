#!/usr/bin/env bash
# bench/ofrep.sh [SECONDS]: single-flag OFREP evaluations per second and latency percentiles,
# deploy-flags against upstream flagd v0.16 (tests/flagd): the same FeatureFlag
# (tests/e2e/flags/testdata/shop-flags.yaml, flag `new-checkout`, a fractional split), the same
# request body, the same machine, the same load generator (wrk, from Debian; HTTP keep-alive).
#
# Each server is measured three times, SECONDS (default 10) each:
#   peak:  wrk -t2 -c64: the most it serves, with p50/p99 at that load;
#   half:  the goal's load, at least 50% of that server's peak: wrk -t1 with the fewest
#          connections (1, 2, 3, ...; found with 3-second probes) whose rate reaches half the
#          peak. Each connection sends its next request when the answer arrives (closed loop),
#          so the latency is the server's at that rate;
#   paced: about 50% of the peak again, but each connection waits 1 ms before each request
#          (wrk's Lua `delay`; wrk has no fixed-rate mode), with as many connections as half
#          the peak needs at about 500 req/s each. wrk fires the delayed requests on its 1 ms
#          timer ticks, a burst of about rate/1000 at once, so this p99 is mostly the time the
#          server takes to drain a burst: printed for reference, not the goal's figure.
# Prints one line per server and a last line with the throughput ratio.
# Needs `scripts/cluster up` (the servers read the FeatureFlag from the API server) and a build;
# not run by scripts/test. Client and servers share the machine's cores.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-10}"
source "$repo/scripts/lib.sh"
command -v wrk >/dev/null || {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
}
eval "$("$repo/scripts/cluster" env)"
"$repo/tests/flagd/build" >/dev/null
flags_bin="${CUTOVER_FLAGS_BIN:-$repo/build/flags_server/deploy-flags}"
ns=bench-ofrep
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
kubectl apply --server-side --force-conflicts -f "$repo/operator/config/flags/crd/featureflags.core.openfeature.dev.yaml" >/dev/null
kubectl wait --for=condition=Established --timeout=60s crd/featureflags.core.openfeature.dev >/dev/null
kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl -n "$ns" apply -f "$repo/tests/e2e/flags/testdata/shop-flags.yaml" >/dev/null

work="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
ours_port="$(free_port)" flagd_port="$(free_port)"
"$flags_bin" --kubeconfig "$KUBECONFIG" --namespace "$ns" --bind-address "127.0.0.1:$ours_port" \
  --metrics-bind-address "127.0.0.1:$(free_port)" >"$work/ours.log" 2>&1 &
pids+=($!)
"$repo/tests/flagd/bin/flagd" start --uri "core.openfeature.dev/$ns/shop-flags" \
  --port "$(free_port)" --ofrep-port "$flagd_port" --management-port "$(free_port)" \
  --sync-port "$(free_port)" >"$work/flagd.log" 2>&1 &
pids+=($!)
body='{"context": {"targetingKey": "user-42", "plan": "gold"}}'
for port in "$ours_port" "$flagd_port"; do
  for _ in $(seq 1 100); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d "$body" \
      "http://127.0.0.1:$port/ofrep/v1/evaluate/flags/new-checkout")" == 200 ]] && break
    sleep 0.2
  done
done
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.3f %.3f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests))
end
LUA
{ cat "$work/post.lua"; echo 'delay = function() return 1 end'; } >"$work/paced.lua"
measure() {  # measure PORT THREADS CONNECTIONS [SCRIPT] -> "rps p50ms p99ms errors requests"
  wrk -t"$2" -c"$3" -d"${seconds}s" -s "$work/${4:-post}.lua" \
    "http://127.0.0.1:$1/ofrep/v1/evaluate/flags/new-checkout" | sed -n 's/^RESULT //p'
}
declare -A peak
for server in deploy-flags flagd; do
  port="$ours_port"
  [[ "$server" == flagd ]] && port="$flagd_port"
  measure "$port" 2 64 >/dev/null  # warm-up
  read -r rps p50 p99 errors _ < <(measure "$port" 2 64)
  peak[$server]="$rps"
  half_conns=1
  while ((half_conns < 32)); do
    read -r probe _ < <(seconds=3 measure "$port" 1 "$half_conns")
    awk -v a="$probe" -v b="$rps" 'BEGIN { exit !(a >= b / 2) }' && break
    half_conns=$((half_conns + 1))
  done
  read -r hrps hp50 hp99 herrors _ < <(measure "$port" 1 "$half_conns")
  conns="$(awk -v r="$rps" 'BEGIN { c = int(r / 2 / 500 + 0.5); print (c < 1 ? 1 : c) }')"
  read -r lrps _ lp99 lerrors _ < <(measure "$port" 1 "$conns" paced)
  share() { awk -v a="$1" -v b="$rps" 'BEGIN { print 100 * a / b }'; }
  printf 'ofrep %-12s peak %7.0f req/s p50 %.3f ms p99 %.3f ms errors %d | half (%d conns) %6.0f req/s (%.0f%%) p50 %.3f ms p99 %.3f ms errors %d | paced (%d conns, 1 ms ticks) %6.0f req/s (%.0f%%) p99 %.3f ms errors %d\n' \
    "$server" "$rps" "$p50" "$p99" "$errors" "$half_conns" "$hrps" "$(share "$hrps")" "$hp50" "$hp99" "$herrors" \
    "$conns" "$lrps" "$(share "$lrps")" "$lp99" "$lerrors"
done
awk -v a="${peak[deploy-flags]}" -v b="${peak[flagd]}" \
  'BEGIN { printf "ofrep throughput ratio deploy-flags/flagd: %.2fx (goal >= 2x)\n", a / b }'
