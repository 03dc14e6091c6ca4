#!/usr/bin/env bash
# The deploy-operator IMAGE (scripts/image) on the real local cluster, run by podman the way the
# kubelet runs operator/config/manager's pod: host network, the API server through
# KUBERNETES_SERVICE_HOST/PORT, a TokenRequest token of ServiceAccount cutover-operator with
# ca.crt and namespace mounted read-only at the service-account path, a read-only root
# filesystem with no tmpfs, uid 65532, no capabilities, no-new-privileges. RBAC is
# operator/config/rbac as shipped (not the manager Deployment: nothing runs pods here).
#
# 1. Cluster-wide (ClusterRole), two containers with leader election: a canary through an SLO
#    gate (the real Prometheus, simulator traffic), a blue-green and a workloadRef adoption to
#    Healthy; the leader is killed and the other takes over within the lease (seconds logged);
#    a canary whose gate fails is rolled back.
# 2. The namespaced Role (rbac/namespaced), one container with --namespace, as a ServiceAccount
#    bound to that Role only (cutover-operator still holds part 1's ClusterRole): the same
#    releases, a `deploy abort`, and a Rollout in another namespace that it never touches.
# Every container's /metrics is read before it stops and at the end (also on failure): any
# cutover_api_requests_total{code="403"} sample above 0 fails the test and prints the
# operator's "API request forbidden" log lines, which name the verb and the resource.
#
# Skips (exit 0, a SKIP line) only when the image is missing and CUTOVER_REQUIRE_IMAGE is not 1;
# scripts/test builds the image and sets it. CUTOVER_E2E_RBAC=DIR applies another copy of
# operator/config/rbac (to check that a missing verb fails this test).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
version="$(sed -n 's/^project(cutover VERSION \([0-9][0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")"
image="cutover/deploy-operator:$version"
if ! { command -v podman >/dev/null && podman image exists "$image"; }; then
  if [[ "${CUTOVER_REQUIRE_IMAGE:-0}" == 1 ]]; then
    echo "[$(date +%T) operator_image] FAIL: no image $image (CUTOVER_REQUIRE_IMAGE=1): build it with scripts/image" >&2
    exit 1
  fi
  echo "[$(date +%T) operator_image] SKIP: no image $image; build it with scripts/image" \
    "(CUTOVER_REQUIRE_IMAGE=1 turns this into a failure)" >&2
  exit 0
fi

source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../analysis/lib.sh"
rbac="${CUTOVER_E2E_RBAC:-$repo/operator/config/rbac}"
suffix="$(date +%s)-$RANDOM"
instance="e2e-image-$suffix"           # cluster-wide replicas reconcile only our Rollouts
lease="cutover-operator-e2e-$suffix"    # and elect on a Lease no other test uses
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- containers -----------------------------------------------------------------------------
declare -A metrics_port=()   # container -> its /metrics port, while it runs
forbidden_checked=()         # containers whose 403s were counted already
our_namespaces=()            # the namespaces this test made
api_server="$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
api_port="${api_server##*:}"
api_port="${api_port%/}"
sa_dir="$(mktemp -d)"
on_exit rm -rf "$sa_dir"

