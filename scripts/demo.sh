#!/usr/bin/env bash
# `npm run demo [-- --keep-running]`: installs what is missing, builds, then runs a drsDrill end to end
# on the local stack (Temporal dev server + Web UI, DRS emulator, worker) and prints the report and
# the UI address (scripts/demo.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
# Only what the demo needs: node_modules and the Temporal CLI (no test tools), and the sources
# compiled without type checking (scripts/transpile.mjs: a second, where tsc takes a minute).
echo "Preparing: npm dependencies and the Temporal CLI where missing, then compiling…"
bash scripts/install-tools.sh --quiet --demo
node scripts/transpile.mjs
# The SDK's notice that its releases from 2027 need Node 22: this project supports Node 20.19+
# (package.json engines) and pins its SDK; the demo prints only its own progress.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
exec node dist/scripts/demo.js "$@"
