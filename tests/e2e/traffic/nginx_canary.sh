#!/usr/bin/env bash
# A canary through Ingress-NGINX (trafficRouting.nginx), driven by deploy-operator under its
# shipped RBAC, measured in the real Prometheus from the simulator's traffic (tests/env merges a
# canary Ingress into the user's as Ingress-NGINX does: canary-by-header, then canary-weight of
# canary-weight-total), 300 requests/s without a header and 100 with x-beta: 1:
# - a header route at weight 0: the requests carrying the header, and only those, reach the
#   canary (25% +- 2 points);
# - 5%, 25% and 50% with 3 replicas: the new version's share is the weight +- 2 points;
# - Cutover's canary Ingress (<rollout>-<stableIngress>-canary) copies only the paths to
#   stableService, carries the canary annotations and an ownerReference to the Rollout;
# - promotion ends with every request on the new version and the canary at weight 0; an abort
#   puts it at 0 before the candidate scales down;
# - the user's Ingress is never written (its generation, annotations and spec are as applied);
# - a header route NGINX cannot express is refused by `deploy lint`, naming the step;
# - a second Rollout on the same Ingress is refused in its status at its release, naming the
#   first, and writes no canary Ingress.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../operator/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../analysis/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
trap 'status=$?; [[ $status -eq 0 ]] || dump_logs; cleanup "$status"' EXIT

kubectl -n "$NS" apply --dry-run=server -f "$repo/examples/nginx/" >/dev/null ||
  check_fail "examples/nginx/ is refused by the API server"
"$deploy" lint "$repo/examples/nginx/rollout.yaml" >/dev/null ||
  check_fail "deploy lint refuses examples/nginx/rollout.yaml"
kubectl -n "$NS" apply -f "$repo/examples/canary/services.yaml" >/dev/null
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations: {nginx.ingress.kubernetes.io/proxy-body-size: 8m}
spec:
  ingressClassName: nginx
  tls: [{hosts: [shop.example], secretName: shop-tls}]
  rules:
  - host: shop.example
    http:
      paths:
      - {path: /docs, pathType: Prefix, backend: {service: {name: docs, port: {number: 80}}}}
      - {path: /, pathType: Prefix, backend: {service: {name: web-stable, port: {number: 80}}}}
YAML
user_ingress() {
  kubectl -n "$NS" get ingress web -o json | jq -S '{generation: .metadata.generation, annotations: .metadata.annotations, spec}'
}
before="$(user_ingress)"
canary() { kubectl -n "$NS" get ingress web-web-canary -o json 2>/dev/null; }
canary_annotation() { canary | jq -r --arg k "nginx.ingress.kubernetes.io/$1" '.metadata.annotations[$k] // "-"'; }

start_operator one
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 3
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
      trafficRouting:
        nginx:
          stableIngress: web
          additionalIngressAnnotations: {proxy-body-size: 8m}
        managedRoutes: [{name: beta}]
      steps:
      - setHeaderRoute:
          name: beta
          match: [{headerName: x-beta, headerValue: {exact: "1"}}]
      - pause: {}
      - setHeaderRoute: {name: beta}
      - setWeight: 5
      - pause: {}
      - setWeight: 25
      - pause: {}
      - setWeight: 50
      - pause: {}
YAML
wait_for 60 "first revision Healthy" healthy_on web:1
expect_eq "status.canary.weights[0].route" "$(ro_field web '.status.canary.weights[0].route')" \
  "Ingress $NS/web"
expect_eq "the canary Ingress at weight 0" "$(canary_annotation canary-weight)" 0
expect_eq "the canary Ingress: only the path to web-stable, sent to web-canary" \
  "$(canary | jq -c '.spec')" \
  '{"ingressClassName":"nginx","rules":[{"host":"shop.example","http":{"paths":[{"backend":{"service":{"name":"web-canary","port":{"number":80}}},"path":"/","pathType":"Prefix"}]}}]}'
expect_eq "the canary Ingress's owner" "$(canary | jq -r '.metadata.ownerReferences[0] | .kind + "/" + .name')" Rollout/web
expect_eq "an additional annotation" "$(canary_annotation proxy-body-size)" 8m

add_split_targets Ingress web

