// Determinism guard: every recorded history (test/histories/<workflowType>-<scenario>.json, written
// by record-drill-histories.ts and record-lifecycle-histories.ts) must replay against today's
// workflow code without a nondeterminism error. A change that reorders commands (activities,
// timers, child workflows, search attribute upserts) fails here, as the negative case shows.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
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

const historyFiles = () =>
  readdirSync(historiesDir)
    .filter((f) => f.endsWith('.json'))
    .sort();

/** The recorded histories of one workflow type, each under its file name as workflow id. */
function* recordedHistories(workflowType: string) {
  for (const file of historyFiles().filter((f) => f.startsWith(`${workflowType}-`))) {
    // replayed under the file name: record-lifecycle-histories.ts records under it (drsPlan derives child ids from it)
    yield {
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromFile(readFileSync(path.join(historiesDir, file), 'utf8')),
    };
  }
}

describe('replay over recorded histories', function () {
  this.timeout(120_000);
  let workflowBundle: WorkflowBundle;

  before(async () => {
    // one bundle of the real workflows for every type's replay
    workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
  });

  it('every history file belongs to a workflow type replayed here', () => {
    const types = Object.keys(MINIMUM_HISTORIES);
    assert.deepEqual(
      historyFiles().filter((f) => !types.some((type) => f.startsWith(`${type}-`))),
      [],
    );
  });

  for (const [workflowType, minimum] of Object.entries(MINIMUM_HISTORIES)) {
    it(`replays every recorded ${workflowType} history deterministically`, async () => {
      let replayed = 0;
      for await (const result of Worker.runReplayHistories(
        { workflowBundle },
        recordedHistories(workflowType),
      )) {
        assert.ifError(result.error);
        replayed++;
      }
      assert.ok(
        replayed >= minimum,
        `replayed ${replayed} ${workflowType} histories, expected at least ${minimum}`,
      );
    });
  }

  it('fails with a determinism violation when drsDrill issues different commands', async () => {
    const [recorded] = recordedHistories('drsDrill');
    await assert.rejects(
      Worker.runReplayHistory(
        { workflowsPath: require.resolve('../fixtures/altered-drill') },
        recorded.history,
        recorded.workflowId,
      ),
      DeterminismViolationError,
    );
  });
});
