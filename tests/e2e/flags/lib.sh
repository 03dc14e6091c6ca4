# Helpers for the feature-flag e2e tests. Source after tests/e2e/crd/lib.sh.
# - install_featureflag_crd: the OpenFeature Operator's FeatureFlag CRD (operator/config/flags/crd,
#   generated from the upstream Go types), applied server-side and left installed;
# - start_flags_server NAME [ARGS...]: deploy-flags as its own ServiceAccount, bound to the
#   ClusterRole this repository ships (operator/config/flags/role.yaml) by a RoleBinding in the
#   test's namespace; sets FLAGS_URL_<NAME>, FLAGS_MGMT_<NAME> and FLAGS_PID_<NAME>;
# - start_flagd NAME FEATUREFLAG: upstream flagd v0.16 (tests/flagd) syncing the FeatureFlag
#   through its Kubernetes sync; sets FLAGD_URL_<NAME> (its OFREP endpoint).
flags_bin="${CUTOVER_FLAGS_BIN:-$repo/build/flags_server/deploy-flags}"
flagd_dir="$repo/tests/flagd"
featureflag_crd="$repo/operator/config/flags/crd/featureflags.core.openfeature.dev.yaml"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
logdir="$(mktemp -d)"
dump_logs() { tail -n 30 "$logdir"/*.log >&2 || true; }

install_featureflag_crd() {
  local try
  for try in 1 2 3; do
    kubectl apply --server-side --force-conflicts --field-manager=cutover-e2e -f "$featureflag_crd" >/dev/null 2>&1 && break
    sleep 1
  done
  kubectl wait --for=condition=Established --timeout=30s crd/featureflags.core.openfeature.dev >/dev/null
}

flags_kubeconfig=""
flags_identity() {
  [[ -z "$flags_kubeconfig" ]] || return 0
  kubectl -n "$NS" create serviceaccount cutover-flags >/dev/null
  # The shipped ClusterRole under a test-wide name (cli_install may install the real one), bound
  # in this namespace only: deploy-flags --namespace needs nothing more.
  kubectl create --dry-run=client -o json -f "$repo/operator/config/flags/role.yaml" |
    jq 'select(.kind == "ClusterRole") | .metadata.name = "cutover-e2e-flags"' |
    kubectl apply --server-side --force-conflicts --field-manager=cutover-e2e -f - >/dev/null
  kubectl -n "$NS" create rolebinding cutover-flags --clusterrole=cutover-e2e-flags \
    --serviceaccount="$NS:cutover-flags" >/dev/null
  wait_for 10 "RBAC for cutover-flags" kubectl auth can-i \
    --as="system:serviceaccount:$NS:cutover-flags" -n "$NS" watch featureflags.core.openfeature.dev -q
  flags_kubeconfig="$logdir/flags.kubeconfig"
  sa_kubeconfig cutover-flags "$flags_kubeconfig"
}

start_flags_server() {  # start_flags_server NAME [ARGS...]
  local name="$1" port mgmt
  shift
  flags_identity
  port="$(free_port)" mgmt="$(free_port)"
  setsid "$flags_bin" --kubeconfig "$flags_kubeconfig" --namespace "$NS" \
    --bind-address "127.0.0.1:$port" --metrics-bind-address "127.0.0.1:$mgmt" "$@" \
    >>"$logdir/flags-$name.log" 2>&1 &
  on_exit kill -9 "$!"
  printf -v "FLAGS_PID_$name" '%s' "$!"
  printf -v "FLAGS_URL_$name" '%s' "http://127.0.0.1:$port"
  printf -v "FLAGS_MGMT_$name" '%s' "http://127.0.0.1:$mgmt"
  wait_for 20 "deploy-flags $name ready" curl -sf "http://127.0.0.1:$mgmt/readyz" -o /dev/null
}

flagd_kubeconfig=""
start_flagd() {  # start_flagd NAME FEATUREFLAG
  local name="$1" featureflag="$2" ofrep grpc mgmt sync
  "$flagd_dir/build" >/dev/null
  if [[ -z "$flagd_kubeconfig" ]]; then
    # flagd's Kubernetes sync gets and watches its FeatureFlag: the same read-only rules.
    kubectl -n "$NS" create serviceaccount flagd >/dev/null
    kubectl -n "$NS" create rolebinding flagd --clusterrole=cutover-e2e-flags \
      --serviceaccount="$NS:flagd" >/dev/null 2>&1 || {
      flags_identity
      kubectl -n "$NS" create rolebinding flagd --clusterrole=cutover-e2e-flags \
        --serviceaccount="$NS:flagd" >/dev/null
    }
    flagd_kubeconfig="$logdir/flagd.kubeconfig"
    sa_kubeconfig flagd "$flagd_kubeconfig"
  fi
  ofrep="$(free_port)" grpc="$(free_port)" mgmt="$(free_port)" sync="$(free_port)"
  KUBECONFIG="$flagd_kubeconfig" setsid "$flagd_dir/bin/flagd" start \
    --uri "core.openfeature.dev/$NS/$featureflag" \
    --port "$grpc" --ofrep-port "$ofrep" --management-port "$mgmt" --sync-port "$sync" \
    >>"$logdir/flagd-$name.log" 2>&1 &
  on_exit kill -9 "$!"
  printf -v "FLAGD_URL_$name" '%s' "http://127.0.0.1:$ofrep"
  wait_for 30 "flagd $name ready" curl -sf "http://127.0.0.1:$mgmt/readyz" -o /dev/null
}

# ofrep URL KEY [CONTEXT-JSON] [CURL-ARGS...]: POST one evaluation; prints "STATUS BODY".
ofrep() {
  local url="$1" key="$2" context="${3:-{\}}"
  shift 3 || shift $#
  curl -s -o "$logdir/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d "{\"context\": $context}" "$@" "$url/ofrep/v1/evaluate/flags/$key"
  printf ' %s\n' "$(cat "$logdir/body")"
}

# serve_shop_flags: testdata/shop-flags.yaml in $NS, served by deploy-flags (`main`) and by
# flagd (`ref`); sets ours and theirs to their OFREP URLs.
serve_shop_flags() {
  kubectl -n "$NS" apply -f "$repo/tests/e2e/flags/testdata/shop-flags.yaml" >/dev/null
  start_flags_server main
  start_flagd ref shop-flags
  ours="$FLAGS_URL_main" theirs="$FLAGD_URL_ref"
  wait_for 20 "flagd serves shop-flags" bash -c \
    "[[ \$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' $theirs/ofrep/v1/evaluate/flags/static) == 200 ]]"
}

# compare_with_flagd CONTEXTS SINGLE: compare_ofrep.py between $ours and $theirs. A new seed
# each run, logged; CUTOVER_FLAGS_SEED=N reruns one.
compare_with_flagd() {
  local seed="${CUTOVER_FLAGS_SEED:-$RANDOM}" out
  log "comparing with flagd, seed $seed"
  out="$(python3 "$repo/tests/e2e/flags/compare_ofrep.py" "$ours" "$theirs" \
    --contexts "$1" --single "$2" --seed "$seed")" || check_fail "answers differ (seed $seed): $out"
  log "$out"
}
