#!/usr/bin/env bash
# The dashboard's door, against the real API server: without a token, with a bad one, or as a
# user without rights every path answers 401 or 403 and the body leaks nothing; a user sees only
# the namespaces RBAC lets them list, and acts only where they may patch; writes with a session
# need the CSRF token and a same-origin request; the login link works once; --read-only turns
# actions off; the listener is loopback only unless told; no token reaches the log.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
two_namespaces_with_web
uid="$(kubectl -n "$NS" get rollouts.cutover.dev web -o jsonpath='{.metadata.uid}')"

make_user nobody '[]'; nobody="$token"
make_user viewer "$VIEW_RULES"; viewer="$token"
make_user releaser "$ACT_RULES"; releaser="$token"
wait_for 10 "RBAC for the releaser" kubectl auth can-i --as="system:serviceaccount:$NS:releaser" \
  -n "$NS" patch rollouts.cutover.dev --subresource=status -q
start_dashboard main

# Nothing leaks: no object's uid or image, and no token, in a refusal; and without a valid
# token not even the namespace (a refused user may hear back the namespace they asked about).
no_leak() {  # no_leak WHAT [--authenticated]
  local secret secrets=("$uid" "web:1" "$nobody" "$viewer" "$releaser")
  [[ "${2:-}" == --authenticated ]] || secrets+=("$NS")
  for secret in "${secrets[@]}"; do
    [[ "$body" != *"$secret"* ]] || check_fail "$1: the body carries '$secret': ${body:0:300}"
  done
}

action="/api/v1/namespaces/$NS/rollouts/web/promote"
for path in / /index.html /assets/app.js /api/v1/rollouts /api/v1/migrations /api/v1/flagrollouts \
  "/api/v1/namespaces/$NS/rollouts/web" /api/v1/stream /api/v1/session /namespaces/x/rollouts/y; do
  http GET "$path"
  expect_status 401 "GET $path without a token"
  no_leak "GET $path without a token"
  http GET "$path" -H "Authorization: Bearer not-a-token"
  expect_status 401 "GET $path with a bad token"
  no_leak "GET $path with a bad token"
done
http POST "$action"
expect_status 401 "POST promote without a token"
http POST "$action" -H "Authorization: Bearer not-a-token"
expect_status 401 "POST promote with a bad token"
no_leak "POST promote with a bad token"
http GET /api/v1/rollouts -H "Authorization: Basic YWRtaW46YWRtaW4="
expect_status 401 "Basic credentials"

# A user without rights: authenticated, sees nothing, may do nothing.
http GET /api/v1/rollouts -H "Authorization: Bearer $nobody"
expect_status 200 "the list for a user without rights"
expect_eq "rollouts a user without rights sees" "$(jq '.items | length' <<<"$body")" 0
http GET "/api/v1/namespaces/$NS/rollouts/web" -H "Authorization: Bearer $nobody"
expect_status 403 "GET a Rollout without rights"
no_leak "GET a Rollout without rights" --authenticated
http POST "$action" -H "Authorization: Bearer $nobody"
expect_status 403 "promote without rights"
no_leak "promote without rights" --authenticated

# A viewer: their namespace only, and no actions.
http GET /api/v1/rollouts -H "Authorization: Bearer $viewer"
expect_eq "namespaces the viewer sees" "$(jq -c '[.items[].namespace] | unique' <<<"$body")" "[\"$NS\"]"
http GET "/api/v1/namespaces/$other/rollouts/web" -H "Authorization: Bearer $viewer"
expect_status 403 "the viewer reads another namespace's Rollout"
http GET "/api/v1/namespaces/$NS/rollouts/web" -H "Authorization: Bearer $viewer"
expect_status 200 "the viewer reads their Rollout"
expect_eq "the viewer's actions" "$(jq -c '.actions' <<<"$body")" \
  '{"abort":false,"pause":false,"promote":false,"resume":false,"retry":false}'
http POST "$action" -H "Authorization: Bearer $viewer"
expect_status 403 "the viewer promotes"
[[ "$body" == *'verb \"patch\" on resource \"rollouts/status\"'* ]] ||
  check_fail "the refusal does not name the verb and resource: $body"

# A releaser acts, as themselves: the API server records them in status.promotedBy.
http POST "$action" -H "Authorization: Bearer $releaser"
expect_status 200 "the releaser promotes"
expect_eq "promotedBy" "$(ro_field web .status.promotedBy)" \
  "system:serviceaccount:$NS:releaser via the dashboard"
http POST "/api/v1/namespaces/$NS/rollouts/web/explode" -H "Authorization: Bearer $releaser"
expect_status 404 "an unknown action"

