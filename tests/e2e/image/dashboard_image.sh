#!/usr/bin/env bash
# deploy-dashboard as the cluster runs it: the IMAGE (scripts/image) run by podman like
# operator/config/dashboard's pod (host network, the API server through KUBERNETES_SERVICE_*, a
# TokenRequest token of ServiceAccount deploy-dashboard mounted at the service-account path, a
# read-only root filesystem, uid 65532, no capabilities), under operator/config/dashboard's RBAC
# as shipped. Users' tokens are checked (TokenReview) and their access asked (SubjectAccess-
# Review) by that ServiceAccount alone: a bad token is 401, a viewer sees their namespace only,
# a releaser's promote is done as the releaser; the ServiceAccount itself may change nothing;
# the container logs no refusal of its own requests.
#
# Skips (exit 0, a SKIP line) only when the image is missing and CUTOVER_REQUIRE_IMAGE is not 1.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
version="$(sed -n 's/^project(cutover VERSION \([0-9][0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")"
image="cutover/deploy-operator:$version"
if ! { command -v podman >/dev/null && podman image exists "$image"; }; then
  if [[ "${CUTOVER_REQUIRE_IMAGE:-0}" == 1 ]]; then
    echo "[$(date +%T) dashboard_image] FAIL: no image $image (CUTOVER_REQUIRE_IMAGE=1): build it with scripts/image" >&2
    exit 1
  fi
  echo "[$(date +%T) dashboard_image] SKIP: no image $image; build it with scripts/image" >&2
  exit 0
fi
source "$(dirname "${BASH_SOURCE[0]}")/../dashboard/lib.sh"
state="${CUTOVER_CLUSTER_STATE:-$repo/.cluster}"
two_namespaces_with_web

# The dashboard's ServiceAccount and RBAC, as shipped.
kubectl create namespace cutover-system --dry-run=client -o yaml | kubectl apply -f - >/dev/null
for f in service_account role; do
  kubectl apply -f "$repo/operator/config/dashboard/$f.yaml" >/dev/null
done
sa="system:serviceaccount:cutover-system:deploy-dashboard"
wait_for 10 "RBAC for $sa" kubectl auth can-i --as="$sa" create tokenreviews.authentication.k8s.io -q 2>/dev/null
for verb in patch update delete create; do
  if kubectl auth can-i --as="$sa" -n "$NS" "$verb" rollouts.cutover.dev -q; then
    check_fail "the dashboard's ServiceAccount may $verb Rollouts"
  fi
done
log "ok: the dashboard's ServiceAccount may not patch, update, delete or create Rollouts"

sa_dir="$(mktemp -d)"
on_exit rm -rf "$sa_dir"
kubectl create token deploy-dashboard -n cutover-system --duration 1h >"$sa_dir/token"
cp "$state/pki/ca.crt" "$sa_dir/ca.crt"
printf cutover-system >"$sa_dir/namespace"
chmod 755 "$sa_dir"
chmod 644 "$sa_dir"/*
api_server="$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
api_port="${api_server##*:}"
api_port="${api_port%/}"
port="$(free_port)"
name="dashboard-$NS"
podman run -d --name "$name" --runtime runc --network=host \
  --read-only --read-only-tmpfs=false --user 65532:65532 --cap-drop=ALL \
  --security-opt=no-new-privileges \
  --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
  -e KUBERNETES_SERVICE_HOST=127.0.0.1 -e KUBERNETES_SERVICE_PORT="$api_port" \
  -v "$sa_dir:/var/run/secrets/kubernetes.io/serviceaccount:ro" \
  --entrypoint /usr/local/bin/deploy "$image" \
  dashboard --address "127.0.0.1:$port" --no-login-link >/dev/null
on_exit podman rm -f "$name"
base="http://127.0.0.1:$port"
wait_for 30 "the dashboard container's /healthz" curl -sf "$base/healthz" -o /dev/null

make_user viewer "$VIEW_RULES"; viewer="$token"
make_user releaser "$ACT_RULES"; releaser="$token"
wait_for 10 "RBAC for the releaser" kubectl auth can-i --as="system:serviceaccount:$NS:releaser" \
  -n "$NS" patch rollouts.cutover.dev --subresource=status -q

http GET /api/v1/rollouts -H "Authorization: Bearer not-a-token"
expect_status 401 "a bad token"
http GET /api/v1/rollouts -H "Authorization: Bearer $viewer"
expect_status 200 "the viewer's list"
expect_eq "namespaces the viewer sees" "$(jq -c '[.items[].namespace] | unique' <<<"$body")" "[\"$NS\"]"
http POST "/api/v1/namespaces/$NS/rollouts/web/promote" -H "Authorization: Bearer $viewer"
expect_status 403 "the viewer promotes"
http POST "/api/v1/namespaces/$NS/rollouts/web/promote" -H "Authorization: Bearer $releaser"
expect_status 200 "the releaser promotes"
expect_eq "promotedBy" "$(ro_field web .status.promotedBy)" \
  "system:serviceaccount:$NS:releaser via the dashboard"
timeout 3 curl -s -N -H "Authorization: Bearer $viewer" "$base/api/v1/stream" >"$logdir/stream" || true
grep -q '^event: snapshot' "$logdir/stream" || check_fail "no snapshot on the event stream: $(head -c 300 "$logdir/stream")"

podman logs "$name" >"$logdir/dashboard-container.log" 2>&1
if grep -q 'may not\|forbidden' "$logdir/dashboard-container.log"; then
  check_fail "the dashboard met a refusal of its own: $(grep 'may not\|forbidden' "$logdir/dashboard-container.log" | head -3)"
else
  log "ok: the container logged no refusal ($(wc -l <"$logdir/dashboard-container.log") lines)"
fi
[[ $failures -eq 0 ]]
