# Helpers for the dashboard's e2e tests: users (ServiceAccounts with minted tokens and the RBAC
# the test gives them) and `deploy dashboard` processes. Source it from a test script; it sources
# the CLI, CRD and operator helpers.
source "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"

# two_namespaces_with_web: the CRDs, the test's namespace $NS and a second one, $other ($NS-b),
# each with the canary Rollout `web` (web:1; a 50% step, then a manual pause). No operator.
two_namespaces_with_web() {
  local manifest
  install_crd
  new_namespace
  other="$NS-b"
  kubectl create namespace "$other" >/dev/null
  on_exit kubectl delete namespace "$other" --wait=false
  manifest="$(mktemp)"
  on_exit rm -f "$manifest"
  write_rollout "$manifest" "web:1" '[{setWeight: 50}, {pause: {}}]'
  kubectl -n "$NS" apply -f "$manifest" >/dev/null
  kubectl -n "$other" apply -f "$manifest" >/dev/null
}

# make_user NAME ROLE_RULES_JSON [NAMESPACE]: a ServiceAccount NAME in NAMESPACE (default $NS)
# bound to a Role with these rules there ("[]" for none); its token (an hour) goes to $token.
make_user() {
  local name="$1" rules="$2" ns="${3:-$NS}"
  kubectl -n "$ns" create serviceaccount "$name" >/dev/null
  if [[ "$rules" != "[]" ]]; then
    jq -n --arg name "$name" --arg ns "$ns" --argjson rules "$rules" '
      {apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role",
       metadata: {name: $name, namespace: $ns}, rules: $rules},
      {apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding",
       metadata: {name: $name, namespace: $ns},
       subjects: [{kind: "ServiceAccount", name: $name, namespace: $ns}],
       roleRef: {apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: $name}}' |
      kubectl apply -f - >/dev/null
  fi
  token="$(kubectl -n "$ns" create token "$name" --duration=1h)"
}

# The rules of a user who may look, and of one who may also act.
VIEW_RULES='[{"apiGroups":["cutover.dev"],"resources":["rollouts","migrations","flagrollouts","analysisruns"],"verbs":["get","list","watch"]},
             {"apiGroups":[""],"resources":["events"],"verbs":["get","list","watch"]}]'
ACT_RULES="$(jq -c '. + [{"apiGroups":["cutover.dev"],"resources":["rollouts","rollouts/status"],"verbs":["patch"]}]' <<<"$VIEW_RULES")"

# start_dashboard NAME [ARGS...]: `deploy dashboard` on a free loopback port as the cluster's
# admin kubeconfig; sets $base (http://127.0.0.1:PORT), $link (the one-time login link) and
# $dashboard_log (stderr: the JSON log).
start_dashboard() {
  local name="$1" port out
  shift
  port="$(free_port)"
  out="$logdir/dashboard-$name.out"
  dashboard_log="$logdir/dashboard-$name.log"
  setsid "$deploy" dashboard --address "127.0.0.1:$port" "$@" >"$out" 2>"$dashboard_log" &
  on_exit kill -TERM -- "-$!"
  wait_for 20 "dashboard $name listening" grep -q '^Cutover dashboard:' "$out"
  base="http://127.0.0.1:$port"
  link="$(grep -o 'http://[^ ]*/login?token=[^ ]*' "$out" || true)"
}

# http METHOD PATH [CURL ARGS...]: one request to the dashboard; sets $status and $body.
http() {
  local method="$1" path="$2" file
  shift 2
  file="$(mktemp)"
  status="$(curl -s -o "$file" -w '%{http_code}' -X "$method" "$@" "$base$path")"
  body="$(cat "$file")"
  rm -f "$file"
}

# expect_status WANT WHAT: $status is WANT.
expect_status() {
  if [[ "$status" == "$1" ]]; then log "ok: $2: $status"; else
    check_fail "$2: HTTP $status, want $1; body: ${body:0:300}"
  fi
}
