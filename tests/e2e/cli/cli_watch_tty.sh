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
# An image name long enough to wrap on the 60-column pane below.
long_image="registry.example.com/payments/checkout-web-frontend-service:2.0.0-rc.1"
write_rollout "$work/rollout.yaml" "web:1" \
  '[{setWeight: 50}, {pause: {}}, {setWeight: 75}, {pause: {duration: 4s}}]'
expect_exit 0 "apply --wait of the first revision" apply -f "$work/rollout.yaml" --wait --timeout 40s
expect_exit 0 "set image" set image web "web=$long_image"

# watch_in_tmux SESSION: `deploy status web --watch` on a 60x40 pane; its exit code goes to
# $work/SESSION.exit and the raw bytes to $work/SESSION.raw; the pane stays for inspection.
watch_in_tmux() {
  tmux new-session -d -s "$1" -x 60 -y 40 \
    "NO_COLOR=1 '$deploy' -n '$NS' status web --watch --timeout 90s; echo \"EXIT=\$?\" >'$work/$1.exit'; sleep 600"
  tmux pipe-pane -t "$1" -o "cat >>'$work/$1.raw'"
  on_exit tmux kill-session -t "$1"
}
# The visible screen only: tmux (3.3's scroll-on-clear) moves a cleared screen into the
# scrollback history, so the history would show frames the terminal no longer displays.
screen_of() { tmux capture-pane -p -t "$1"; }
# check_one_frame SESSION WHAT: the screen shows exactly one tree, redrawn in place.
check_one_frame() {
  local screen
  screen="$(screen_of "$1")"
  [[ "$(grep -c '^Rollout:' <<<"$screen")" == 1 ]] ||
    check_fail "$2: the tree was appended instead of redrawn in place:"$'\n'"$screen"
  redraws="$(grep -o $'\x1b\\[[0-9]*A' "$work/$1.raw" | wc -l)"
  log "$2: $redraws redraws in place"
}

watch_in_tmux paused
wait_for 40 "the watch to stop at the manual pause" test -s "$work/paused.exit"
expect_eq "watch exit code at a manual pause" "$(cat "$work/paused.exit")" "EXIT=3"
check_one_frame paused "up to the pause"
screen="$(screen_of paused)"
[[ "$screen" == *"‖ Paused"* ]] || check_fail "the pane lacks the paused phase:"$'\n'"$screen"
[[ "$screen" == *"50% canary, 50% stable"* ]] || check_fail "the pane lacks the traffic bar:"$'\n'"$screen"
[[ "$screen" == *"► pause (until promoted)"* ]] || check_fail "the pane lacks the running step:"$'\n'"$screen"
[[ "$screen" == *"end-service:2.0.0-rc.1"* ]] || check_fail "the wrapped image line is cut:"$'\n'"$screen"

expect_exit 0 "promote" promote web
watch_in_tmux healthy
wait_for 60 "the watch to end at Healthy" test -s "$work/healthy.exit"
expect_eq "watch exit code at Healthy" "$(cat "$work/healthy.exit")" "EXIT=0"
check_one_frame healthy "through the timed pause to Healthy"
screen="$(screen_of healthy)"
[[ "$screen" == *"✔ Healthy"* ]] || check_fail "the last frame does not say Healthy:"$'\n'"$screen"
[[ "$screen" != *"► "* ]] || check_fail "a stale running step is left on the screen:"$'\n'"$screen"
((redraws >= 2)) || check_fail "the timed pause should have redrawn the tree at least twice, saw $redraws"
log "last frame:"$'\n'"$screen"
