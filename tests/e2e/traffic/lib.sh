# Shared by the traffic router tests; source after crd/lib.sh (which sets NS and repo).

# apply_user_route: the Services web-stable and web-canary, and HTTPRoute web as a user writes
# it: a rule of another app with a filter, a rule that names both Services (100/0), and two
# parents. Everything of it but the two weights must survive a release and an abort.
apply_user_route() {
  kubectl -n "$NS" apply -f "$repo/examples/canary/services.yaml" >/dev/null
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: public}, {name: internal, namespace: infra}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /docs}}]
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier: {add: [{name: x-docs, value: "1"}]}
    backendRefs: [{name: docs, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /}}]
    backendRefs:
    - {name: web-stable, port: 80, weight: 100}
    - {name: web-canary, port: 80, weight: 0}
YAML
}

# route_shape: HTTPRoute web's spec less the weights of the backendRefs naming web-stable and
# web-canary (the fields Cutover owns in the user's rules).
route_shape() {
  kubectl -n "$NS" get httproute web -o json | jq -S '.spec |
    del(.rules[].backendRefs[]? | select(.name == "web-stable" or .name == "web-canary") | .weight)'
}

# apply_user_virtual_service: the Services web-stable and web-canary, and VirtualService web as
# a user writes it: two hosts, two gateways, a route of another app with a header rewrite, and
# the weighted route (100/0) with a retry policy. Everything of it but the two weights must
# survive a release and an abort.
apply_user_virtual_service() {
  kubectl -n "$NS" apply -f "$repo/examples/canary/services.yaml" >/dev/null
  kubectl -n "$NS" apply -f - >/dev/null <<YAML
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web}
spec:
  hosts: [web.example.com, web-stable]
  gateways: [infra/public, mesh]
  http:
  - name: docs
    match: [{uri: {prefix: /docs}}]
    headers: {request: {add: {x-docs: "1"}}}
    route: [{destination: {host: docs}}]
  - name: primary
    retries: {attempts: 3, perTryTimeout: 2s}
    route:
    - {destination: {host: web-stable, port: {number: 80}}, weight: 100}
    - {destination: {host: web-canary.$NS.svc.cluster.local, port: {number: 80}}, weight: 0}
YAML
}

# vs_shape: VirtualService web's spec less the weights of the destinations naming web-stable
# and web-canary (the fields Cutover owns in the user's routes).
vs_shape() {
  kubectl -n "$NS" get virtualservice web -o json | jq -S '.spec |
    del(.http[].route[]? | select(.destination.host | test("^web-(stable|canary)")) | .weight)'
}
