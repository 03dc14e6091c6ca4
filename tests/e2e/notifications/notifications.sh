#!/usr/bin/env bash
# Notifications end to end, from the operator (its own ServiceAccount and the shipped RBAC) to
# real receivers: a canary whose error rate (0.05, the real Prometheus, the shipped
# http-error-rate policy) fails its gate is rolled back, and
#   - a real SMTP server (Debian's python3-aiosmtpd) receives the mail for on-rollout-aborted,
#     with the failing metric's measured value and its condition in it;
#   - a webhook receiver checks the HMAC-SHA256 signature of on-analysis-failed's payload and
#     finds the evidence in it;
#   - cutover_notifications_sent_total counts them;
# then a receiver that accepts and never answers is subscribed to every step of a good release:
# the reconciles are as fast as without it (cutover_reconcile_duration_seconds, measured), and the
# release is Healthy as soon as before.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../operator/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../analysis/lib.sh"
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT
receivers="$(dirname "${BASH_SOURCE[0]}")/receivers.py"
install_crd
new_namespace
install_policies

mail="$logdir/mail" hooks="$logdir/hooks"
mkdir -p "$mail" "$hooks"
smtp_port="$(free_port)" hook_port="$(free_port)" silent_port="$(free_port)"
start_receiver() {  # start_receiver ARGS...
  local out="$logdir/receiver-$1.log"
  setsid /usr/bin/python3 "$receivers" "$@" >"$out" 2>&1 &
  on_exit kill -TERM -- "-$!"
  wait_for 20 "receiver $1" grep -q ready "$out"
}
start_receiver smtp "$smtp_port" "$mail"
start_receiver webhook "$hook_port" "$hooks" hmac-secret-1
start_receiver silent "$silent_port"

# The configuration: in the watched namespace (the operator runs with --namespace).
kubectl -n "$NS" create secret generic cutover-notifications --from-literal=hook-key=hmac-secret-1 >/dev/null
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: cutover-notifications}
data:
  service.email: |
    host: 127.0.0.1
    port: $smtp_port
    from: cutover@example.com
    tls: none
  service.webhook.ops: |
    url: http://127.0.0.1:$hook_port/hook
    secret: \$hook-key
  service.webhook.silent: |
    url: http://127.0.0.1:$silent_port/
YAML

canary_rollout "      - analysis: {policies: [{name: http-error-rate}]}"
kubectl -n "$NS" annotate rollouts.cutover.dev web \
  notifications.cutover.dev/subscribe.on-rollout-aborted.email="oncall@example.com; lead@example.com" \
  notifications.cutover.dev/subscribe.on-analysis-failed.ops="" >/dev/null
add_target web 100
operator_args=(--prometheus-url "$PROMETHEUS_URL")
start_operator one
wait_for 60 "the first revision Healthy" healthy_on web:1

