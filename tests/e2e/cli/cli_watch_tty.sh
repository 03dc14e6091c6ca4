#!/usr/bin/env bash
# `deploy status --watch` on a real terminal (tmux): the tree is redrawn in place, never
# appended, also when its lines are wider than the terminal and wrap; the watch follows a
# release through the manual pause, `deploy promote`, and exits 0 at Healthy.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v tmux >/dev/null || fail "tmux is not installed (scripts/lib.sh installs it)"
install_crd
new_namespace
start_operator one
work="$(mktemp -d)"
on_exit rm -rf "$work"
session="cutover-watch-$$"
on_exit tmux kill-session -t "$session"
# An image name long enough to wrap on the 60-column pane below.
long_image="registry.example.com/payments/checkout-web-frontend-service:2.0.0-rc.1"
write_rollout "$work/rollout.yaml" "web:1" '[{setWeight: 50}, {pause: {}}, {setWeight: 75}]'
expect_exit 0 "apply --wait of the first revision" apply -f "$work/rollout.yaml" --wait --timeout 40s
expect_exit 0 "set image" set image web "web=$long_image"

# The watch runs on a 60x40 pane; its exit code goes to a file; the pane stays for inspection.
tmux new-session -d -s "$session" -x 60 -y 40 \
  "NO_COLOR=1 '$deploy' -n '$NS' status web --watch --timeout 90s; echo \"EXIT=\$?\" >'$work/exit'; sleep 600"

pane() { tmux capture-pane -p -t "$session" -S -200; }
pane_has() { pane | grep -qF -- "$1"; }

wait_for 40 "the watch to show the manual pause" pane_has "pause (until promoted)"
sleep 3  # several redraws (the ages tick every second)
screen="$(pane)"
[[ "$(grep -c '^Rollout:' <<<"$screen")" == 1 ]] ||
  check_fail "the tree was appended instead of redrawn in place:"$'\n'"$screen"
[[ "$screen" == *"‖ Paused"* ]] || check_fail "the pane lacks the paused phase:"$'\n'"$screen"
[[ "$screen" == *"50% canary, 50% stable"* ]] || check_fail "the pane lacks the traffic bar:"$'\n'"$screen"
[[ ! -e "$work/exit" ]] || check_fail "the watch ended at a pause: $(cat "$work/exit")"

expect_exit 0 "promote" promote web
wait_for 60 "the watch to end" test -s "$work/exit"
expect_eq "watch exit code" "$(cat "$work/exit")" "EXIT=0"
screen="$(pane)"
[[ "$(grep -c '^Rollout:' <<<"$screen")" == 1 ]] ||
  check_fail "after promote the tree was appended instead of redrawn:"$'\n'"$screen"
[[ "$screen" == *"Healthy"* ]] || check_fail "the last frame does not say Healthy:"$'\n'"$screen"
[[ "$screen" != *"► pause"* && "$screen" != *"‖ Paused"* ]] ||
  check_fail "a stale frame is left on the screen:"$'\n'"$screen"
log "last frame:"$'\n'"$screen"
