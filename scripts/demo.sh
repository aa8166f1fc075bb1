#!/usr/bin/env bash
# `npm run demo [-- --keep-running]`: installs what is missing, builds, then runs a drsDrill end to end
# on the local stack (Temporal dev server + Web UI, DRS emulator, worker) and prints the report and
# the UI address (scripts/demo.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh --quiet
npx tsc -p tsconfig.json
exec node dist/scripts/demo.js "$@"