# 1. A bad release: rolled back, and the evidence reaches the receivers.
release 2 '{"sim.cutover.dev/error-rate":"0.05"}'
wait_for 120 "the bad release rolled back" bash -c "[[ \$(kubectl -n $NS get rollouts.cutover.dev web -o jsonpath='{.status.abort}') == true ]]"
wait_for 30 "two mails" bash -c "[[ \$(ls $mail/*.eml 2>/dev/null | wc -l) -ge 2 ]]"
first="$(ls "$mail"/*.eml | head -1)"
log "mail: $(grep -m1 '^Subject:' "$first")"
grep -q '^X-Envelope-To: oncall@example.com' "$mail"/*.eml || check_fail "no mail to oncall@example.com"
grep -q '^X-Envelope-To: lead@example.com' "$mail"/*.eml || check_fail "no mail to lead@example.com"
grep -q '^Subject: \[cutover\] Rollout '"$NS"'/web: on-rollout-aborted' "$first" ||
  check_fail "the subject: $(grep '^Subject:' "$first")"
value="$(run_field step-1 '.status.metricResults[0].measurements[-1:].value')"
grep -qF -- "- http-error-rate/error-rate: $value (Failed; success when result < 0.01)" "$first" ||
  check_fail "the mail lacks the failing metric's value $value and its condition:"$'\n'"$(cat "$first")"
grep -q 'was rolled back' "$first" || check_fail "the mail does not say it was rolled back"
log "ok: the mail names the failing metric: $(grep -m1 -- '- http-error-rate' "$first")"

wait_for 30 "the webhook" bash -c "ls $hooks/*.json >/dev/null 2>&1"
hook="$(ls "$hooks"/*.json | head -1)"
expect_eq "the webhook's signature" "$(jq -r .signature_valid "$hook")" true
expect_eq "the webhook's event header" "$(jq -r '.headers["X-Cutover-Event"]' "$hook")" on-analysis-failed
expect_eq "the webhook's metric value" "$(jq -r '.body.analysis.metrics[0].value' "$hook")" "$value"
expect_eq "the webhook's metric verdict" "$(jq -r '.body.analysis.metrics[0].verdict' "$hook")" Failed
expect_eq "the webhook's path" "$(jq -r .path "$hook")" /hook
[[ "$(jq -r '.body | has("rollout")' "$hook")" == false ]] || check_fail "the webhook carries the whole object"
sent="$(curl -s "http://127.0.0.1:$OP_METRICS_one/metrics" | grep '^cutover_notifications_sent_total')"
log "metrics: $(tr '\n' ' ' <<<"$sent")"
grep -q 'result="sent",service="email"} 2' <<<"$sent" || check_fail "email sent 2 not counted"
grep -q 'result="sent",service="ops"} 1' <<<"$sent" || check_fail "ops sent 1 not counted"
! grep -q 'hmac-secret-1\|hook-key' "$logdir"/operator-*.log || check_fail "the secret is in the operator's log"

# 2. A receiver that never answers makes no reconcile slower.
reconcile_seconds() {  # the sum and count of cutover_reconcile_duration_seconds
  curl -s "http://127.0.0.1:$OP_METRICS_one/metrics" |
    awk '/^cutover_reconcile_duration_seconds_sum/ {s+=$2} /^cutover_reconcile_duration_seconds_count/ {c+=$2} END {print s, c}'
}
good_release() {  # good_release VERSION: a good release to Healthy; prints seconds, mean reconcile ms
  local before after start=$SECONDS
  before="$(reconcile_seconds)"
  release "$1" '{"sim.cutover.dev/error-rate":"0.001"}'
  wait_for 120 "release $1 Healthy" healthy_on "web:$1"
  after="$(reconcile_seconds)"
  awk -v b="$before" -v a="$after" -v t=$((SECONDS - start)) 'BEGIN {
    split(b, x, " "); split(a, y, " "); n = y[2] - x[2];
    mean = 0; if (n > 0) mean = 1000 * (y[1] - x[1]) / n;
    printf "%d %.1f %d\n", t, mean, n }'
}
read -r t1 mean1 n1 <<<"$(good_release 3)"
log "without a hanging receiver: Healthy in $t1 s, $n1 reconciles, mean $mean1 ms"
for trigger in on-rollout-updated on-rollout-step-completed on-rollout-completed; do
  kubectl -n "$NS" annotate --overwrite rollouts.cutover.dev web \
    "notifications.cutover.dev/subscribe.$trigger.silent=" >/dev/null
done
read -r t2 mean2 n2 <<<"$(good_release 4)"
log "with a receiver that never answers: Healthy in $t2 s, $n2 reconciles, mean $mean2 ms"
awk -v a="$mean2" 'BEGIN { exit !(a < 1000) }' ||
  check_fail "reconciles took $mean2 ms on average with a hanging receiver (without: $mean1 ms)"
(( t2 <= t1 + 15 )) || check_fail "the release took $t2 s with a hanging receiver, $t1 s without"
# It did hang: libcurl gave up on it (20 s), the worker logged why and will retry; no URL logged.
wait_for 40 "a timed-out delivery to the silent receiver" grep -q '"service":"silent"' "$logdir/operator-one.log"
stuck="$(grep -m1 '"service":"silent"' "$logdir/operator-one.log")"
log "the hanging receiver: $(jq -r '"\(.msg): \(.reason)"' <<<"$stuck")"
[[ "$stuck" != *"$silent_port"* ]] || check_fail "the log names the receiver's URL: $stuck"
[[ $failures -eq 0 ]]
