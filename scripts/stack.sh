#!/usr/bin/env bash
# `npm run stack [-- options]`: the production-shaped stack on this machine, natively (no Docker):
# PostgreSQL from .data/stack/pg, the Temporal server v1.32.0 built from its Go module with its
# frontend behind mTLS, the project's namespace and search attributes, the standalone Web UI, the
# DRS emulator and two worker processes from the prebuilt bundle, each with its Prometheus endpoint.
# Everything listens on 127.0.0.1; the worker and drsctl connect through the envconfig profile
# `stack` of .data/stack/temporal.toml.
#   npm run stack                       start it (installs/builds what is missing first)
#   npm run stack -- --stop             stop every process it started, then PostgreSQL
#   npm run stack -- --data-dir <dir>   another data folder (default .data/stack)
#   npm run stack -- --workers <n>      worker processes (default 2)
#   npm run stack -- --time-scale <f>   the emulator's --time-scale (default 1)
# The first run builds the Temporal server, its SQL tool and the UI server (scripts/build-stack.sh,
# minutes, once per machine: cached under ~/.cache/temporal-drs).
set -euo pipefail
cd "$(dirname "$0")/.."
for arg in "$@"; do
  case "$arg" in -h|--help) sed -n '2,14p' "$0"; exit 0 ;; esac
done
case " $* " in
  *" --stop "*) [ -f dist/scripts/stack.js ] || npx tsc -p tsconfig.json ;;
  *)
    bash scripts/install-tools.sh --quiet
    bash scripts/build-stack.sh
    echo "stack: building the worker (tsc, workflow bundle)"
    npx tsc -p tsconfig.json
    npm run -s bundle >/dev/null
    ;;
esac
exec node dist/scripts/stack.js "$@"
