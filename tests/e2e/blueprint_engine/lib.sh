# Helpers for the blueprint engine e2e tests. Source it. They need only the built `deploy`
# (CUTOVER_DEPLOY_BIN), git and, for the prompt test, tmux; no cluster.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
deploy="${CUTOVER_DEPLOY_BIN:-$repo/build/cli/deploy}"
fixture="$here/fixtures/demo"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
export GIT_AUTHOR_NAME="Blueprint Test" GIT_AUTHOR_EMAIL="test@example.com"
export GIT_COMMITTER_NAME="Blueprint Test" GIT_COMMITTER_EMAIL="test@example.com"
export NO_COLOR=1

log() { echo "[$(basename "$0")] $*"; }
fail() { log "FAIL: $*"; failures=$((failures + 1)); }

# expect_exit WANT WHAT ARGS...: runs deploy ARGS (stdin from /dev/null), keeps stdout+stderr in
# $out.
expect_exit() {
  local want="$1" what="$2" got=0
  shift 2
  out="$("$deploy" "$@" </dev/null 2>&1)" || got=$?
  if [[ "$got" == "$want" ]]; then log "ok: $what: exit $got"; else
    fail "$what: exit $got, want $want; output:"$'\n'"$out"
  fi
}

# expect_in TEXT [WHAT]: $out contains TEXT.
expect_in() {
  if [[ "$out" == *"$1"* ]]; then log "ok: ${2:-output} mentions '$1'"; else
    fail "${2:-output} lacks '$1':"$'\n'"$out"
  fi
}

# expect_file PATH [CONTENT-PART]: PATH exists (and contains CONTENT-PART).
expect_file() {
  if [[ ! -f "$1" ]]; then fail "missing file $1"; return; fi
  if [[ $# -gt 1 ]] && ! grep -qF -- "$2" "$1"; then
    fail "$1 lacks '$2':"$'\n'"$(cat "$1")"
  else
    log "ok: $1${2:+ has '$2'}"
  fi
}

expect_absent() {
  if [[ -e "$1" ]]; then fail "$1 should not exist"; else log "ok: no $1"; fi
}

# nothing_left DIR: DIR has no entries (no partial output, no temp folders).
nothing_left() {
  if [[ -n "$(ls -A "$1")" ]]; then fail "$1 is not empty: $(ls -A "$1")"; else
    log "ok: nothing left in $1"
  fi
}

finish() {
  if [[ "$failures" -gt 0 ]]; then log "$failures check(s) failed"; exit 1; fi
  log "all checks passed"
}