# mint_token SERVICEACCOUNT: the service-account volume, as the kubelet projects it
# (TokenRequest, 1 h; the cluster's CA; the pod's namespace) for the containers started next.
mint_token() {
  kubectl create token "$1" -n cutover-system --duration 1h >"$sa_dir/token"
  cp "$state/pki/ca.crt" "$sa_dir/ca.crt"
  printf cutover-system >"$sa_dir/namespace"
  chmod 755 "$sa_dir"
  chmod 644 "$sa_dir"/*
}

# start_container NAME [OPERATOR FLAGS...]: runs the image, waits for /healthz.
start_container() {
  local name="op-$1-$suffix" metrics probes
  shift
  metrics="$(free_port)" probes="$(free_port)"
  podman run -d --name "$name" --hostname "$name" --runtime runc --network=host \
    --read-only --read-only-tmpfs=false --user 65532:65532 --cap-drop=ALL \
    --security-opt=no-new-privileges \
    --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
    -e KUBERNETES_SERVICE_HOST=127.0.0.1 -e KUBERNETES_SERVICE_PORT="$api_port" \
    -e POD_NAMESPACE=cutover-system -e POD_NAME="$name" \
    -v "$sa_dir:/var/run/secrets/kubernetes.io/serviceaccount:ro" \
    "$image" --leader-elect=true --lease-duration 6 --renew-deadline 4 --retry-period 1 \
    --metrics-bind-address "127.0.0.1:$metrics" --health-probe-bind-address "127.0.0.1:$probes" \
    --prometheus-url "$PROMETHEUS_URL" "$@" >/dev/null
  on_exit podman rm -f "$name"
  metrics_port[$name]=$metrics
  wait_for 30 "container $name /healthz" curl -sf "http://127.0.0.1:$probes/healthz" -o /dev/null
  log "container $name up (metrics :$metrics)"
}

# check_forbidden NAME: fails the test if the container's API requests got any 403.
check_forbidden() {
  local name="$1" samples
  [[ " ${forbidden_checked[*]} " == *" $name "* ]] && return 0
  forbidden_checked+=("$name")
  if ! samples="$(curl -sf --max-time 5 "http://127.0.0.1:${metrics_port[$name]}/metrics")"; then
    check_fail "$name: /metrics did not answer"
    return 0
  fi
  local refused
  refused="$(awk '/^cutover_api_requests_total\{/ && /code="403"/ && $NF + 0 > 0' <<<"$samples")"
  if [[ -n "$refused" ]]; then
    check_fail "$name: the API server refused requests (403) under $rbac:"$'\n'"$refused"
    log "$name's forbidden requests (count, verb, resource, where, fix):"
    podman logs "$name" 2>&1 | OURS="cutover-system ${our_namespaces[*]}" python3 -c '
import collections, json, os, sys
ours = os.environ["OURS"].split()
seen = collections.Counter()
for line in sys.stdin:
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("msg") == "API request forbidden" or str(e.get("msg", "")).startswith("leader election forbidden"):
        where = "namespace " + e["namespace"] if e.get("namespace") else "cluster-wide"
        if e.get("namespace") and e["namespace"] not in ours:
            # With --instance-id the replica must not touch another test at all.
            where += ", outside this test: --instance-id or --namespace leaked; " + str(e.get("error"))
        seen[(e.get("verb"), e.get("resource"), where, e.get("fix"))] += 1
for (verb, resource, where, fix), n in seen.most_common():
    print(f"  {n:4d}x {verb} {resource} ({where}); fix: {fix}")' >&2 || true
  else
    log "ok: $name made $(awk '/^cutover_api_requests_total\{/ {n += $NF} END {print n + 0}' <<<"$samples") API requests, none forbidden"
  fi
}

stop_container() {  # stop_container NAME: counts its 403s, then SIGTERM (graceful)
  check_forbidden "op-$1-$suffix"
  podman stop -t 10 "op-$1-$suffix" >/dev/null
  unset "metrics_port[op-$1-$suffix]"
}

leader() {  # the container named by the Lease's holderIdentity (<hostname>_<random>)
  local holder
  holder="$(kubectl -n "$1" get lease "$2" -o jsonpath='{.spec.holderIdentity}' 2>/dev/null || true)"
  echo "${holder%_*}"
}

finish() {
  local status=$1 name
  for name in "${!metrics_port[@]}"; do check_forbidden "$name"; done
  if [[ $status -ne 0 || $failures -ne 0 ]]; then
    for name in "${!metrics_port[@]}"; do
      log "last log lines of $name:"
      podman logs --tail 10 "$name" 2>&1 | cut -c1-300 >&2 || true
    done
  fi
  cleanup "$status"
}
trap 'finish $?' EXIT

# --- the releases both modes drive ------------------------------------------------------------
# apply_world LABELS: in $NS, the canary (SLO gate), blue-green and workloadRef Rollouts with
# their Services, the adopted Deployment, policies and simulator traffic.
apply_world() {
  local labels="$1"
  install_policies
  kubectl -n "$NS" apply -f "$repo/examples/canary/services.yaml" \
    -f "$repo/examples/blue-green/services.yaml" >/dev/null
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: app}
spec: {selector: {app: app}, ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  replicas: 3
  selector: {matchLabels: {app: app}}
  template:
    metadata:
      labels: {app: app}
      annotations: {sim.cutover.dev/ready-after: "1s"}
    spec: {containers: [{name: app, image: "app:1"}]}
YAML
  wait_for 60 "Deployment app available" bash -c \
    "[[ \"\$(kubectl -n $NS get deploy app -o jsonpath='{.status.availableReplicas}')\" == 3 ]]"
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web, labels: {$labels}}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, app.kubernetes.io/version: "1"}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy:
    canary:
      stableService: web-stable
      canaryService: web-canary
      scaleDownDelaySeconds: 2
      abortScaleDownDelaySeconds: 0
      steps:
      - setWeight: 50
      - analysis: {policies: [{name: http-error-rate}]}
---
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: pay, labels: {$labels}}
spec:
  replicas: 2
  selector: {matchLabels: {app: pay}}
  template:
    metadata: {labels: {app: pay}}
    spec: {containers: [{name: pay, image: "pay:1"}]}
  strategy:
    blueGreen:
      activeService: pay-active
      previewService: pay-preview
      autoPromotionEnabled: true
      scaleDownDelaySeconds: 2
---
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: app, labels: {$labels}}
spec:
  replicas: 3
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: app, scaleDown: onsuccess}
  strategy:
    canary:
      stableService: app
      scaleDownDelaySeconds: 1
      steps: [{setWeight: 50}, {pause: {duration: 1s}}]
YAML
  add_target web 100
}

# healthy ROLLOUT IMAGE: Healthy, and the newest history entry promoted IMAGE.
healthy() {
  [[ "$(ro_field "$1" .status.phase)" == Healthy &&
    "$(ro_field "$1" '.status.history[-1:].images[0]')" == "$2" &&
    "$(ro_field "$1" '.status.history[-1:].result')" == Promoted ]]
}

first_revisions() {
  wait_for 90 "web, pay and app Healthy on their first revision" bash -c "
    for r in web pay app; do
      [[ \"\$(kubectl -n $NS get rollout \$r -o jsonpath='{.status.phase}')\" == Healthy ]] || exit 1
    done"
  expect_eq "app: the adopted Deployment is scaled to 0" "$(spec_replicas app)" 0
  expect_eq "app: Service pinned to slot a" "$(selector_slot app)" a
  expect_eq "app: history reason" "$(ro_field app '.status.history[0].reason')" \
    "first deployment, adopted Deployment app (scaleDown onsuccess)"
}

second_revisions() {
  local start=$SECONDS
  release 2 '{"sim.cutover.dev/error-rate":"0.005"}'
  kubectl -n "$NS" patch rollout pay --type=json \
    -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"pay:2"}]' >/dev/null
  kubectl -n "$NS" set image deploy/app app=app:2 >/dev/null
  wait_for 60 "blue-green pay Healthy on pay:2" healthy pay pay:2
  expect_eq "pay: active Service on slot b" "$(selector_slot pay-active)" b
  wait_for 60 "workloadRef app Healthy on app:2" healthy app app:2
  expect_eq "app: the adopted Deployment stays at 0" "$(spec_replicas app)" 0
  wait_for 150 "canary web through its SLO gate, Healthy on web:2" healthy web web:2
  log "canary through its gate in $((SECONDS - start)) s"
  expect_eq "web: gate run phase" "$(run_field step-1 .status.phase)" Successful
  expect_eq "web: successful measurements" "$(run_field step-1 '.status.metricResults[0].successful')" 3
  expect_eq "web: stable slot" "$(ro_field web .status.stableSlot)" b
}

# ============ 1. cluster-wide: ClusterRole, two replicas, leader election ====================
# What this test installs it removes again, unless it was there before: tests/e2e/cli's
# cli_install checks that `deploy install --namespaced` leaves no ClusterRole of ours.
if ! kubectl get namespace cutover-system -o name >/dev/null 2>&1; then
  kubectl create namespace cutover-system >/dev/null
  on_exit kubectl delete namespace cutover-system --wait=true --timeout=60s
fi
install_crd
kubectl get clusterrole cutover-operator -o name >/dev/null 2>&1 ||
  on_exit kubectl delete -k "$rbac" --ignore-not-found --wait=false
kubectl apply -k "$rbac" >/dev/null
log "RBAC from $rbac applied"
mint_token cutover-operator
new_namespace
our_namespaces+=("$NS")
on_exit kubectl -n cutover-system delete lease "$lease"
apply_world "cutover.dev/instance-id: $instance"
cluster_flags=(--instance-id "$instance" --leader-election-id "$lease")
start_container a "${cluster_flags[@]}"
start_container b "${cluster_flags[@]}"
wait_for 20 "a leader" bash -c "[[ -n \"\$(kubectl -n cutover-system get lease $lease -o jsonpath='{.spec.holderIdentity}' 2>/dev/null)\" ]]"
first_revisions

# Failover: SIGKILL the leader (no Lease release); the other must take over within the lease.
old="$(leader cutover-system "$lease")"
case "$old" in
  "op-a-$suffix") survivor=b ;;
  "op-b-$suffix") survivor=a ;;
  *) fail "the Lease holder '$old' is not one of the containers" ;;
esac
check_forbidden "$old"
holder_of() { kubectl -n cutover-system get lease "$lease" -o jsonpath='{.spec.holderIdentity}'; }
killed=$(date +%s.%N)
podman kill --signal KILL "$old" >/dev/null
unset "metrics_port[$old]"
lease_before="$(kubectl -n cutover-system get lease "$lease" -o json)"
while [[ "$(holder_of)" != "op-$survivor-${suffix}_"* ]]; do
  python3 -c "import sys,time; sys.exit(0 if time.time() - float(sys.argv[1]) < 30 else 1)" "$killed" ||
    fail "op-$survivor-$suffix did not take the Lease within 30 s of the leader's death"
  sleep 0.2
done
took="$(python3 -c "import sys,time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$killed")"
# Measured from the records, not from this script's polling: the dead leader's last renewTime
# (the Lease runs out 6 s later) and the survivor's "became leader" log line (same host clock).
became="$(podman logs "op-$survivor-$suffix" 2>&1 | grep -m1 '"msg":"became leader"' || true)"
after_renew="$(python3 -c '
import json, sys
from datetime import datetime
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
renewed = t(json.loads(sys.argv[1])["spec"]["renewTime"])
led = t(json.loads(sys.argv[2])["ts"])
print(f"{led - renewed:.1f}")' \
  "$lease_before" "$became" 2>/dev/null || echo "?")"
log "failover: op-$survivor-$suffix led ${after_renew} s after $old's last renewal (its Lease ran out" \
  "at 6 s), ${took} s after the kill as this script saw it (lease 6 s, retry period 1 s)"
# The survivor sees the Lease expire at most one retry period after it does (it notices the
# last renewal at its next poll) and takes it at the poll after that: 6 + 1 + 1 s, plus 1 s
# for a machine busy with builds.
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 6 + 1 + 1 + 1 else 1)" "$after_renew" ||
  check_fail "op-$survivor-$suffix led ${after_renew} s after the last renewal: more than the 6 s lease + 2 retry periods (+1 s)"

second_revisions   # driven by the survivor

# A canary whose gate fails (error rate 0.2) is rolled back with no one touching it.
release 3 '{"sim.cutover.dev/error-rate":"0.2"}'
wait_for 90 "web aborted by its failing gate" bash -c \
  "[[ \"\$(kubectl -n $NS get rollout web -o jsonpath='{.status.phase}')\" == Degraded ]]"
expect_eq "web: aborted" "$(ro_field web .status.abort)" true
expect_eq "web: failed gate run" "$(run_field step-1 .status.phase)" Failed
expect_eq "web-stable back on stable" "$(selector_slot web-stable)" b
expect_eq "web-canary back on stable" "$(selector_slot web-canary)" b
stop_container "$survivor"

# ============ 2. namespaced Role, --namespace =================================================
cluster_ns="$NS"
NS="${cluster_ns:0:59}-ns"
other_ns="${cluster_ns:0:56}-other"
kubectl create namespace "$NS" >/dev/null
kubectl create namespace "$other_ns" >/dev/null
our_namespaces+=("$NS" "$other_ns")
on_exit kubectl delete namespace "$cluster_ns" "$other_ns" --wait=false
log "namespace $NS (namespaced Role), $other_ns (not watched)"
kubectl apply -n "$NS" -k "$rbac/namespaced" >/dev/null
# The shipped RoleBinding's subject, cutover-operator, still holds the ClusterRole of part 1,
# which would hide a rule missing from the Role. So this replica runs as a ServiceAccount of
# its own, bound to the shipped Role and to nothing else.
ns_account="cutover-operator-e2e-$suffix"
kubectl -n cutover-system create serviceaccount "$ns_account" >/dev/null
on_exit kubectl -n cutover-system delete serviceaccount "$ns_account"
kubectl -n "$NS" create rolebinding "$ns_account" --role=cutover-operator \
  --serviceaccount="cutover-system:$ns_account" >/dev/null
mint_token "$ns_account"
# A Rollout the namespaced operator must never see.
kubectl -n "$other_ns" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: elsewhere}
spec:
  replicas: 1
  selector: {matchLabels: {app: elsewhere}}
  template:
    metadata: {labels: {app: elsewhere}}
    spec: {containers: [{name: elsewhere, image: "elsewhere:1"}]}
  strategy: {canary: {stableService: elsewhere, steps: [{setWeight: 50}]}}
YAML
apply_world ""
start_container n --namespace="$NS" --leader-election-namespace="$NS"
wait_for 20 "the namespaced replica to lead" bash -c \
  "[[ \"\$(kubectl -n $NS get lease cutover-operator -o jsonpath='{.spec.holderIdentity}' 2>/dev/null)\" == op-n-${suffix}_* ]]"
first_revisions
second_revisions

# `deploy abort` during the gate of a third (good) revision.
release 3 '{"sim.cutover.dev/error-rate":"0.005"}'
wait_for 60 "web's gate started on web:3" bash -c \
  "[[ \"\$(kubectl -n $NS get analysisruns -l cutover.dev/gate=step-1 -o name | wc -l)\" == 2 ]]"
"$deploy" -n "$NS" abort web >/dev/null
wait_for 60 "web aborted by deploy abort" bash -c \
  "[[ \"\$(kubectl -n $NS get rollout web -o jsonpath='{.status.phase}')\" == Degraded ]]"
expect_eq "web: aborted" "$(ro_field web .status.abort)" true
expect_eq "web-stable back on stable" "$(selector_slot web-stable)" b
expect_eq "web: the gate run is terminated" "$(run_field step-1 .status.phase)" Terminated
expect_eq "the Rollout in $other_ns has no status (not watched)" \
  "$(kubectl -n "$other_ns" get rollout elsewhere -o jsonpath='{.status.phase}')" ""
stop_container n
