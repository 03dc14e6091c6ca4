#!/usr/bin/env bash
# Builds the dashboard's assets into $1 (cli/CMakeLists.txt runs it): installs the npm packages
# pinned in package-lock.json (scripts/npm-ci: once, then only when the lock changes), then
# bundles with esbuild (build.mjs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: web/build.sh OUTPUT_DIR}
"$here/../scripts/npm-ci" "$here"
node "$here/build.mjs" "$out"
