// Records the capacity queue's histories of an old build meeting what a newer one sends, as can
// happen while old and new workers share a task queue. The replay test replays them on today's code,
// which must do what the old build did.
//
// `hand-over` (test/histories/drsCapacity-hand-over-on-old-build.json): a build from before
// hand-overs (no capacityHandOver handler) receives one. Handled, the hand-over would free a server
// place, grant the waiting request and signal it, a command the history lacks. Record it with the
// workflow bundle of a build from before hand-overs (commit bc2731e):
//   git worktree add /tmp/old bc2731e && ln -s "$PWD/node_modules" /tmp/old/node_modules
//   (cd /tmp/old && npx tsc -p tsconfig.json && npm run -s bundle)
//   npx tsc -p tsconfig.json && node dist/test/replay/record-capacity-history.js /tmp/old/dist/workflow-bundle.js hand-over
//
// `priority` (test/histories/drsCapacity-priority-on-old-build.json): a build from before failover
// priority (commit f87b1a6, the same steps) queues a failover's request behind a drill's, first come
// first served. Ordered failover first, today's queue would tell both their new positions, a signal
// the history lacks: a queue run recorded without the capacity-priority marker keeps the old order.
//
// `signal-request` (test/histories/drsCapacity-signal-request.json): the way runs asked before
// Update-with-Start (commit 91e4e39, the same steps): two requests by signal for one job place, the
// second granted once the first is given back. Runs in flight during an upgrade still ask this way.
//
// `update-request` (test/histories/drsCapacity-update-request.json): the same two requests by
// today's Update-with-Start update, recorded with today's bundle (dist/workflow-bundle.js); each is
// answered granted or place 1.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type {
  CapacityLane,
  CapacityRequest,
  CapacityRequestArgs,
  CapacityStanding,
} from '../../common/capacity';
import { repoRoot } from '../../common/paths';
import {
  capacityHandOverSignal,
  capacityQuery,
  capacityReleaseSignal,
  capacityRequestSignal,
  capacityRequestUpdate,
} from '../../workflows/messages';
import { timeSkippingEnv } from '../helpers/temporal';
import { historyToFile } from './history-files';

const SCENARIOS = {
  'hand-over': { name: 'drsCapacity-hand-over-on-old-build', run: handOver },
  priority: { name: 'drsCapacity-priority-on-old-build', run: failoverBehindDrill },
  'signal-request': { name: 'drsCapacity-signal-request', run: twoRequestsBySignal },
  'update-request': { name: 'drsCapacity-update-request', run: twoRequestsByUpdate },
};
type Scenario = keyof typeof SCENARIOS;

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

/** Gives `requestId` back and checks who holds a place once the queue has taken the signal. */
async function releaseThenHolders(
  handle: WorkflowHandle,
  requestId: string,
  holders: string[],
): Promise<void> {
  await handle.signal(capacityReleaseSignal, { requestId });
  await settled(handle);
  const after = await handle.query(capacityQuery);
  assert.deepEqual(
    after.holders.map((h) => h.requestId),
    holders,
  );
}

type Request = (step: string, sourceServerIds: string[], lane: CapacityLane) => CapacityRequest;

async function handOver(handle: WorkflowHandleWithFirstExecutionRunId, request: Request): Promise<void> {
  const { workflowId } = handle;
  const runId = handle.firstExecutionRunId;
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
  await releaseThenHolders(handle, launch.requestId, [`${workflowId}/${runId}/queued`]);
}

async function failoverBehindDrill(
  handle: WorkflowHandleWithFirstExecutionRunId,
  request: Request,
): Promise<void> {
  // one job at a time: the first holds it, a drill waits, then a failover joins behind the drill
  const limits = { maxConcurrentJobs: 1, maxServersInActiveJobs: 500 };
  const holder = request('holder', ['s-1'], 'launch');
  const drill = request('drill', ['s-2'], 'launch');
  const failover = { ...request('failover', ['s-3'], 'launch'), priority: 'failover' as const };
  await handle.signal(capacityRequestSignal, { request: holder, limits });
  await handle.signal(capacityRequestSignal, { request: drill, limits });
  await settled(handle);
  await handle.signal(capacityRequestSignal, { request: failover, limits });
  await settled(handle);
  const state = await handle.query(capacityQuery);
  assert.deepEqual(
    state.waiting.map((w) => w.requestId),
    [drill.requestId, failover.requestId],
    'the bundle is from before priorities: first come, first served',
  );
  await releaseThenHolders(handle, holder.requestId, [drill.requestId]);
}

/** Two requests for the one job place, sent by `ask`; the second is granted once the first is back. */
async function twoRequests(
  handle: WorkflowHandleWithFirstExecutionRunId,
  request: Request,
  ask: (args: CapacityRequestArgs) => Promise<void>,
): Promise<void> {
  const limits = { maxConcurrentJobs: 1, maxServersInActiveJobs: 500 };
  const first = request('first', ['s-1'], 'launch');
  const second = request('second', ['s-2'], 'launch');
  await ask({ request: first, limits });
  await ask({ request: second, limits });
  await settled(handle);
  const state = await handle.query(capacityQuery);
  assert.deepEqual(
    [state.holders.map((h) => h.requestId), state.waiting.map((w) => w.requestId)],
    [[first.requestId], [second.requestId]],
  );
  await releaseThenHolders(handle, first.requestId, [second.requestId]);
}

async function twoRequestsBySignal(
  handle: WorkflowHandleWithFirstExecutionRunId,
  request: Request,
): Promise<void> {
  await twoRequests(handle, request, (args) => handle.signal(capacityRequestSignal, args));
}

async function twoRequestsByUpdate(
  handle: WorkflowHandleWithFirstExecutionRunId,
  request: Request,
): Promise<void> {
  const answers: CapacityStanding[] = [];
  await twoRequests(handle, request, async (args) => {
    answers.push(await handle.executeUpdate(capacityRequestUpdate, { args: [args] }));
  });
  assert.deepEqual(answers, [{ granted: true }, { granted: false, position: 1 }]);
}

async function record(bundlePath: string, scenario: Scenario): Promise<void> {
  const { name, run } = SCENARIOS[scenario];
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
        workflowId: name,
        args: [],
      });
      const { workflowId } = handle;
      const runId = handle.firstExecutionRunId;
      // the queue's own run stands in for the requesting runs: its grant signals then reach a
      // running workflow (it has no handler for them, so they wait there unread)
      const request: Request = (step, sourceServerIds, lane) => ({
        requestId: `${workflowId}/${runId}/${step}`,
        workflowId,
        runId,
        sourceServerIds,
        lane,
        purpose: `recorded ${step}`,
        requestedAt: new Date(0).toISOString(),
      });
      await run(handle, request);
      const history = await handle.fetchHistory();
      const file = path.join(repoRoot(), 'test', 'histories', `${name}.json`);
      writeFileSync(file, historyToFile(history));
      console.log(`${file}: ${history.events?.length} events`);
      await handle.terminate('recorded');
    });
  } finally {
    await env.teardown();
  }
}

const [bundlePath, scenario] = process.argv.slice(2);
if (!bundlePath || !(scenario in SCENARIOS)) {
  console.error(
    `usage: node dist/test/replay/record-capacity-history.js <workflow bundle of the old build> <${Object.keys(SCENARIOS).join('|')}>`,
  );
  process.exit(2);
}
record(bundlePath, scenario as Scenario).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
