#!/usr/bin/env bash
# deploy-flags, Cutover's OFREP server, beside upstream flagd v0.16 on one FeatureFlag
# (testdata/shop-flags.yaml, every operation flagd defines), both reading it from the real API
# server (deploy-flags as its own ServiceAccount under the shipped ClusterRole):
# - identical answers (status, value, variant, reason, errorCode) on random contexts, bulk and
#   single, unknown keys and malformed bodies included;
# - the bulk answer carries an ETag and an unchanged re-fetch gets 304;
# - a FeatureFlag change is served within 1 s;
# - an invalid FeatureFlag serves nothing, is logged naming it and the field, and is counted;
# - with --token-file, requests need a bearer token, which never reaches the log;
# - after SIGTERM it drains: /readyz answers 503 while OFREP is still served, on a connection
#   opened before the signal and on new ones, until --shutdown-delay ends; then it exits 0.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_featureflag_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

serve_shop_flags

# Identical answers on 3,000 random contexts (flagd_differential.sh runs 100,000). A new seed
# each run, printed: CUTOVER_FLAGS_SEED=N reruns one.
compare_with_flagd "${CUTOVER_FLAGS_CONTEXTS:-3000}" 300

# The published vectors, through our server.
for pair in jack:hearts queen:spades ten:clubs nine:diamonds 3:clubs; do
  name="${pair%%:*}" want="${pair#*:}"
  got="$(curl -s -X POST -d "{\"context\": {\"user\": {\"name\": \"$name\"}}}" \
    "$ours/ofrep/v1/evaluate/flags/fractional-flag" | jq -r .variant)"
  expect_eq "fractional-flag for $name" "$got" "$want"
done

# Status codes and bodies a client acts on.
read -r status body < <(ofrep "$ours" no-such-flag '{}')
expect_eq "unknown flag status" "$status" 404
expect_eq "unknown flag code" "$(jq -r .errorCode <<<"$body")" FLAG_NOT_FOUND
status="$(curl -s -o "$logdir/bad" -w '%{http_code}' -X POST -d '{"context": ' "$ours/ofrep/v1/evaluate/flags/static")"
expect_eq "malformed body status" "$status" 400
expect_eq "malformed body code" "$(jq -r .errorCode "$logdir/bad")" INVALID_CONTEXT
status="$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{"context": ' "$theirs/ofrep/v1/evaluate/flags/static")"
expect_eq "flagd: malformed body status" "$status" 400
read -r status body < <(ofrep "$ours" dark '{}')
expect_eq "disabled flag" "$status $(jq -c '{reason, value}' <<<"$body")" '200 {"reason":"DISABLED","value":null}'

# ETag and 304.
etag="$(curl -s -D - -o /dev/null -X POST -d '{"context": {"targetingKey": "u1"}}' "$ours/ofrep/v1/evaluate/flags" |
  tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')"
