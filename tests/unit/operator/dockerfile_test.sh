#!/usr/bin/env bash
# operator/Dockerfile cannot be built here (no container engine), so this checks what can be
# checked without one, against the real build:
#   - the build stage installs every Debian -dev package the sources compile against (those of
#     CUTOVER_PACKAGES in scripts/lib.sh, less the test-only ones);
#   - the runtime stage provides, directly or through a package's dependencies, the Debian
#     package of every shared library the built deploy-operator links (ldd + dpkg -S).
# Usage: dockerfile_test.sh DEPLOY_OPERATOR_BINARY
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
binary="$1"
dockerfile="$repo/operator/Dockerfile"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# The package names of each stage's apt-get install (continuation lines joined).
stage_packages() {  # stage_packages FIRST-FROM-LINE-PATTERN
  awk -v from="$1" '
    /^FROM / { in_stage = ($0 ~ from) }
    in_stage { print }' "$dockerfile" |
    sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | grep 'apt-get install' |
    tr ' ' '\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' |
    grep -v -E '^(apt-get|install|rm|update|&&)$' | sort -u
}
build_stage="$(stage_packages 'AS build')"
runtime_stage="$(stage_packages 'debian:12-slim')"
[[ -n "$build_stage" && -n "$runtime_stage" ]] || { echo "FAIL: cannot read the stages of $dockerfile" >&2; exit 1; }

# shellcheck source=/dev/null
source "$repo/scripts/lib.sh"
test_only='^(libgtest-dev|libgmock-dev|libclang-rt-[0-9]+-dev)$'
for pkg in "${CUTOVER_PACKAGES[@]}"; do
  [[ "$pkg" == *-dev && ! "$pkg" =~ $test_only ]] || continue
  grep -qx "$pkg" <<<"$build_stage" || fail "the build stage does not install $pkg (scripts/lib.sh does): add it to operator/Dockerfile"
done

# Runtime: what apt brings with the listed packages, plus what debian:12-slim already has.
# The dependency closure comes from dpkg's own records (these packages are installed here as
# dependencies of the -dev packages), so no apt lists are needed.
closure() {
  local -A seen=()
  local queue=("$@") pkg dep
  while ((${#queue[@]})); do
    pkg="${queue[0]}"
    queue=("${queue[@]:1}")
    [[ -z "$pkg" || -n "${seen[$pkg]:-}" ]] && continue
    seen[$pkg]=1
    for dep in $(dpkg-query -W -f='${Depends} ${Pre-Depends}' "$pkg" 2>/dev/null |
      tr ',|' '\n\n' | sed -e 's/([^)]*)//g' -e 's/:any//g' | tr -d ' '); do
      queue+=("$dep")
    done
  done
  printf '%s\n' "${!seen[@]}" | sort
}
provided="$(closure $runtime_stage)"
base='^(libc6|libstdc\+\+6|libgcc-s1|zlib1g)$'
while read -r lib; do
  pkg="$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null || true)"
  pkg="${pkg%%:*}"
  [[ -n "$pkg" ]] || { fail "no Debian package owns $lib"; continue; }
  [[ "$pkg" =~ $base ]] && continue
  grep -qx "$pkg" <<<"$provided" ||
    fail "deploy-operator links $lib (package $pkg), which the runtime stage does not install: add $pkg to operator/Dockerfile"
done < <(ldd "$binary" | awk '/=>/ { print $3 }')

((failures == 0)) || exit 1
echo "operator/Dockerfile: the build stage installs every -dev package of scripts/lib.sh; the runtime stage provides all $(ldd "$binary" | grep -c '=>') libraries deploy-operator links"
