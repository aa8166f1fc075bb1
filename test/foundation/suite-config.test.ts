// The suite's file list is spelled out folder by folder in scripts/test.sh (the parallel run hands
// the slow end-to-end folders out first); a test folder missing from it would silently never run.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../common/paths';

describe('the suite configuration', () => {
  it('runs every folder of test files under test/', () => {
    const script = readFileSync(path.join(repoRoot(), 'scripts/test.sh'), 'utf8');
    const specs = [...script.matchAll(/"(dist\/test\/[^"]+)"/g)].map((m) => m[1]);
    const testDir = path.join(repoRoot(), 'test');
    const withTests = readdirSync(testDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.test.ts'))
      .map((file) => file.split(path.sep)[0]);
    const missing = [...new Set(withTests)].filter((dir) => !specs.includes(`dist/test/${dir}/**/*.test.js`));
    assert.deepEqual(missing, [], 'scripts/test.sh lacks these test folders');
  });
});
