import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../common/paths';
import { WORKER_ENV_VARS } from '../../worker/config';
import { REFERENCE_BEGIN, REFERENCE_END, renderConfigurationReference } from '../../worker/config-reference';

describe('configuration reference (docs/configuration.md)', () => {
  const rendered = renderConfigurationReference();

  it('documents every variable the worker reads, with its default', () => {
    for (const name of WORKER_ENV_VARS) {
      assert.match(rendered, new RegExp(`^\\| \`${name}\` \\| (unset|\`[^\`]+\`) \\| \\S`, 'm'), name);
    }
    const rows = rendered.split('\n').filter((line) => /^\| `[A-Z0-9_]+` \|/.test(line));
    assert.equal(rows.length, WORKER_ENV_VARS.length, 'no variable twice, none the worker does not read');
  });

  it('is what the schema renders today (regenerate with node dist/worker/config-reference.js)', () => {
    const doc = readFileSync(path.join(repoRoot(), 'docs/configuration.md'), 'utf8');
    const block = doc.slice(doc.indexOf(REFERENCE_BEGIN), doc.indexOf(REFERENCE_END) + REFERENCE_END.length);
    assert.equal(block, rendered);
  });
});
