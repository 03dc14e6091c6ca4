#!/usr/bin/env bash
# A quick check of operator/Dockerfile against the real build, without a container engine: the
# build stage installs every Debian -dev package the sources compile against (those of
# CUTOVER_PACKAGES in scripts/lib.sh, less the test-only ones). The runtime stage is FROM
# scratch and takes exactly what `ldd` lists in the build stage, which also runs the binary in
# the copied tree (chroot); scripts/image builds the image for real and tests/e2e/image runs it.
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
[[ -n "$build_stage" ]] || { echo "FAIL: cannot read the build stage of $dockerfile" >&2; exit 1; }
grep -q '^FROM scratch' "$dockerfile" || fail "the runtime stage is no longer FROM scratch: check what it installs"

# shellcheck source=/dev/null
source "$repo/scripts/lib.sh"
test_only='^(libgtest-dev|libgmock-dev|libclang-rt-[0-9]+-dev)$'
for pkg in "${CUTOVER_PACKAGES[@]}"; do
  [[ "$pkg" == *-dev && ! "$pkg" =~ $test_only ]] || continue
  grep -qx "$pkg" <<<"$build_stage" || fail "the build stage does not install $pkg (scripts/lib.sh does): add it to operator/Dockerfile"
done

((failures == 0)) || exit 1
echo "operator/Dockerfile: the build stage installs every -dev package of scripts/lib.sh; the runtime stage copies the $(ldd "$binary" | grep -c '=>') libraries deploy-operator links"
