# Shared by scripts/test and scripts/demo: installs what a fresh Debian 12 machine lacks and
# configures the build. Source it; do not run it.

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages the build, the tests and the local cluster need.
CUTOVER_PACKAGES=(
  cmake ninja-build pkg-config g++ ccache git
  libcpp-httplib-dev libssl-dev zlib1g-dev libbrotli-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libgit2-dev prometheus-cpp-dev
  libkainjow-mustache-dev
  libfmt-dev libgtest-dev libgmock-dev
  clang-format clang-19 libclang-rt-19-dev
  prometheus curl python3 tmux
)

log() { printf '\n==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
  local missing=()
  for pkg in "${CUTOVER_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
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

# configure BUILD_DIR [cmake args...]: configures once, with ccache when available.
configure() {
  local dir="$1"; shift
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$repo" -B "$dir" -G Ninja "${launcher[@]}" "$@" >/dev/null
}
