// Determinism guard: every recorded history (test/histories/<workflowType>-<scenario>.json, written
// by record-drill-histories.ts and record-lifecycle-histories.ts) must replay against today's
// workflow code without a nondeterminism error. A change that reorders commands (activities,
// timers, child workflows, search attribute upserts) fails here.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from '@temporalio/worker';
import { repoRoot } from '../../common/paths';
import { historyFromFile } from './history-files';

const historiesDir = path.join(repoRoot(), 'test', 'histories');

/** Fewest recorded scenarios per workflow type (a lost file must not shrink coverage silently). */
const MINIMUM_HISTORIES: Record<string, number> = {
  drsDrill: 8,
  drsRecovery: 3,
  drsFailback: 2,
  drsReplication: 3,
  drsPlan: 4,
};

function* recordedHistories() {
  const files = readdirSync(historiesDir).filter((f) => /^drs\w+-.*\.json$/.test(f));
  for (const file of files.sort()) {
    // replayed under the file name: record-lifecycle-histories.ts records under it (drsPlan derives child ids from it)
    yield {
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromFile(readFileSync(path.join(historiesDir, file), 'utf8')),
    };
  }
}

describe('replay over recorded histories', function () {
  this.timeout(120_000);

  it('replays every recorded history of every workflow deterministically', async () => {
    const results = Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../workflows') },
      recordedHistories(),
    );
    const replayed = new Map<string, number>();
    for await (const result of results) {
      assert.ifError(result.error);
      const workflowType = result.workflowId.split('-')[0];
      replayed.set(workflowType, (replayed.get(workflowType) ?? 0) + 1);
    }
    for (const [workflowType, minimum] of Object.entries(MINIMUM_HISTORIES))
      assert.ok(
        (replayed.get(workflowType) ?? 0) >= minimum,
        `replayed ${replayed.get(workflowType) ?? 0} ${workflowType} histories, expected at least ${minimum}`,
      );
  });
});
