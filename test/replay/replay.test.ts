// Determinism guard: every recorded history (test/histories/<workflowType>-<scenario>.json, written
// by record-drill-histories.ts, record-lifecycle-histories.ts and record-capacity-history.ts) must
// replay against today's workflow code without a nondeterminism error. A change that adds or reorders commands
// (activities, timers, child workflows, search attribute or memo upserts) fails here unless it is
// behind patched(): the last two cases show both.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DefaultLogger, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { repoRoot } from '../../common/paths';
import { historyFromFile } from './history-files';
import { productWorkflowBundle } from '../helpers/workflow-code';

// webpack's report of each fixture bundle would bury the test output
const quietLogger = new DefaultLogger('WARN');

const historiesDir = path.join(repoRoot(), 'test', 'histories');

/** Fewest recorded scenarios per workflow type (a lost file must not shrink coverage silently). */
const MINIMUM_HISTORIES: Record<string, number> = {
  drsDrill: 8,
  drsRecovery: 5,
  drsFailback: 5,
  drsReprotect: 2,
  drsReplication: 6,
  drsPlan: 4,
  drsReadiness: 2,
  drsReconcile: 1,
  drsExtend: 1,
  // queues on old builds that got a hand-over or a failover's request, and requests by signal and
  // by update (record-capacity-history.ts)
  drsCapacity: 4,
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
    // the workflow code a worker runs, for every type's replay
    workflowBundle = await productWorkflowBundle();
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

  describe('a change to drsDrill (test/fixtures/drill-change.ts) against every recorded drsDrill history', () => {
    const drillHistories = () => [...recordedHistories('drsDrill')];
    const bundleFixture = (name: string) =>
      bundleWorkflowCode({ workflowsPath: require.resolve(`../fixtures/${name}`), logger: quietLogger });

    it('made without patched(), fails replay with a determinism violation', async () => {
      const workflowBundle = await bundleFixture('drill-change-unguarded');
      for (const { history, workflowId } of drillHistories()) {
        await assert.rejects(
          Worker.runReplayHistory({ workflowBundle }, history, workflowId),
          DeterminismViolationError,
          workflowId,
        );
      }
    });

    it('made behind patched(), replays every one (old runs keep their old path)', async () => {
      const workflowBundle = await bundleFixture('drill-change-patched');
      let replayed = 0;
      for await (const result of Worker.runReplayHistories({ workflowBundle }, drillHistories())) {
        assert.ifError(result.error);
        replayed++;
      }
      assert.equal(replayed, drillHistories().length);
    });
  });
});
