// Records test/histories/drsCapacity-hand-over-on-old-build.json: a capacity queue run by a build
// from before hand-overs (no capacityHandOver handler) that receives one, as can happen while old
// and new workers share a task queue. The replay test replays it on today's code, which must ignore
// that signal as the old build did: handled, the hand-over would free a server place, grant the
// waiting request and signal it, a command the history lacks. Record it with the workflow bundle
// of a build from before hand-overs (commit bc2731e):
//   git worktree add /tmp/old bc2731e && ln -s "$PWD/node_modules" /tmp/old/node_modules
//   (cd /tmp/old && npx tsc -p tsconfig.json && npm run -s bundle)
//   npx tsc -p tsconfig.json && node dist/test/replay/record-capacity-history.js /tmp/old/dist/workflow-bundle.js
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { CapacityLane } from '../../common/capacity';
import { repoRoot } from '../../common/paths';
import {
  capacityHandOverSignal,
  capacityQuery,
  capacityReleaseSignal,
  capacityRequestSignal,
} from '../../workflows/messages';
import { timeSkippingEnv } from '../helpers/temporal';
import { historyToFile } from './history-files';

const NAME = 'drsCapacity-hand-over-on-old-build';

/**
 * Waits until the queue has taken every signal sent so far in a completed task (a query answers
 * from the last task, and the release must land in a later task than the hand-over).
 */
async function settled(handle: WorkflowHandle): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const events = (await handle.fetchHistory()).events ?? [];
    let lastDone = -1;
    events.forEach((e, index) => {
      if (e.workflowTaskCompletedEventAttributes) lastDone = index;
    });
    const waiting = events
      .slice(lastDone + 1)
      .some((e) => e.workflowExecutionSignaledEventAttributes || e.workflowTaskScheduledEventAttributes);
    if (lastDone >= 0 && !waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the queue did not take its signals within 5 s');
}

async function recordOldBuildHandOver(bundlePath: string): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const env = await timeSkippingEnv();
  try {
    const taskQueue = `record-${process.pid}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: bundlePath },
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('drsCapacity', {
        taskQueue,
        workflowId: NAME,
        args: [],
      });
      const { workflowId } = handle;
      const runId = handle.firstExecutionRunId;
      // the queue's own run stands in for the requesting runs: its grant signals then reach a
      // running workflow (it has no handler for them, so they wait there unread)
      const request = (step: string, sourceServerIds: string[], lane: CapacityLane) => ({
        requestId: `${workflowId}/${runId}/${step}`,
        workflowId,
        runId,
        sourceServerIds,
        lane,
        purpose: `recorded ${step}`,
        requestedAt: new Date(0).toISOString(),
      });
      // two servers in active jobs at most: the launch of s-1 and s-2 fills it, s-3 waits
      const limits = { maxConcurrentJobs: 2, maxServersInActiveJobs: 2 };
      const launch = request('launch', ['s-1', 's-2'], 'launch');
      await handle.signal(capacityRequestSignal, { request: launch, limits });
      await handle.signal(capacityRequestSignal, { request: request('queued', ['s-3'], 'launch'), limits });
      await handle.signal(capacityHandOverSignal, {
        from: launch.requestId,
        request: request('cleanup', ['s-1'], 'cleanup'),
      });
      await settled(handle);
      const state = await handle.query(capacityQuery);
      assert.deepEqual(
        [state.holders.map((h) => h.requestId), state.waiting.map((w) => w.requestId)],
        [[launch.requestId], [`${workflowId}/${runId}/queued`]],
        'the bundle is from before hand-overs: the queue ignored the signal',
      );
      // the old build's way: the launch's place given back, the queued request granted in a later
      // task (a replay that handled the hand-over would have granted it one task earlier)
      await handle.signal(capacityReleaseSignal, { requestId: launch.requestId });
      await settled(handle);
      const after = await handle.query(capacityQuery);
      assert.deepEqual(
        after.holders.map((h) => h.requestId),
        [`${workflowId}/${runId}/queued`],
      );
      const history = await handle.fetchHistory();
      const file = path.join(repoRoot(), 'test', 'histories', `${NAME}.json`);
      writeFileSync(file, historyToFile(history));
      console.log(`${file}: ${history.events?.length} events`);
      await handle.terminate('recorded');
    });
  } finally {
    await env.teardown();
  }
}

const [bundlePath] = process.argv.slice(2);
if (!bundlePath) {
  console.error(
    'usage: node dist/test/replay/record-capacity-history.js <workflow bundle of a build before hand-overs>',
  );
  process.exit(2);
}
recordOldBuildHandOver(bundlePath).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
