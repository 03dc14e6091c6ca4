#!/usr/bin/env bash
# (e) `kubectl get cro` prints STRATEGY PHASE STEP WEIGHT STABLE CURRENT AGE, filled from status.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace

kubectl -n "$NS" apply -f "$testdata/canary.yaml" -f "$testdata/blue-green.yaml" >/dev/null
kubectl -n "$NS" patch rollout web-canary --subresource=status --type merge -p '{"status":{
  "strategy":"Canary","phase":"Progressing","currentStepIndex":2,"currentWeight":20,
  "stableRevision":"6d4f8b9c7","currentRevision":"7a9c5d2e1"}}' >/dev/null
kubectl -n "$NS" patch rollout web-bluegreen --subresource=status --type merge -p '{"status":{
  "strategy":"BlueGreen","phase":"Healthy","stableRevision":"5b1e2f3a4","currentRevision":"5b1e2f3a4"}}' >/dev/null

table="$(kubectl -n "$NS" get cro --sort-by=.metadata.name)"
log "kubectl get cro:"$'\n'"$table"
expect_eq "header" "$(sed -n 1p <<<"$table" | tr -s ' ')" "NAME STRATEGY PHASE STEP WEIGHT STABLE CURRENT AGE"
# row NAME: the row's cells cut at the header's column starts, joined by '|', so that an
# empty cell shows as '||' and a value printed under the wrong column is caught.
row() {
  awk -v name="$1" '
    NR == 1 { n = 0; for (i = 1; i <= length($0); i++)
                if (substr($0, i, 1) != " " && (i == 1 || substr($0, i - 1, 1) == " ")) start[++n] = i
              next }
    $1 == name { out = ""
                 for (c = 1; c <= n; c++) {
                   cell = (c < n) ? substr($0, start[c], start[c + 1] - start[c]) : substr($0, start[c])
                   gsub(/^ +| +$/, "", cell); out = out (c > 1 ? "|" : "") cell }
                 print out }' <<<"$table"
}
canary="$(row web-canary)"
bluegreen="$(row web-bluegreen)"
expect_eq "canary row" "${canary%|*}" "web-canary|Canary|Progressing|2|20|6d4f8b9c7|7a9c5d2e1"
expect_eq "blue-green row" "${bluegreen%|*}" "web-bluegreen|BlueGreen|Healthy|||5b1e2f3a4|5b1e2f3a4"
[[ "${canary##*|}" =~ ^[0-9]+[smhd] ]] || check_fail "AGE column is not an age: '${canary##*|}'"

# The columns are the CRD's, so the category listing prints them too.
expect_eq "header via the category" \
  "$(kubectl -n "$NS" get cutover | head -n1 | tr -s ' ')" "NAME STRATEGY PHASE STEP WEIGHT STABLE CURRENT AGE"
# status.strategy only takes the two strategy names.
if kubectl -n "$NS" patch rollout web-canary --subresource=status --type merge \
  -p '{"status":{"strategy":"Linear"}}' >/dev/null 2>&1; then
  check_fail "status.strategy accepted 'Linear'"
fi
