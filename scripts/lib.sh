# Shared by scripts/test and scripts/demo: installs what a fresh Debian 12 machine lacks and
# configures the build. Source it; do not run it.

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# ccache hashes paths relative to the clone (CCACHE_BASEDIR) and not the working folder
# (CCACHE_NOHASHDIR), so a second clone on this machine, CI's included, reuses the objects the
# first one compiled: a clone at another path was a full rebuild. The price: the debug info of
# an object from the cache names the clone that compiled it first. Nothing we run reads it.
export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=true

# Debian packages the build, the tests and the local cluster need. clang-tidy-19 is for
# scripts/tidy (the same LLVM as the fuzz build); python3-yaml for operator/config/crd/gen_crds.py;
# openssl (the command) makes the HTTPS test server's throwaway certificate (unit tests);
# chromium is the headless browser of the dashboard's tests, python3-aiosmtpd their mail server.
CUTOVER_PACKAGES=(
  cmake ninja-build pkg-config g++ ccache git
  libcpp-httplib-dev libmicrohttpd-dev libcurl4-openssl-dev libssl-dev zlib1g-dev libbrotli-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libgit2-dev prometheus-cpp-dev
  libkainjow-mustache-dev
  libfmt-dev libgtest-dev libgmock-dev
  clang-format clang-19 libclang-rt-19-dev clang-tidy-19
  prometheus curl jq python3 python3-yaml tmux openssl
  chromium python3-aiosmtpd
)

# log MESSAGE: a step heading on stderr, with the seconds since the calling script started (so
# a CI log shows where the time went).
log() { printf '\n==> %s  [%d s]\n' "$*" "$SECONDS" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing_packages() {
  local pkg
  for pkg in "${CUTOVER_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

install_packages() {
  local missing=() lock
  mapfile -t missing < <(missing_packages)
  if [ "${#missing[@]}" -gt 0 ]; then
    # apt fails an apt-get started while another runs (its own lock): two runs at once take
    # turns here, and the second looks again, since the first may have installed them all.
    exec {lock}>"${TMPDIR:-/tmp}/cutover-install-packages.lock"
    flock "$lock"
    mapfile -t missing < <(missing_packages)
    if [ "${#missing[@]}" -gt 0 ]; then
      log "installing Debian packages: ${missing[*]}"
      # The lock's fd is closed for apt: a service a package starts must not inherit it.
      as_root apt-get update -qq {lock}>&-
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null {lock}>&-
    fi
    exec {lock}>&-
  fi
  # Debian's prometheus package may start a system service; the tests run their own.
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
    as_root systemctl stop prometheus || true
  fi
  for tool in go kubectl; do
    command -v "$tool" >/dev/null || { echo "error: $tool is required and not on PATH" >&2; exit 1; }
  done
  "$repo/blueprints/nestjs-service/prefetch-npm-cache.sh"  # npm cache for the blueprint e2e test
}

# with_tree_lock BUILD_DIR COMMAND...: runs COMMAND holding BUILD_DIR's lock. Two runs at once
# (two scripts/test, or a test and a demo) would otherwise run two CMakes or two Ninjas over
# the same cache and outputs.
with_tree_lock() {
  local dir="$1"; shift
  mkdir -p "$dir"
  flock --close "$dir/.cutover-build.lock" "$@"  # --close: no compiler inherits the lock
}

# configure BUILD_DIR [cmake args...]: configures once, with ccache when available.
configure() {
  local dir="$1"; shift
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  with_tree_lock "$dir" cmake -S "$repo" -B "$dir" -G Ninja "${launcher[@]}" "$@" >/dev/null
}

# build_tree BUILD_DIR [cmake --build args...]: builds BUILD_DIR under its lock.
build_tree() {
  local dir="$1"; shift
  with_tree_lock "$dir" cmake --build "$dir" "$@"
}
