#!/usr/bin/env bash
# What `npm run stack` and test/survival need beyond install-tools.sh, once per machine:
#   PostgreSQL              Debian's package, installed with apt-get when initdb is missing
#   temporal-server-<v>     go.temporal.io/server/cmd/server             (the Temporal server)
#   temporal-sql-tool-<v>   go.temporal.io/server/cmd/tools/sql          (creates/updates its SQL schemas)
#   temporal-ui-server-<v>  github.com/temporalio/ui-server/v2/cmd/server (the standalone Web UI)
# The Go programs are pinned and built with `go install` (Go >= 1.26.8); the binaries, Go's module
# cache (which also holds the server's SQL schemas) and its build cache live under the user's tools
# cache (~/.cache/temporal-drs), so later runs and clones on the same machine take a second.
# Go's download chatter is hidden: one progress line per program built.
# Usage: build-stack.sh [--quiet]
set -euo pipefail

TEMPORAL_SERVER_VERSION=v1.32.0  # the server inside the pinned CLI 1.9.1; builds with Go 1.26.8
UI_SERVER_VERSION=v2.54.1        # the Web UI inside the pinned CLI 1.9.1

cache=${TEMPORAL_DRS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/temporal-drs}
quiet=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "build-stack: unknown option $arg" >&2; exit 2 ;;
  esac
done
say() { [ "$quiet" = 1 ] || echo "build-stack: $*" >&2; }

# --- PostgreSQL (Debian) --------------------------------------------------------------------
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  say "installing Debian's postgresql"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi

# --- Go programs ----------------------------------------------------------------------------
command -v go >/dev/null 2>&1 || { echo "build-stack: Go >= 1.26.8 is required to build the Temporal server" >&2; exit 3; }
export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" GOFLAGS=-mod=mod GOTOOLCHAIN=local
mkdir -p "$cache/bin"

# build <package@version> <cached binary name>
build() {
  local pkg=$1 out="$cache/bin/$2"
  [ -x "$out" ] && return 0
  local start=$SECONDS tmpbin log
  tmpbin=$(mktemp -d); log=$(mktemp)
  say "building $2 from $pkg (once per machine; minutes)"
  # nice: the build must not starve whatever else runs on the machine
  if ! nice -n 10 env GOBIN="$tmpbin" go install -trimpath "$pkg" >"$log" 2>&1; then
    grep -v '^go: downloading' "$log" >&2 || true
    rm -rf "$tmpbin" "$log"
    echo "build-stack: go install $pkg failed" >&2
    exit 1
  fi
  mv "$tmpbin"/* "$out"
  rm -rf "$tmpbin" "$log"
  say "built $2 in $((SECONDS - start)) s"
}

build "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" "temporal-server-$TEMPORAL_SERVER_VERSION"
build "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" "temporal-sql-tool-$TEMPORAL_SERVER_VERSION"
build "github.com/temporalio/ui-server/v2/cmd/server@$UI_SERVER_VERSION" "temporal-ui-server-$UI_SERVER_VERSION"
