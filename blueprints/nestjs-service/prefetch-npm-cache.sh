#!/usr/bin/env bash
# Fills the npm cache (~/.npm, or $npm_config_cache) with every package template/package-lock.json
# pins, so that tests/e2e/blueprints can run `npm ci --offline` in a generated nestjs-service
# (tests talk to 127.0.0.1 only). Called from scripts/lib.sh's install step. Idempotent: with a
# warm cache it installs from the cache and touches no network. Never fails the caller (the
# demo does not need it): without npm or the registry it warns, and the blueprint test fails.
set -euo pipefail
template="$(cd "$(dirname "${BASH_SOURCE[0]}")/template" && pwd)"
if ! command -v npm >/dev/null; then
  echo "warning: npm not found; the nestjs-service blueprint test will fail" >&2
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for file in package.json package-lock.json; do
  sed 's/"name": "{{name}}"/"name": "npm-cache-prefetch"/' "$template/$file" >"$work/$file"
done
if ! (cd "$work" && npm ci --prefer-offline --ignore-scripts --no-audit --no-fund \
  --loglevel=error >/dev/null); then
  echo "warning: could not fill the npm cache for the nestjs-service blueprint test" >&2
fi
