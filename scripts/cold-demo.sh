#!/usr/bin/env bash
# Measures `npm run demo` as a new user's first run, without touching this machine's own caches:
# a fresh clone of the current branch into a temporary folder, with HOME, XDG_CACHE_HOME, npm's,
# pip's and Go's caches all pointed at empty temporary folders, so node_modules, the tools cache
# (~/.cache/temporal-drs), Maven's repository and the Go caches all start empty.
#
#   bash scripts/cold-demo.sh [--keep]   # prints the demo's output, then its time and the load
#
# The demo runs on free ports, so it does not collide with a dev server already on 7233/8233.
# The machine's own configuration (npm's user config, pyenv, pip's environment) is kept: a fresh
# machine has its registries configured too. --keep leaves the temporary folder for inspection.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keep=0
[ "${1:-}" = --keep ] && keep=1

work=$(mktemp -d /tmp/cold-demo.XXXXXX)
cleanup() { [ "$keep" = 1 ] && echo "cold-demo: kept $work" || rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/home" "$work/cache" "$work/npm" "$work/pip" "$work/go" "$work/gocache"

branch=$(git -C "$root" rev-parse --abbrev-ref HEAD)
git clone --quiet --branch "$branch" "$root" "$work/clone"
echo "cold-demo: fresh clone of $branch ($(git -C "$work/clone" rev-parse --short HEAD)) in $work/clone"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
ui_port=$(free_port)

user_npmrc=$HOME/.npmrc
env_args=(
  HOME="$work/home" XDG_CACHE_HOME="$work/cache" npm_config_cache="$work/npm"
  PIP_CACHE_DIR="$work/pip" GOPATH="$work/go" GOCACHE="$work/gocache" GOMODCACHE="$work/go/pkg/mod"
)
[ -f "$user_npmrc" ] && env_args+=(npm_config_userconfig="$user_npmrc")

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s.%N)
set +e
# each line with the second it arrived, for the breakdown below
(cd "$work/clone" && env "${env_args[@]}" npm run demo -- --port "$port" --ui-port "$ui_port") 2>&1 |
  while IFS= read -r line; do
    printf '%s\n' "$line"
    printf '%s %s\n' "$(date +%s.%N)" "$line" >>"$work/timed.log"
  done
status=${PIPESTATUS[0]}
set -e
end=$(date +%s.%N)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

elapsed=$(python3 -c "print(f'{$end - $start:.0f}')")
echo
echo "cold-demo: exit $status, $elapsed s wall clock on $(nproc) cores;" \
  "load average before $load_before, after $load_after"
echo "cold-demo: $(wc -l < "$work/timed.log") lines printed"
# install + compile end at the demo's first line; the stack is up when the drill starts
python3 - "$work/timed.log" "$start" "$end" <<'PY'
import sys
start, end = float(sys.argv[2]), float(sys.argv[3])
at = {}
for line in open(sys.argv[1]):
    t, _, text = line.rstrip("\n").partition(" ")
    for key, prefix in (("setup", "Starting the Temporal dev server"), ("drill", "Started drsDrill"),
                        ("report", "Drill report")):
        if text.startswith(prefix) and key not in at:
            at[key] = float(t)
if len(at) == 3:
    print(f"cold-demo: install + compile {at['setup'] - start:.0f} s, stack start {at['drill'] - at['setup']:.0f} s, "
          f"drill {at['report'] - at['drill']:.0f} s, report and stop {end - at['report']:.0f} s")
PY
exit "$status"
