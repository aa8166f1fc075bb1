// The inputs people copy from docs/ui.md into the UI's Start Workflow form, and the example CI
// files, must stay valid as the schemas change.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildInput } from '../../client/input';
import { drillOperation, operationByWorkflowType } from '../../client/operations';
import { repoRoot } from '../../common/paths';

const read = (file: string) => readFileSync(path.join(repoRoot(), file), 'utf8');

describe('documented inputs and CI examples', () => {
  it('every JSON input in docs/ui.md is valid for its workflow type', () => {
    const blocks = [...read('docs/ui.md').matchAll(/<!-- input: (\w+) -->\n```json\n([\s\S]*?)```/g)];
    const types = new Set(blocks.map(([, type]) => type));
    assert.deepEqual([...types].sort(), [
      'drsDrill',
      'drsExtend',
      'drsFailback',
      'drsPlan',
      'drsReadiness',
      'drsReconcile',
      'drsRecovery',
      'drsReplication',
      'drsReprotect',
    ]);
    for (const [, workflowType, json] of blocks) {
      const operation = operationByWorkflowType(workflowType);
      assert.ok(operation, `${workflowType} is a drsctl operation`);
      assert.doesNotThrow(() => operation.validate(JSON.parse(json)), `${workflowType}: ${json}`);
    }
  });

  it('the example drill input is valid and the CI examples run drsctl with --wait and a JUnit report', () => {
    assert.doesNotThrow(() =>
      buildInput(drillOperation, {
        inputFile: path.join(repoRoot(), 'examples/drill-web-tier.yaml'),
        flags: new Map(),
        env: {},
      }),
    );
    for (const file of ['examples/github-actions-drill.yml', 'examples/gitlab-ci-drill.yml']) {
      const text = read(file);
      assert.equal(typeof parseYaml(text), 'object', `${file} parses`);
      assert.match(text, /npx drsctl drill --input examples\/drill-web-tier\.yaml --wait/);
      assert.match(text, /--report-junit drill-report\.xml/);
    }
  });
});
