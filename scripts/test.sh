#!/usr/bin/env bash
# The whole test suite: installs what is missing, checks types, lint and format, then runs mocha.
# Extra arguments go to mocha (e.g. `npm test -- --grep drill`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-tools.sh --quiet --with-browser  # chromium for test/ui (a missing browser fails that test)
bash scripts/build-stack.sh  # PostgreSQL, Temporal server + UI server from Go for test/survival (cached per machine)
echo "== typecheck + build"; rm -rf dist; npx tsc -p tsconfig.json; npm run -s bundle  # workers start from it, as in production
echo "== lint + format + dead exports"; npx eslint . && npx prettier --check . >/dev/null && npx knip
# The suites, slowest first so the parallel jobs end together. They live here, not in
# .mocharc.json, so `npx mocha dist/test/unit/x.test.js` runs that file alone.
specs=(
  "dist/test/survival/**/*.test.js"
  "dist/test/e2e/**/*.test.js"
  "dist/test/workflows/**/*.test.js"
  "dist/test/cli/**/*.test.js"
  "dist/test/ui/**/*.test.js"
  "dist/test/worker/**/*.test.js"
  "dist/test/foundation/**/*.test.js"
  "dist/test/replay/**/*.test.js"
  "dist/test/deploy/**/*.test.js"
  "dist/test/emulator/**/*.test.js"
  "dist/test/integration/**/*.test.js"
  "dist/test/unit/**/*.test.js"
)
echo "== mocha"; npx mocha "${specs[@]}" "$@"
