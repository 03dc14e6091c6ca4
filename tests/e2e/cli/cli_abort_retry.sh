#!/usr/bin/env bash
# deploy abort sends traffic back to stable (exit 1 from status), deploy retry starts the release
# again, deploy promote --full skips the remaining steps; retry of a Healthy Rollout is refused.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
start_operator one
manifest="$(mktemp)"
on_exit rm -f "$manifest"
write_rollout "$manifest" "web:1" '[{setWeight: 50}, {pause: {}}, {setWeight: 75}, {pause: {}}]'
expect_exit 0 "apply --wait" apply -f "$manifest" --wait --timeout 40s

expect_exit 0 "set image --wait --success-on-pause" set image web web=web:2 --wait --success-on-pause --timeout 40s
expect_exit 0 "abort" abort web
expect_in "abort requested"
expect_exit 1 "status --watch after abort" status web --watch --timeout 40s
expect_in "web: Degraded"
expect_exit 1 "status after abort" status web
expect_in "✖ Degraded"
expect_in "aborted by "
expect_in "via deploy abort"
expect_in "Next:      deploy retry web to try again, or deploy undo web"
expect_eq "abort flag" "$(ro_field web .status.abort)" true
expect_exit 0 "history -o wide" history web -o wide
expect_in "Aborted"

expect_exit 0 "retry" retry web
expect_exit 3 "status --watch after retry: back at the manual pause" status web --watch --timeout 40s
expect_in "web: Paused, step 1/4, weight 50%"
expect_exit 0 "promote --full" promote web --full
expect_in "skipping the remaining steps"
expect_exit 0 "status --watch to Healthy" status web --watch --timeout 40s
expect_eq "stable runs web:2" "$(ro_field web '.status.history[-1:].images[0]')" web:2

expect_exit 2 "retry of a Healthy rollout" retry web
expect_in "the rollout is Healthy, so there is nothing to retry"
expect_exit 0 "abort with no release under way" abort web
expect_in "nothing to abort"
