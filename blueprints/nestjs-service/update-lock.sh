#!/usr/bin/env bash
# Regenerates template/package-lock.json from template/package.json (run after changing a
# dependency there; needs the npm registry). The lockfile keeps its "resolved" URLs whatever the
# local npm configuration says, so that `npm ci --offline` can install from a warm cache, and
# its root name stays the {{name}} placeholder the blueprint renders.
set -euo pipefail
template="$(cd "$(dirname "${BASH_SOURCE[0]}")/template" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed 's/"name": "{{name}}"/"name": "blueprint-placeholder"/' "$template/package.json" >"$work/package.json"
(cd "$work" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund \
  --omit-lockfile-registry-resolved=false >/dev/null)
sed 's/"name": "blueprint-placeholder"/"name": "{{name}}"/' "$work/package-lock.json" \
  >"$template/package-lock.json"
echo "wrote $template/package-lock.json ($(grep -c '"resolved"' "$template/package-lock.json") packages)"
