#!/usr/bin/env bash
# A canary driven entirely by the CLI: `deploy apply --wait` for the first revision, `deploy set
# image --wait` for the second (it stops at the manual pause with exit 3), `deploy promote`, then
# `deploy status --watch` to Healthy; list, status and history show what happened.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
start_operator one
manifest="$(mktemp)"
on_exit rm -f "$manifest"
write_rollout "$manifest" "web:1" '[{setWeight: 50}, {pause: {}}, {setWeight: 75}, {pause: {duration: 1s}}]'

expect_exit 0 "apply --wait of the first revision" apply -f "$manifest" --wait --timeout 40s
expect_in "Rollout $NS/web applied"
expect_in "web: Healthy"

cd "$repo"  # inside the git work tree: set image records HEAD
expect_exit 3 "set image --wait stops at the manual pause" set image web web=web:2 --wait --timeout 40s
expect_in "image updated: web=web:2"
expect_in "web: Paused, step 1/4, weight 50%"
expect_eq "template image" "$(ro_field web '.spec.template.spec.containers[0].image')" web:2
expect_eq "change cause" "$(ro_field web '.spec.template.metadata.annotations.cutover\.dev/change-cause')" \
  "deploy set image web=web:2"
expect_eq "git sha" "$(ro_field web '.spec.template.metadata.annotations.cutover\.dev/git-sha')" \
  "$(git -C "$repo" rev-parse HEAD)"

expect_exit 3 "status while paused" status web
expect_in "‖ Paused"
expect_in "├── ► pause (until promoted)"
expect_in "Next:      deploy promote web to continue"
expect_in "50% canary, 50% stable"
expect_exit 0 "status --success-on-pause" status web --success-on-pause
expect_exit 3 "status -o json (exit code as without -o)" status web -o json
[[ "$(jq -r .status.phase <<<"$out")" == Paused ]] || check_fail "status -o json is not the object: $out"

expect_exit 0 "promote" promote web
expect_in "promoted: on to the next step"
expect_exit 0 "status --watch to Healthy" status web --watch --timeout 40s
expect_in "web: Healthy"
expect_eq "phase" "$(ro_field web .status.phase)" Healthy
expect_eq "stable runs web:2" "$(ro_field web '.status.history[-1:].images[0]')" web:2

expect_exit 0 "list" list
expect_in "NAME   STRATEGY   PHASE     STEP   WEIGHT   IMAGES   AGE"
[[ "$out" =~ web\ +Canary\ +Healthy\ +4/4\ +100\ +web:2 ]] || check_fail "list row: $out"
expect_exit 0 "list -A -o wide" list -A -o wide
[[ "$out" =~ $NS\ +web\ +Canary\ +Healthy ]] || check_fail "list -A row: $out"
expect_exit 0 "history" history web
expect_in "deploy set image web=web:2"
expect_in "$(git -C "$repo" rev-parse --short=7 HEAD)"
[[ "$(grep -c Promoted <<<"$out")" == 2 ]] || check_fail "two promoted revisions expected: $out"
expect_in "first deployment" "history WHY of revision 1"
expect_in "promoted by cutover-admin via deploy promote" "history WHY of revision 2 (who promoted)"
expect_exit 0 "history -o yaml" history web -o yaml
expect_in "result: Promoted"
expect_exit 0 "promote when Healthy is a no-op" promote web
expect_in "nothing to promote"
