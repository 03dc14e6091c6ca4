#!/usr/bin/env bash
# (h) A policy reaches a second, real Prometheus over TLS (a CA of its own, from a Secret) with
# basic auth (a Secret) and a header from a Secret, all read from the current namespace by
# `deploy analyze --policy FILE` (no --rollout). Without the CA the TLS verification fails; a
# wrong password is a 401; a missing Secret is exit 2. A Rollout gated by the same policy
# (`deploy run`) is promoted, and neither the password nor a header value reaches the
# AnalysisRun or the output.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace

tmp="$(mktemp -d)"
on_exit rm -rf "$tmp"

# A CA and a server certificate for 127.0.0.1 signed by it (EC keys: fast to make).
(
  cd "$tmp"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj "/CN=cutover-e2e-ca" -keyout ca.key -out ca.crt \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
    -keyout server.key -out server.csr
  printf '%s\n' "subjectAltName=IP:127.0.0.1" "basicConstraints=CA:FALSE" \
    "keyUsage=digitalSignature" "extendedKeyUsage=serverAuth" >server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
    -extfile server.ext -out server.crt
) >/dev/null 2>&1 || fail "openssl could not make the certificates"

password="pw-$(openssl rand -hex 12)"
wrong_password="bad-$(openssl rand -hex 12)"
header_secret="hdr-$(openssl rand -hex 12)"
literal_value="lit-$(openssl rand -hex 12)"
hash="$(python3 -W ignore -c 'import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 6)))' "$password")"
[[ "$hash" == '$2'* ]] || fail "no bcrypt hash from python3's crypt module: '$hash'"
cat >"$tmp/web.yml" <<YAML
tls_server_config:
  cert_file: $tmp/server.crt
  key_file: $tmp/server.key
basic_auth_users:
  cutover: '$hash'
YAML
printf 'global: {scrape_interval: 1m}\n' >"$tmp/prometheus.yml"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
address="https://127.0.0.1:$port"
/usr/bin/prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
  --web.listen-address="127.0.0.1:$port" --web.config.file="$tmp/web.yml" --log.level=warn \
  >"$tmp/prometheus.log" 2>&1 &
prom_pid=$!
# Stopped before the temp dir goes (on_exit runs last-in, first-out).
stop_prometheus() {
  kill "$prom_pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$prom_pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$prom_pid" 2>/dev/null || true
}
on_exit stop_prometheus
prom_ready() {
  kill -0 "$prom_pid" 2>/dev/null || { cat "$tmp/prometheus.log" >&2; fail "the TLS Prometheus exited"; }
  curl -fsS --max-time 2 --cacert "$tmp/ca.crt" -u "cutover:$password" "$address/-/ready" >/dev/null 2>&1
}
wait_for 20 "the TLS Prometheus on $address" prom_ready
curl -sS -o /dev/null -w '%{http_code}' --cacert "$tmp/ca.crt" "$address/-/ready" | grep -qx 401 ||
  fail "the TLS Prometheus answers without a password"
log "TLS + basic-auth Prometheus on $address (pid $prom_pid)"

kubectl -n "$NS" create secret generic prom-ca --from-file=ca.crt="$tmp/ca.crt" >/dev/null
kubectl -n "$NS" create secret generic prom-basic --from-literal=username=cutover \
  --from-literal=password="$password" >/dev/null
kubectl -n "$NS" create secret generic prom-basic-wrong --from-literal=username=cutover \
  --from-literal=password="$wrong_password" >/dev/null
kubectl -n "$NS" create secret generic prom-headers --from-literal=org="$header_secret" >/dev/null

# write_policy FILE BASIC_AUTH_SECRET [CA_SECRET]
write_policy() {
  local ca_line=""
  [[ -z "${3:-}" ]] || ca_line="      caSecretRef: {name: $3, key: ca.crt}"
  cat >"$1" <<YAML
apiVersion: cutover.dev/v1alpha1
kind: SLOPolicy
metadata: {name: tls-auth}
spec:
  provider:
    prometheus:
      address: $address
      timeout: 5s
      basicAuthSecretRef: {name: $2}
$ca_line
      headers:
      - {name: X-Tenant, value: $literal_value}
      - name: X-Scope-OrgID
        valueFrom: {secretKeyRef: {name: prom-headers, key: org}}
  metrics:
  - name: reachable
    interval: 2s
    count: 2
    consecutiveErrorLimit: 0
    threshold:
      query: vector(0.001)
      successCondition: result < 0.01
YAML
}
good="$tmp/good.yaml"
write_policy "$good" prom-basic prom-ca
write_policy "$tmp/no-ca.yaml" prom-basic
write_policy "$tmp/wrong-password.yaml" prom-basic-wrong prom-ca

