#!/usr/bin/env bash
# The whole test suite: installs what is missing, checks types, lint and format, then runs mocha.
# Extra arguments go to mocha (e.g. `npm test -- --grep drill`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-tools.sh --quiet --with-browser  # chromium for test/ui (a missing browser fails that test)
echo "== typecheck + build"; rm -rf dist; npx tsc -p tsconfig.json; npm run -s bundle  # workers start from it, as in production
echo "== lint + format"; npx eslint . && npx prettier --check . >/dev/null
echo "== mocha"; npx mocha "$@"
