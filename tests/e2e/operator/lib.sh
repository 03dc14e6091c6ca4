# Helpers for operator e2e tests: start deploy-operator processes against the local cluster,
# watching only the test's namespace. Source after tests/e2e/crd/lib.sh.
operator_bin="${CUTOVER_OPERATOR_BIN:-$repo/build/operator/deploy-operator}"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The operator runs as its own ServiceAccount (`cutover-operator` in the test's namespace) with
# a token minted by TokenRequest, bound to the rules this repository ships, never as the
# cluster admin. A rule missing from them fails the test: every 403 the operator meets is a log
# line naming the verb and resource (check_no_forbidden, run when the test ends).
#   OPERATOR_RBAC=cluster (default): the ClusterRole of operator/config/rbac/role.yaml, bound
#     cluster-wide, plus leader_election_role.yaml's Role in the test's namespace (the Lease is
#     kept there);
#   OPERATOR_RBAC=namespaced: operator/config/rbac/namespaced/role.yaml in the test's namespace.
# The ClusterRole is applied under another name (cutover-e2e-operator), with the same rules:
# tests/e2e/cli/cli_install.sh installs and removes the real cutover-operator at the same time.
operator_kubeconfig=""
operator_identity() {
  [[ -z "$operator_kubeconfig" ]] || return 0
  local rbac="$repo/operator/config/rbac" sa="system:serviceaccount:$NS:cutover-operator"
  kubectl -n "$NS" create serviceaccount cutover-operator >/dev/null
  # Our objects, as the shipped YAML has them, re-homed: names, namespaces and subjects only.
  rehome() {  # rehome FILE KIND NAME NAMESPACE
    kubectl create --dry-run=client -o json -f "$1" |
      jq --arg kind "$2" --arg name "$3" --arg ns "$4" --arg sns "$NS" '
        select(.kind == $kind or .kind == ($kind + "Binding"))
        | .metadata.name = $name
        | if $ns == "" then del(.metadata.namespace) else .metadata.namespace = $ns end
        | if .kind | endswith("Binding") then
            .subjects = [{kind: "ServiceAccount", name: "cutover-operator", namespace: $sns}]
            | .roleRef.name = (if .roleRef.kind == "ClusterRole" then "cutover-e2e-operator" else $name end)
          else . end'
  }
  if [[ "${OPERATOR_RBAC:-cluster}" == namespaced ]]; then
    rehome "$rbac/namespaced/role.yaml" Role cutover-operator "$NS" | kubectl apply -f - >/dev/null
    rehome "$rbac/namespaced/role_binding.yaml" Role cutover-operator "$NS" | kubectl apply -f - >/dev/null
  else
    # The ClusterRole's rules are shared by every test (applied server-side, so parallel tests
    # agree); the binding is this test's own.
    rehome "$rbac/role.yaml" ClusterRole cutover-e2e-operator "" | jq 'select(.kind == "ClusterRole")' |
      kubectl apply --server-side --force-conflicts --field-manager=cutover-e2e -f - >/dev/null
    rehome "$rbac/role.yaml" ClusterRole "cutover-e2e-$NS" "" | jq 'select(.kind == "ClusterRoleBinding")' |
      kubectl apply -f - >/dev/null
    on_exit kubectl delete clusterrolebinding "cutover-e2e-$NS" --wait=false
    rehome "$rbac/leader_election_role.yaml" Role cutover-operator-leader-election "$NS" | kubectl apply -f - >/dev/null
    rehome "$rbac/notifications_role.yaml" Role cutover-operator-notifications "$NS" | kubectl apply -f - >/dev/null
  fi
  wait_for 10 "RBAC for $sa" kubectl auth can-i --as="$sa" -n "$NS" patch deployments.apps --subresource=scale -q
  operator_kubeconfig="$logdir/operator.kubeconfig"
  sa_kubeconfig cutover-operator "$operator_kubeconfig"
  exit_checks+=(check_no_forbidden)
}

# check_no_forbidden: the operator met no 403 in this test (its logs name each refusal).
check_no_forbidden() {
  local refused
  refused="$(grep -h '"API request forbidden"\|"leader election forbidden' "$logdir"/operator-*.log 2>/dev/null |
    jq -r '"\(.verb) \(.resource) (group \"\(.group)\") in namespace \"\(.namespace)\": \(.error)"' | sort | uniq -c)"
  [[ -z "$refused" ]] && return 0
  log "FAIL: the operator's RBAC refused these requests (count, verb, resource, namespace, message):"
  printf '%s\n' "$refused" >&2
  return 1
}

# start_operator NAME: starts a replica in the background; sets OP_PID_<NAME> and OP_METRICS_<NAME>.
# Extra flags for every replica: operator_args=(--prometheus-url "$PROMETHEUS_URL").
operator_args=()
start_operator() {
  local name="$1" metrics probes
  operator_identity
  metrics="$(free_port)" probes="$(free_port)"
  setsid "$operator_bin" --kubeconfig "$operator_kubeconfig" --namespace "$NS" \
    --leader-elect=true --leader-election-namespace "$NS" \
    --lease-duration 6 --renew-deadline 4 --retry-period 1 \
    --metrics-bind-address "127.0.0.1:$metrics" --health-probe-bind-address "127.0.0.1:$probes" \
    "${operator_args[@]}" \
    >>"$logdir/operator-$name.log" 2>&1 &
  local pid=$!
  printf -v "OP_PID_$name" '%s' "$pid"
  printf -v "OP_METRICS_$name" '%s' "$metrics"
  on_exit kill -9 "$pid"
  wait_for 20 "operator $name /healthz" curl -sf "http://127.0.0.1:$probes/healthz" -o /dev/null
}

logdir="$(mktemp -d)"
dump_logs() { tail -n 30 "$logdir"/*.log >&2 || true; }

# apply_app [PAUSE] [LAST_PAUSE]: Service web-stable and a 4-replica canary Rollout web whose
# steps pause PAUSE (default 2s) between weights, and LAST_PAUSE after the last one if given.
apply_app() {
  local pause="${1:-2s}" last="${2:+      - pause: {duration: $2\}}"
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: web-stable}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy:
    canary:
      stableService: web-stable
      scaleDownDelaySeconds: 2
      steps:
      - setWeight: 25
      - pause: {duration: $pause}
      - setWeight: 50
      - pause: {duration: $pause}
      - setWeight: 75
$last
YAML
}

set_image() {
  kubectl -n "$NS" patch rollouts.cutover.dev web --type=json \
    -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"$1\"}]" >/dev/null
}

healthy_on() {  # healthy_on IMAGE: the Rollout is Healthy and its stable revision runs IMAGE
  [[ "$(ro_field web .status.phase)" == Healthy ]] &&
    [[ "$(ro_field web .status.history[-1:].images[0])" == "$1" ]] &&
    [[ "$(ro_field web .status.history[-1:].result)" == Promoted ]]
}
