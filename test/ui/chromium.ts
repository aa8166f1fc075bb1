// Debian's chromium for the UI tests (driven by playwright-core; no browser download): where it is,
// the flags it needs here, and the preflight both suites run first.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

// Chromium on a closed network hangs on its background connections unless told not to make them.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Fails (never skips) when chromium is missing: `npm test` installs it (scripts/install-tools.sh --with-browser). */
export function requireChromium(): void {
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} is missing: run 'bash scripts/install-tools.sh --with-browser' (apt-get install chromium)`,
  );
}
