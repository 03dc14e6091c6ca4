#!/usr/bin/env bash
# The nestjs-service blueprint end to end: `deploy new`, lint (deploy lint, actionlint), then
# `npm ci --offline` (scripts/lib.sh's install step pre-fetches the locked packages into the
# npm cache; tests talk to 127.0.0.1 only), `npm run build`, `npm test`, run the service on a
# free 127.0.0.1 port, check /healthz, /readyz and /metrics, and stop it with SIGTERM.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out="$work/demo-svc"
command -v npm >/dev/null || fail "npm is not installed"
export npm_config_update_notifier=false npm_config_audit=false npm_config_fund=false

step "deploy new nestjs-service demo-svc"
generate nestjs-service "$out"
check_rendered "$out" 'deploy/slo-policies.yaml'
check_policies "$out"
grep -q '"name": "demo-svc"' "$out/package-lock.json" || fail "package-lock.json does not name demo-svc"
lint "$out"

step "npm ci --offline"
started=$SECONDS
(cd "$out" && npm ci --offline) ||
  fail "npm ci --offline (fix: run blueprints/nestjs-service/prefetch-npm-cache.sh with network)"
echo "installed in $((SECONDS - started)) s"
step "npm run build"
(cd "$out" && npm run build) || fail "npm run build"
step "npm test"
(cd "$out" && npm test) || fail "npm test"

step "run, probe, SIGTERM"
port="$(free_port)"
start_service "$work/service.log" env -C "$out" HOST=127.0.0.1 PORT="$port" node dist/main.js
wait_ready "http://127.0.0.1:$port/healthz" "$work/service.log"
check_endpoints "http://127.0.0.1:$port"
stop_service "$work/service.log"
echo "nestjs-service: pass in ${SECONDS}s"
