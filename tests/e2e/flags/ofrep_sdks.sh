#!/usr/bin/env bash
# Real OpenFeature SDKs read deploy-flags (as its own ServiceAccount) over OFREP:
# - Go: go-sdk with go-sdk-contrib/providers/ofrep (tests/flagd/bin/ofrep-go);
# - JavaScript: @openfeature/server-sdk with @openfeature/ofrep-provider, and @openfeature/web-sdk
#   with @openfeature/ofrep-web-provider, which polls the bulk endpoint with If-None-Match
#   (tests/ofrep-js).
# Every type, targeting, an unknown flag, bearer tokens, and a FeatureFlag change seen by each
# SDK within its polling window, the web provider's unchanged re-fetches answered 304.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_featureflag_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT
"$flagd_dir/build" >/dev/null
"$repo/tests/ofrep-js/install"
ofrep_go="$flagd_dir/bin/ofrep-go"
probe="$repo/tests/ofrep-js/probe.mjs"

kubectl -n "$NS" apply -f "$here/../flags/testdata/sdk-flags.yaml" >/dev/null
token="tok-$RANDOM$RANDOM"
printf '%s\n' "$token" >"$logdir/tokens"
start_flags_server main --token-file "$logdir/tokens"
url="$FLAGS_URL_main"

# The Go SDK says "" where the JS SDK says null for "no variant": compare them as null.
summary='{value, variant: (if (.variant // "") == "" then null else .variant end), reason, errorCode: (.errorCode // "")}'
go_eval() { "$ofrep_go" --base-url "$url" --token "$token" eval "$@" | jq -c "$summary"; }
js_eval() { node "$probe" server-eval --base-url "$url" --token "$token" "$@" | jq -c "$summary"; }
check_both() {  # check_both WHAT WANT-JSON GO-ARGS... -- JS-ARGS...
  local what="$1" want="$2" go_args=() js_args=()
  shift 2
  while [[ $# -gt 0 && "$1" != -- ]]; do go_args+=("$1"); shift; done
  shift
  js_args=("$@")
  expect_eq "Go SDK: $what" "$(go_eval "${go_args[@]}")" "$want"
  expect_eq "JS SDK: $what" "$(js_eval "${js_args[@]}")" "$want"
}
check_both "string" '{"value":"blue","variant":"blue","reason":"STATIC","errorCode":""}' \
  --flag banner --type string --default none -- --flag banner --type string --default none
check_both "number, targeting" '{"value":250,"variant":"high","reason":"TARGETING_MATCH","errorCode":""}' \
  --flag limit --type int --default 0 --context '{"targetingKey":"u1","plan":"gold"}' -- \
  --flag limit --type number --default 0 --context '{"targetingKey":"u1","plan":"gold"}'
check_both "number, default" '{"value":10,"variant":"low","reason":"DEFAULT","errorCode":""}' \
  --flag limit --type int --default 0 --context '{"targetingKey":"u1"}' -- \
  --flag limit --type number --default 0 --context '{"targetingKey":"u1"}'
check_both "object" '{"value":{"columns":2,"images":true},"variant":"airy","reason":"STATIC","errorCode":""}' \
  --flag layout --type object --default '{}' -- --flag layout --type object --default '{}'
check_both "unknown flag" '{"value":false,"variant":null,"reason":"ERROR","errorCode":"FLAG_NOT_FOUND"}' \
  --flag nope --type bool --default false -- --flag nope --type boolean --default false
# The fractional split: the same key gets the same variant from both SDKs and from curl.
for key in user-1 user-2 user-3 user-4; do
  want="$(curl -s -X POST -H "Authorization: Bearer $token" -d "{\"context\": {\"targetingKey\": \"$key\"}}" \
    "$url/ofrep/v1/evaluate/flags/beta" | jq -c .value)"
  check_both "beta for $key" "{\"value\":$want,\"variant\":\"$([[ $want == true ]] && echo on || echo off)\",\"reason\":\"TARGETING_MATCH\",\"errorCode\":\"\"}" \
    --flag beta --type bool --default false --context "{\"targetingKey\":\"$key\"}" -- \
    --flag beta --type boolean --default false --context "{\"targetingKey\":\"$key\"}"
done
# Without the token: the SDKs get the server's 401 as an error, and serve their default.
go_noauth="$("$ofrep_go" --base-url "$url" eval --flag banner --type string --default none | jq -r '.value + " " + .reason')"
expect_eq "Go SDK without a token" "$go_noauth" "none ERROR"

# A change: the web provider polls every 500 ms; until the change its re-fetches get 304.
node "$probe" web-watch --base-url "$url" --token "$token" --flag banner --type string --default none \
  --expect green --poll-ms 500 --timeout-ms 30000 --context '{"targetingKey":"u1"}' >"$logdir/web-watch.json" &
web_pid=$!
"$ofrep_go" --base-url "$url" --token "$token" watch --flag banner --type string --default none \
  --expect green --timeout 30s --interval 100ms >"$logdir/go-watch.json" &
go_pid=$!
# The change comes once the web provider has re-fetched unchanged twice (two 304s counted by the
# server), not after a fixed sleep: a loaded machine starts node slowly.
not_modified_served() {
  curl -s "$FLAGS_MGMT_main/metrics" |
    awk '/^cutover_flags_requests_total\{/ && /endpoint="flags"/ && /code="304"/ {n += $NF} END {exit !(n >= 2)}'
}
wait_for 30 "two 304s served to the web provider" not_modified_served
kubectl -n "$NS" patch featureflag sdk-flags --type=merge \
  -p '{"spec": {"flagSpec": {"flags": {"banner": {"defaultVariant": "green"}}}}}' >/dev/null
patched_ms=$(($(date +%s%N) / 1000000))
wait "$web_pid" || check_fail "the web SDK never saw green: $(cat "$logdir/web-watch.json")"
wait "$go_pid" || check_fail "the Go SDK never saw green: $(cat "$logdir/go-watch.json")"
log "web SDK: $(cat "$logdir/web-watch.json")"
log "Go SDK: $(cat "$logdir/go-watch.json")"
not_modified="$(jq -r .notModified "$logdir/web-watch.json")"
[[ "$not_modified" -ge 2 ]] || check_fail "the web provider got $not_modified 304s before the change (want >= 2)"
web_seen_ms=$(($(jq -r .seenAtMs "$logdir/web-watch.json") - patched_ms))
log "the web SDK saw the change about ${web_seen_ms} ms after the patch (poll 500 ms)"
[[ "$web_seen_ms" -lt 1500 ]] || check_fail "the web SDK saw the change ${web_seen_ms} ms after the patch (poll 500 ms + 1 s)"
exit 0
