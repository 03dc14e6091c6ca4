# Shared by the blueprint tests: generate a shipped blueprint with `deploy new`, check the
# tree, lint it, run the generated service and stop it. Source it; do not run it.
# Needs CUTOVER_DEPLOY_BIN (set by CMakeLists.txt). Talks to 127.0.0.1 only.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
deploy="${CUTOVER_DEPLOY_BIN:?CUTOVER_DEPLOY_BIN must name the deploy binary}"
actionlint="$repo/tests/tools/actionlint/bin/actionlint"
work="$(mktemp -d)"
service_pid=""

cleanup() {
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill -KILL "$service_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

step() { printf '\n--- %s (%ss)\n' "$*" "$SECONDS"; }

# generate BLUEPRINT DIR [deploy new options...]: `deploy new BLUEPRINT demo-svc` into DIR.
generate() {
  local blueprint="$1" dir="$2"
  shift 2
  "$deploy" new "$blueprint" demo-svc --no-input --no-git --output "$dir" "$@" ||
    fail "deploy new $blueprint exited $?"
  [[ -f "$dir/.cutover/answers.yaml" ]] || fail "$dir/.cutover/answers.yaml was not written"
}

# check_rendered DIR VERBATIM_REGEX: no Mustache tag is left in a rendered file. Files matching
# VERBATIM_REGEX (paths relative to DIR) are copied without rendering and may hold "{{"; so may
# GitHub expressions, "${{ ... }}".
check_rendered() {
  local dir="$1" verbatim="$2" left
  left="$(cd "$dir" && grep -rn --exclude-dir=node_modules --exclude-dir=build -e '{{' -e '<%' . |
    sed 's|^\./||' | grep -Ev "^($verbatim)" | grep -v '\${{' || true)"
  [[ -z "$left" ]] || fail "unrendered tags in $dir:"$'\n'"$left"
}

# check_policies DIR: each SLOPolicy in deploy/slo-policies.yaml is the library's, unchanged
# (the first document of policies/NAME.yaml, comments included).
check_policies() {
  python3 - "$1/deploy/slo-policies.yaml" "$repo/policies" <<'PY' || fail "deploy/slo-policies.yaml is out of date"
import pathlib, re, sys
text = pathlib.Path(sys.argv[1]).read_text()
names = re.findall(r"^kind: SLOPolicy\nmetadata:\n  name: (\S+)$", text, re.M)
assert names, "no SLOPolicy found"
for name in names:
    library = (pathlib.Path(sys.argv[2]) / f"{name}.yaml").read_text().split("\n---\n")[0]
    if library.rstrip("\n") + "\n" not in text:
        sys.exit(f"{name} differs from policies/{name}.yaml (fix: copy its first document)")
print("policies match the library:", ", ".join(names))
PY
}

# lint DIR: `deploy lint deploy/*.yaml` passes, and actionlint passes on the workflow.
lint() {
  local dir="$1"
  (cd "$dir" && "$deploy" lint deploy/*.yaml) || fail "deploy lint deploy/*.yaml failed in $dir"
  [[ -x "$actionlint" ]] ||
    fail "$actionlint is missing (fix: run tests/tools/actionlint/run.sh, as scripts/test does)"
  git -C "$dir" init -q 2>/dev/null || true  # actionlint finds the project by its .git
  (cd "$dir" && "$actionlint" -shellcheck= -pyflakes= -no-color .github/workflows/deploy.yml) ||
    fail "actionlint failed on $dir/.github/workflows/deploy.yml"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_service LOG COMMAND...: runs COMMAND in the background (service_pid).
start_service() {
  local log="$1"
  shift
  "$@" >"$log" 2>&1 &
  service_pid=$!
}

# wait_ready URL LOG: until URL answers 200 (20 s at most).
wait_ready() {
  local url="$1" log="$2"
  for _ in $(seq 200); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    kill -0 "$service_pid" 2>/dev/null || { cat "$log" >&2; fail "the service exited early"; }
    sleep 0.1
  done
  cat "$log" >&2
  fail "$url did not answer 200 within 20 s"
}

# check_endpoints BASE_URL: the probes answer, and /metrics has both metrics after a request.
check_endpoints() {
  local base="$1" metrics
  curl -fsS "$base/healthz" >/dev/null || fail "GET /healthz"
  curl -fsS "$base/readyz" >/dev/null || fail "GET /readyz"
  curl -fsS "$base/" >/dev/null || fail "GET /"
  metrics="$(curl -fsS "$base/metrics")" || fail "GET /metrics"
  for name in 'http_requests_total{' 'http_request_duration_seconds_bucket{'; do
    grep -qF "$name" <<<"$metrics" || fail "/metrics has no $name"$'\n'"$metrics"
  done
  grep -q 'http_requests_total{.*path="/healthz"' <<<"$metrics" ||
    fail "/metrics did not count GET /healthz"$'\n'"$metrics"
  echo "endpoints ok: /healthz /readyz / /metrics"
}

# stop_service LOG: SIGTERM, then the process must exit 0 within 5 s.
stop_service() {
  local log="$1" status=0
  kill -TERM "$service_pid"
  for _ in $(seq 50); do
    kill -0 "$service_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$service_pid" 2>/dev/null; then
    cat "$log" >&2
    fail "still running 5 s after SIGTERM"
  fi
  wait "$service_pid" || status=$?
  service_pid=""
  [[ "$status" -eq 0 ]] || { cat "$log" >&2; fail "exited $status after SIGTERM (want 0)"; }
  echo "SIGTERM: exited 0"
}