[[ "$etag" =~ ^\"[0-9a-f]{16}\"$ ]] || check_fail "bulk ETag: '$etag'"
status="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "If-None-Match: $etag" \
  -d '{"context": {"targetingKey": "u1"}}' "$ours/ofrep/v1/evaluate/flags")"
expect_eq "unchanged bulk re-fetch" "$status" 304

# A change is served within 1 s (both servers watch; flagd's time is printed for comparison).
static_value() { curl -s -X POST -d '{}' "$1/ofrep/v1/evaluate/flags/static" | jq -r .value; }
kubectl -n "$NS" patch featureflag shop-flags --type=merge \
  -p '{"spec": {"flagSpec": {"flags": {"static": {"defaultVariant": "blue"}}}}}' >/dev/null
changed="$(date +%s%N)"
ours_ms="" theirs_ms=""
for _ in $(seq 1 250); do
  now_ms=$((($(date +%s%N) - changed) / 1000000))
  [[ -n "$ours_ms" || "$(static_value "$ours")" != blue ]] || ours_ms="$now_ms"
  [[ -n "$theirs_ms" || "$(static_value "$theirs")" != blue ]] || theirs_ms="$now_ms"
  [[ -z "$ours_ms" || -z "$theirs_ms" ]] || break
  sleep 0.02
done
log "change served after: deploy-flags ${ours_ms:-never} ms, flagd ${theirs_ms:-never} ms"
[[ -n "$ours_ms" && "$ours_ms" -lt 1000 ]] || check_fail "deploy-flags served the change after ${ours_ms:-5000+} ms (limit 1000)"
etag2="$(curl -s -D - -o /dev/null -X POST -d '{"context": {"targetingKey": "u1"}}' "$ours/ofrep/v1/evaluate/flags" |
  tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')"
[[ "$etag2" != "$etag" ]] || check_fail "the bulk ETag did not change with the flags"

# An invalid FeatureFlag: nothing of it is served, the log names it and the field, the gauge counts it.
kubectl -n "$NS" apply -f - >/dev/null <<'YAML'
apiVersion: core.openfeature.dev/v1beta1
kind: FeatureFlag
metadata: {name: broken-flags}
spec:
  flagSpec:
    flags:
      broken-only:
        state: ENABLED
        variants: {"on": true}
        defaultVariant: blue
YAML
wait_for 10 "the invalid FeatureFlag is logged" grep -q "FeatureFlag $NS/broken-flags: spec.flagSpec: flag \\\\\"broken-only\\\\\": defaultVariant" "$logdir/flags-main.log"
read -r status body < <(ofrep "$ours" broken-only '{}')
expect_eq "flag of an invalid FeatureFlag" "$status" 404
expect_eq "invalid FeatureFlags gauge" \
  "$(curl -s "$FLAGS_MGMT_main/metrics" | sed -n 's/^cutover_flags_feature_flags{state="invalid"} //p')" 1
expect_eq "still serving the valid one" "$(static_value "$ours")" blue

# Bearer tokens.
token="tok-$RANDOM$RANDOM$RANDOM"
printf '# test tokens\n%s\n' "$token" >"$logdir/tokens"
start_flags_server auth --token-file "$logdir/tokens"
read -r status body < <(ofrep "$FLAGS_URL_auth" static '{}')
expect_eq "no token" "$status" 401
read -r status body < <(ofrep "$FLAGS_URL_auth" static '{}' -H "Authorization: Bearer wrong")
expect_eq "wrong token" "$status" 401
read -r status body < <(ofrep "$FLAGS_URL_auth" static '{}' -H "Authorization: Bearer $token")
expect_eq "right token" "$status" 200
if grep -q "$token" "$logdir"/flags-*.log; then check_fail "a token reached the log"; fi

# Draining. One curl keeps a connection open across the signal: its requests, 0.5 s apart for 2
# s, must all be answered 200.
start_flags_server drain --shutdown-delay 3
body='{"context": {"targetingKey": "u1"}}'
url="$FLAGS_URL_drain/ofrep/v1/evaluate/flags/static"
kept=()
for i in 1 2 3 4 5; do kept+=(--next -s -o /dev/null -w '%{http_code}\n' -X POST -d "$body" "$url"); done
curl --rate 2/s "${kept[@]:1}" >"$logdir/drain-kept" 2>&1 &
kept_pid=$!
sleep 0.3
signalled="$(date +%s%N)"
kill -TERM "$FLAGS_PID_drain"
sleep 0.5
expect_eq "draining: /readyz" "$(curl -s -o /dev/null -w '%{http_code}' "$FLAGS_MGMT_drain/readyz")" 503
expect_eq "draining: a new OFREP request" "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d "$body" "$url")" 200
wait "$kept_pid" || true
expect_eq "draining: the kept connection's requests" "$(sort -u "$logdir/drain-kept" | tr '\n' ' ')" "200 "
for _ in $(seq 1 50); do kill -0 "$FLAGS_PID_drain" 2>/dev/null || break; sleep 0.1; done
kill -0 "$FLAGS_PID_drain" 2>/dev/null && check_fail "deploy-flags still runs 5 s after SIGTERM with --shutdown-delay 3"
stopped_ms=$((($(date +%s%N) - signalled) / 1000000))
log "SIGTERM to exit: ${stopped_ms} ms (--shutdown-delay 3)"
[[ "$stopped_ms" -ge 2900 ]] || check_fail "deploy-flags stopped ${stopped_ms} ms after SIGTERM, before its 3 s delay"
grep -q '"msg":"draining' "$logdir/flags-drain.log" || check_fail "no draining line in the log"
grep -q '"msg":"stopped"' "$logdir/flags-drain.log" || check_fail "no stopped line in the log"
exit 0
