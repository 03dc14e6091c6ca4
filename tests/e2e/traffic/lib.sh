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

# add_split_targets KIND NAME: the simulator sends 300 requests/s through the route object
# (HTTPRoute, VirtualService or Ingress) NAME, and 100 more that carry x-beta: 1.
add_split_targets() {
  local targets
  targets='{"data": {"'"$NS"'-web": "kind: '"$1"'\nnamespace: '"$NS"'\nname: '"$2"'\nrps: 300",
    "'"$NS"'-beta": "kind: '"$1"'\nnamespace: '"$NS"'\nname: '"$2"'\nrps: 100\nheaders: [{name: x-beta, value: \"1\", fraction: 1}]"}}'
  kubectl -n cutover-sim patch configmap targets --type merge -p "$targets" >/dev/null
  on_exit kubectl -n cutover-sim patch configmap targets --type merge -p "{\"data\":{\"$NS-web\":null,\"$NS-beta\":null}}"
}

# paused_at STEP_INDEX: Rollout web is Paused at that step.
paused_at() {
  [[ "$(ro_field web .status.phase)" == Paused ]] &&
    [[ "$(ro_field web .status.currentStepIndex)" == "$1" ]]
}
# rate SELECTOR: requests/s over the last 15 s, once the whole window lies after the change.
rate() { promql "sum(rate(http_requests_total{namespace=\"$NS\"$1}[15s])) or vector(0)"; }
# within WHAT GOT WANT: GOT (a fraction) is WANT percent +- 2 points.
within() {
  log "$1: $2 (want $3% +- 2)"
  python3 -c 'import sys; g, w = sys.argv[1], float(sys.argv[2]); sys.exit(0 if g != "none" and abs(float(g) * 100 - w) <= 2 else 1)' \
    "$2" "$3" || check_fail "$1: $2, want $3% +- 2 points"
}
# within_sampled WHAT "HITS TOTAL" WANT: HITS/TOTAL requests is WANT percent, +- 2 points or
# three standard deviations of a share of TOTAL requests, whichever is wider. The simulator's
# rate drops on a loaded machine (a run read 1,160 requests in 30 s where 6,000 were meant),
# and at 50% over 1,160 requests one standard deviation is 1.5 points: a fixed 2-point bound
# then fails one run in six with nothing wrong.
within_sampled() {
  local bound
  bound="$(python3 -c 'import sys, math
try:
    h, t = map(float, sys.argv[1].split())
except ValueError:
    h, t = 0.0, 0.0  # no sample: the check below fails
w = float(sys.argv[2]) / 100
print("%.2f" % max(2.0, 300 * math.sqrt(w * (1 - w) / t)) if t > 0 else "2")' "$2" "$3")"
  log "$1: $2 requests (want $3% +- $bound)"
  python3 -c 'import sys
try:
    h, t = map(float, sys.argv[1].split())
except ValueError:
    sys.exit(1)
w, b = float(sys.argv[2]), float(sys.argv[3])
sys.exit(0 if t > 0 and abs(100 * h / t - w) <= b else 1)' "$2" "$3" "$bound" ||
    check_fail "$1: $2 requests, want $3% +- $bound points"
}
ratio() { python3 -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(a / b if b else "none")' "$1" "$2"; }
# share_of VERSION: the share of the client requests (mirrored copies excluded) that pods of
# VERSION served over 15 s, measured once the window lies after the change.
share_of() {
  sleep 22
  ratio "$(rate ",version=\"$1\",mirrored=\"\"")" "$(rate ',mirrored=""')"
}
