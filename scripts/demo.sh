#!/usr/bin/env bash
# `npm run demo`: installs what is missing and starts the local Temporal dev server with its Web UI.
# (The drill end to end is added by the drill work; until then this starts the local stack.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh --quiet
npx tsc -p tsconfig.json
exec node dist/scripts/dev-server.js
