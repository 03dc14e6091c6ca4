#!/usr/bin/env bash
# A busy --metrics-bind-address or --health-probe-bind-address is a configuration error: the
# operator exits 2 with a message naming the address, the flag and the OS's reason, rather than
# dying on civetweb's uncaught CivetException (metrics) or serving no probes (cpp-httplib).
# Needs only the API server (the operator checks it before it binds); no cluster objects.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap 'status=$?; [[ $status -eq 0 && $failures -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

# busy_port: a python3 process listening on 127.0.0.1 at a port the kernel picks (no race with
# another test for it); sets busy to the port. Not in a subshell: on_exit must see it.
busy_port() {
  local file="$logdir/busy-$RANDOM"
  python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
with open(sys.argv[1] + ".tmp", "w") as f: f.write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)' "$file" >/dev/null 2>&1 &
  on_exit kill "$!"
  wait_for 10 "python3 to listen" test -s "$file"
  busy="$(cat "$file")"
}

# expect_refused FLAG: the operator, given a busy port for FLAG and a free one for the other,
# exits 2 and says so on stderr.
expect_refused() {
  local flag="$1" busy metrics probes out="$logdir/operator-$1.log" rc=0
  busy_port
  metrics="$(free_port)" probes="$(free_port)"
  if [[ "$flag" == --metrics-bind-address ]]; then metrics="$busy"; else probes="$busy"; fi
  # The timeout only bounds a regression (an operator that starts anyway).
  timeout --kill-after=5 60 "$operator_bin" --kubeconfig "$KUBECONFIG" --namespace "$NS" \
    --leader-elect=false \
    --metrics-bind-address "127.0.0.1:$metrics" --health-probe-bind-address "127.0.0.1:$probes" \
    2>"$out" >/dev/null || rc=$?
  expect_eq "$flag busy: exit code" "$rc" 2
  local want="cannot listen on 127.0.0.1:$busy ($flag): address already in use"
  if grep -qF "$want" "$out"; then
    log "ok: stderr says '$want'"
  else
    check_fail "$flag busy: stderr lacks '$want'; it was: $(cat "$out")"
  fi
  if grep -q CivetException "$out"; then check_fail "$flag busy: an uncaught CivetException"; fi
}

expect_refused --metrics-bind-address
expect_refused --health-probe-bind-address