# analyze FILE: runs `deploy analyze --once` with the Secrets of $NS; prints the exit code.
analyze() {
  local code=0
  "$deploy" -n "$NS" analyze --policy "$1" --once >"$tmp/analyze.out" 2>&1 || code=$?
  cat "$tmp/analyze.out" >&2
  cat "$tmp/analyze.out" >>"$tmp/analyze.all"
  echo "$code"
}

# (a) CA and basic auth from Secrets: passes.
expect_eq "analyze with the CA and the password" "$(analyze "$good")" 0
grep -q "tls-auth/reachable Successful value=0.001" "$tmp/analyze.out" ||
  check_fail "deploy analyze does not show the successful measurement"

# (b) No CA: verification is on, the server's certificate is not trusted.
code="$(analyze "$tmp/no-ca.yaml")"
[[ "$code" != 0 ]] || check_fail "analyze without the CA exited 0"
grep -q "TLS verification failed" "$tmp/analyze.out" ||
  check_fail "analyze without the CA does not say that TLS verification failed"
grep -q "fix: set spec.provider.prometheus.caSecretRef" "$tmp/analyze.out" ||
  check_fail "analyze without the CA does not say how to fix it"

# (c) Wrong password: Prometheus answers 401.
code="$(analyze "$tmp/wrong-password.yaml")"
[[ "$code" != 0 ]] || check_fail "analyze with a wrong password exited 0"
grep -q "(401)" "$tmp/analyze.out" || check_fail "analyze with a wrong password does not name 401"
grep -q "basicAuthSecretRef" "$tmp/analyze.out" ||
  check_fail "analyze with a wrong password does not point at basicAuthSecretRef"

# A missing Secret is a configuration error (exit 2 at once), naming the policy field.
write_policy "$tmp/missing.yaml" prom-basic no-such-ca
expect_eq "analyze with a missing Secret" "$(analyze "$tmp/missing.yaml")" 2
grep -qF "caSecretRef: Secret $NS/no-such-ca not found" "$tmp/analyze.out" ||
  check_fail "analyze with a missing Secret does not name it"

# (d) A Rollout gated by the policy is promoted; no secret reaches the run or the output.
kubectl -n "$NS" apply -f "$good" >/dev/null
canary_rollout "      - analysis: {policies: [{name: tls-auth}]}" 2
expect_eq "first revision" "$(run_rollout 2m)" 0
release 2 '{}'
code=0
"$deploy" run web -n "$NS" --timeout 2m --prometheus-url "$PROMETHEUS_URL" >"$tmp/run.out" 2>&1 || code=$?
cat "$tmp/run.out" >&2
expect_eq "deploy run exit code" "$code" 0
expect_eq "phase" "$(ro_field web .status.phase)" Healthy
expect_eq "stable slot" "$(ro_field web .status.stableSlot)" b
expect_eq "run phase" "$(run_field step-1 .status.phase)" Successful
expect_eq "successful measurements" "$(run_field step-1 '.status.metricResults[0].successful')" 2
kubectl -n "$NS" get analysisruns -o yaml >"$tmp/runs.yaml"
for secret in "$password" "$header_secret" "$literal_value"; do
  if grep -qF -- "$secret" "$tmp/runs.yaml" "$tmp/run.out" "$tmp/analyze.all"; then
    check_fail "a secret value (${secret%%-*}-...) is in the AnalysisRun or the output"
  fi
done
grep -qF "value: <redacted>" "$tmp/runs.yaml" ||
  check_fail "the AnalysisRun does not record the literal header as <redacted>"
grep -qF "name: prom-headers" "$tmp/runs.yaml" ||
  check_fail "the AnalysisRun does not record the header's Secret reference"
