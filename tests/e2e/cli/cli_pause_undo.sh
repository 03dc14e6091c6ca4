#!/usr/bin/env bash
# deploy pause holds a release (exit 3, PausedBySpec) until deploy resume; deploy restart makes
# a new revision; deploy undo goes back (fast-track to stable mid-release, to the previous
# revision when Healthy, or --to-revision N from the Rollout's ControllerRevisions).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
start_operator one
manifest="$(mktemp)"
on_exit rm -f "$manifest"
write_rollout "$manifest" "web:1" '[{setWeight: 50}, {pause: {duration: 1s}}]'
expect_exit 0 "apply --wait" apply -f "$manifest" --wait --timeout 40s

expect_exit 0 "pause" pause web
expect_exit 3 "set image --wait while paused" set image web web=web:2 --wait --timeout 40s
expect_exit 3 "status while paused by spec" status web
expect_in "Next:      deploy resume web to continue"
expect_exit 0 "resume" resume web
expect_exit 0 "status --watch after resume" status web --watch --timeout 40s
expect_eq "stable runs web:2" "$(ro_field web '.status.history[-1:].images[0]')" web:2

expect_exit 0 "restart --wait" restart web --wait --timeout 40s
expect_in "restarted"
restarted="$(ro_field web '.spec.template.metadata.annotations.cutover\.dev/restarted-at')"
[[ "$restarted" =~ ^20[0-9-]+T[0-9:]+Z$ ]] || check_fail "restarted-at is '$restarted'"

# Mid-release undo: back to the stable template with no steps (the stable slot's template).
expect_exit 0 "pause before web:3" pause web
expect_exit 3 "set image web:3 held" set image web web=web:3 --wait --timeout 40s
expect_exit 0 "resume" resume web
expect_exit 0 "undo mid-release" undo web
expect_in "rolled back to revision"
expect_eq "template back on web:2" "$(ro_field web '.spec.template.spec.containers[0].image')" web:2
expect_exit 0 "status --watch after undo" status web --watch --timeout 40s

# A revision goes to a ControllerRevision (numbered by release order) when its slot takes
# another: revision 1 (web:1) did when the restart's revision 3 took its slot. Revision 2 is
# on the other slot unless web:3 (revision 4) reached it before the undo (then it is recorded
# too), 3 on the stable one, and deploy undo reads the slots as well.
revisions="$(kubectl -n "$NS" get controllerrevisions -l cutover.dev/rollout=web -o name | sort | tr '\n' ' ')"
count="$(wc -w <<<"$revisions")"
((count == 1 || count == 2)) || check_fail "the operator recorded ControllerRevisions '$revisions', want 1 or 2"
expect_exit 0 "undo --to-revision 1 --wait" undo web --to-revision 1 --wait --timeout 40s
expect_eq "template on web:1" "$(ro_field web '.spec.template.spec.containers[0].image')" web:1
expect_exit 2 "undo --to-revision 9" undo web --to-revision 9
expect_in "revision 9 is not recorded (recorded: 1, 2, 3"