# Sessions: the login form, then writes need the CSRF token and a same-origin request.
jar="$logdir/jar"
http POST /login -c "$jar" --data-urlencode "token=$releaser"
expect_status 303 "login with the releaser's token"
grep -q 'cutover_session' "$jar" || check_fail "no session cookie"
grep -q '#HttpOnly_' "$jar" || check_fail "the session cookie is not HttpOnly"
http POST /login --data-urlencode "token=$releaser" -H "Origin: http://evil.example"
expect_status 403 "a login posted from another site"
http GET /api/v1/session -b "$jar"
expect_status 200 "the session"
csrf="$(jq -r .csrfToken <<<"$body")"
expect_eq "the session's user" "$(jq -r .user.username <<<"$body")" "system:serviceaccount:$NS:releaser"
pause="/api/v1/namespaces/$NS/rollouts/web/pause"
http POST "$pause" -b "$jar"
expect_status 403 "a write with the cookie and no CSRF token"
expect_eq "its reason" "$(jq -r .error <<<"$body")" csrf
http POST "$pause" -b "$jar" -H "X-CSRF-Token: wrong"
expect_status 403 "a write with a wrong CSRF token"
http POST "$pause" -b "$jar" -H "X-CSRF-Token: $csrf" -H "Origin: http://evil.example"
expect_status 403 "a cross-site write with the CSRF token (Origin)"
http POST "$pause" -b "$jar" -H "X-CSRF-Token: $csrf" -H "Sec-Fetch-Site: cross-site"
expect_status 403 "a cross-site write with the CSRF token (Sec-Fetch-Site)"
expect_eq "spec.paused after refused writes" "$(ro_field web .spec.paused)" ""
http POST "$pause" -b "$jar" -H "X-CSRF-Token: $csrf" -H "Sec-Fetch-Site: same-origin" \
  -H "Origin: $base"
expect_status 200 "a same-origin write with the CSRF token"
expect_eq "spec.paused" "$(ro_field web .spec.paused)" true
http POST /logout -b "$jar" -c "$jar"
http GET /api/v1/session -b "$jar"
expect_status 401 "the session after logging out"

# The login link: once.
[[ -n "$link" ]] || check_fail "deploy dashboard printed no login link"
status="$(curl -s -o /dev/null -w '%{http_code}' "$link")"
expect_status 303 "the login link"
status="$(curl -s -o /dev/null -w '%{http_code}' "$link")"
expect_status 401 "the login link used again"

# DNS rebinding: a Host other than loopback is not answered.
http GET /api/v1/rollouts -H "Authorization: Bearer $releaser" -H "Host: evil.example:${base##*:}"
expect_status 421 "a request for another host name"

# --read-only: actions are refused, reads work.
start_dashboard readonly --read-only
http POST "$action" -H "Authorization: Bearer $releaser"
expect_status 403 "promote on a read-only dashboard"
expect_eq "its reason" "$(jq -r .error <<<"$body")" read_only
http GET /api/v1/rollouts -H "Authorization: Bearer $releaser"
expect_status 200 "reads on a read-only dashboard"

# Loopback only unless told: the default address is 127.0.0.1:3100 and nothing else listens.
setsid "$deploy" dashboard --no-login-link >"$logdir/default.out" 2>"$logdir/default.log" &
on_exit kill -TERM -- "-$!"
wait_for 20 "the dashboard on its default address" grep -q '^Cutover dashboard: http://127.0.0.1:3100/' "$logdir/default.out"
listening="$(ss -Hltnp | grep "pid=$(pgrep -f "$deploy dashboard --no-login-link" | head -1)," | awk '{print $4}' | sort -u | tr '\n' ' ')"
expect_eq "the default dashboard's sockets" "$listening" "127.0.0.1:3100 "
for ip in $(hostname -I 2>/dev/null); do
  [[ "$ip" != *:* ]] || ip="[$ip]"
  if curl -s -g -m 2 -o /dev/null "http://$ip:3100/healthz"; then check_fail "the dashboard answers on $ip"; else
    log "ok: nothing answers on $ip:3100"
  fi
done

# No token in any log.
for t in "$nobody" "$viewer" "$releaser" "${link##*token=}"; do
  ! grep -qF -- "$t" "$logdir"/dashboard-*.log "$logdir/default.log" || check_fail "a token is in the dashboard's log"
done
log "ok: no token in $(cat "$logdir"/dashboard-*.log "$logdir/default.log" | wc -l) log lines"
[[ $failures -eq 0 ]]
