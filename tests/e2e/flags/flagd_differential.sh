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

serve_shop_flags
compare_with_flagd "${CUTOVER_FLAGS_CONTEXTS:-100000}" 1000
exit 0