log "release web:2: a header route at weight 0"
release 2 '{}'
wait_for 90 "paused on the header route" paused_at 1
expect_eq "canary-by-header" "$(canary_annotation canary-by-header)" x-beta
expect_eq "canary-by-header-value" "$(canary_annotation canary-by-header-value)" 1
within "share of the new version with x-beta at weight 0" "$(share_of 2)" 25

log "the weights: 5%, 25%, 50% with 3 replicas"
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused at 5%" paused_at 4
expect_eq "canary-by-header removed with its step" "$(canary_annotation canary-by-header)" -
expect_eq "candidate pods at 5% of 3" "$(spec_replicas web-b)" 1
within "share of the new version at weight 5" "$(share_of 2)" 5
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused at 25%" paused_at 6
within "share of the new version at weight 25" "$(share_of 2)" 25
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused at 50%" paused_at 8
within "share of the new version at weight 50" "$(share_of 2)" 50

"$deploy" promote web -n "$NS" >/dev/null
wait_for 90 "second revision Healthy" healthy_on web:2
expect_eq "stableService on the new slot" "$(selector_slot web-stable)" b
expect_eq "canary weight after promotion" "$(canary_annotation canary-weight)" 0
within "share of the new version after promotion" "$(share_of 2)" 100

log "third revision, aborted at 5%"
release 3 '{}'
wait_for 90 "paused on the header route" paused_at 1
"$deploy" promote web -n "$NS" >/dev/null
wait_for 60 "paused at 5%" paused_at 4
"$deploy" abort web -n "$NS" >/dev/null
wait_for 10 "canary weight 0 after the abort" bash -c "[[ \$(kubectl -n $NS get ingress web-web-canary -o jsonpath='{.metadata.annotations.nginx\.ingress\.kubernetes\.io/canary-weight}') == 0 ]]"
wait_for 30 "candidate scaled down" bash -c "[[ \$(kubectl -n $NS get deploy web-a -o jsonpath='{.spec.replicas}') == 0 ]]"
expect_eq "phase" "$(ro_field web .status.phase)" Degraded
expect_eq "the user's Ingress, never written" "$(user_ingress)" "$before"

log "bad input: a header route NGINX cannot express is refused by deploy lint"
bad="$(mktemp)"
on_exit rm -f "$bad"
kubectl -n "$NS" get rollouts.cutover.dev web -o json |
  jq '.spec.strategy.canary.steps[0].setHeaderRoute.match += [{headerName: "x-team", headerValue: {exact: "pay"}}]' >"$bad"
if out="$("$deploy" lint "$bad" 2>&1)"; then
  check_fail "deploy lint accepted two headers on NGINX"
fi
case "$out" in
  *"spec.strategy.canary.steps[0].setHeaderRoute"*"routes by one header"*) log "ok: lint: $out" ;;
  *) check_fail "deploy lint said: $out" ;;
esac

log "bad input: a second Rollout on the same Ingress is refused, naming the first"
kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: second}
spec:
  replicas: 1
  selector: {matchLabels: {app: second}}
  template:
    metadata: {labels: {app: second}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy:
    canary:
      stableService: web-stable
      canaryService: web-canary
      trafficRouting:
        nginx: {stableIngress: web}
      steps: [{setWeight: 25}]
YAML
# Its first deployment needs no route (all its pods are stable); its release does.
wait_for 60 "the second Rollout's first revision Healthy" bash -c "[[ \$(kubectl -n $NS get rollouts.cutover.dev second -o jsonpath='{.status.phase}') == Healthy ]]"
kubectl -n "$NS" patch rollouts.cutover.dev second --type=json \
  -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"web:2"}]' >/dev/null
wait_for 60 "the second Rollout's status names the first" bash -c "kubectl -n $NS get rollouts.cutover.dev second -o json | jq -r '.status.message' | grep -q 'Ingress $NS/web is already routed by Rollout web (its canary Ingress $NS/web-web-canary)'"
log "status: $(ro_field second .status.message)"
expect_eq "no canary Ingress of the second Rollout" \
  "$(kubectl -n "$NS" get ingress second-web-canary -o name 2>/dev/null || echo none)" none
expect_eq "the first Rollout's canary Ingress, still at weight 0" "$(canary_annotation canary-weight)" 0
