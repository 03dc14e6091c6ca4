#!/usr/bin/env bash
# The differential test of issue 15: deploy-flags and upstream flagd v0.16 serve one FeatureFlag
# (testdata/shop-flags.yaml: every flagd operation and every standard JsonLogic operation, 56
# flags) from the real API server, and answer 100,000 random contexts (every JSON type,
# missing targetingKeys, disabled flags, bad targeting) with the same status, value, variant,
# reason and error code, bulk and single. Prints the count; any difference fails. A new seed
# each run, printed; CUTOVER_FLAGS_SEED=N reruns one, CUTOVER_FLAGS_CONTEXTS=N changes the count.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_featureflag_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

kubectl -n "$NS" apply -f "$here/../flags/testdata/shop-flags.yaml" >/dev/null
start_flags_server main
start_flagd ref shop-flags
wait_for 20 "flagd serves shop-flags" bash -c \
  "[[ \$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' $FLAGD_URL_ref/ofrep/v1/evaluate/flags/static) == 200 ]]"
seed="${CUTOVER_FLAGS_SEED:-$RANDOM}"
log "comparing with flagd, seed $seed"
out="$(python3 "$here/../flags/compare_ofrep.py" "$FLAGS_URL_main" "$FLAGD_URL_ref" \
  --contexts "${CUTOVER_FLAGS_CONTEXTS:-100000}" --single 1000 --seed "$seed")" ||
  check_fail "answers differ (seed $seed): $out"
log "$out"
exit 0
