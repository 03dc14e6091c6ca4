#!/usr/bin/env bash
# Builds the dashboard's assets into $1 (cli/CMakeLists.txt runs it): installs the pinned npm
# packages from package-lock.json when they changed (`npm ci`, no install scripts: esbuild's
# binary comes as its platform package), then bundles with esbuild. Build trees share web/
# node_modules, so installs take a lock.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: web/build.sh OUTPUT_DIR}
cd "$here"
exec 9>"$here/.install.lock"
flock 9
if [[ ! -f node_modules/.package-lock.json ]] || ! cmp -s package-lock.json node_modules/.installed-lock.json; then
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  cp package-lock.json node_modules/.installed-lock.json
fi
flock -u 9
node build.mjs "$out"
