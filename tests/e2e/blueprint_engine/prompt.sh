#!/usr/bin/env bash
# deploy new on a TTY (driven through tmux): prompts show help and defaults, an invalid
# answer is refused and asked again, Enter takes the default.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v tmux >/dev/null || { log "tmux is not installed"; exit 1; }
session="cutover-bp-$$"
export TMUX_TMPDIR="$work"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

tmux new-session -d -s "$session" -x 200 -y 50 \
  "cd '$work' && '$deploy' new demo tty-svc --from '$fixture' --no-git; echo EXIT=\$?; sleep 30"

# wait_for TEXT: until the pane shows TEXT (10 s).
wait_for() {
  for _ in $(seq 100); do
    if tmux capture-pane -p -t "$session" | grep -qF -- "$1"; then return 0; fi
    sleep 0.1
  done
  fail "the pane never showed '$1':"$'\n'"$(tmux capture-pane -p -t "$session")"
  return 1
}

wait_for "namespace [tty-svc]:" && tmux send-keys -t "$session" Enter
wait_for "port (int, 1024..65535): HTTP port" && tmux send-keys -t "$session" "80" Enter
wait_for "invalid: 80 is outside 1024..65535" && tmux send-keys -t "$session" "9191" Enter
wait_for "tier [standard]:" && tmux send-keys -t "$session" "gold" Enter
wait_for "invalid: 'gold' is not one of: critical, standard" &&
  tmux send-keys -t "$session" "critical" Enter
wait_for "ingress [false]:" && tmux send-keys -t "$session" "yes" Enter
wait_for "EXIT=0"
expect_file tty-svc/src/tty_svc.cpp "return 9191;"
expect_file tty-svc/docs/runbook.md "critical"
expect_file tty-svc/deploy/ingress.yaml "tty-svc.example.com"
expect_file tty-svc/.cutover/answers.yaml 'tier: "critical"'
finish
