// The capacity queue of one task queue, account and region (`drsCapacity`). Every workflow that
// creates a DRS job takes a place here first (its side: capacity-waiter.ts) and gives it back once
// the job has COMPLETED, so the runs of every worker stay under DRS's job quotas together
// (common/capacity.ts has the rules). A worker-local semaphore could not do this: the queue's state
// lives in Temporal, not in any worker, so a crashed worker loses nothing.
//
// Leaks: a run gives its places back in a finally block; a run that was terminated cannot, so while
// anyone waits the queue asks Temporal which holders have closed and takes their places back.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  metricMeter,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  CapacityQueue,
  emptyCapacityState,
  impossibleRequest,
  type CapacityQueueState,
  type CapacityRequestArgs,
} from '../common/capacity';
import { REFUSED } from '../common/failures';
import { recordCapacityQueue } from '../common/metrics';
import { DrsOperation } from '../common/search-attributes';
import { summarizedActivities } from './activity-summaries';
import {
  capacityGrantedSignal,
  capacityHandOverSignal,
  capacityPositionSignal,
  capacityQuery,
  capacityReleaseSignal,
  capacityRequestSignal,
  capacityRequestUpdate,
  capacityStandingQuery,
} from './messages';
import { PATCHES } from './patches';

/** An idle queue (nothing held, nobody waiting) ends after this; the next request starts it again. */
const IDLE_EXIT_MS = 10 * 60 * 1000;
/** While runs wait, how often the queue checks whether a holder's run has closed without releasing. */
const HOLDER_CHECK_MS = 2 * 60 * 1000;
/** Position updates sent per round: the runs nearest the front (the rest hear at a later round). */
const POSITION_UPDATES_PER_ROUND = 100;
/** Continue-as-new well before Temporal's history limits, carrying the queue. */
const MAX_HISTORY_EVENTS = 5000;

/** The least time a run's call to the queue may take, however close its deadline (one call and a retry). */
const MIN_QUEUE_CALL_MS = 60 * 1000;
/** How long the queue keeps asking which holders closed before it gives up until its next check. */
const HOLDER_CHECK_CALL_MS = 5 * 60 * 1000;

const QUEUE_RETRY = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

/** Calls to and for the queue, each bounded by `deadlineMs` (a stuck queue cannot hold a run forever). */
export const queueCallsUntil = (deadlineMs: number) =>
  summarizedActivities({
    retry: QUEUE_RETRY,
    scheduleToCloseTimeout: Math.max(deadlineMs - Date.now(), MIN_QUEUE_CALL_MS),
  });

export async function drsCapacity(carried?: CapacityQueueState): Promise<void> {
  // a queue run started by a build before priorities keeps first come, first served to its end
  const queue = new CapacityQueue(carried ?? emptyCapacityState(), patched(PATCHES.capacityPriority.id));
  let changed = true;
  const take = ({ request, limits }: CapacityRequestArgs) => {
    queue.state.limits = limits;
    changed = queue.request(request) || changed;
  };
  setHandler(
    capacityRequestUpdate,
    async (args) => {
      take(args);
      // answer after the grant round that follows (in this workflow task): granted, or place N
      await condition(() => !changed);
      return queue.standing(args.request.requestId);
    },
    {
      validator: ({ request, limits }: CapacityRequestArgs) => {
        const impossible = impossibleRequest(request.sourceServerIds.length, limits);
        if (impossible) throw ApplicationFailure.nonRetryable(`${request.purpose}: ${impossible}`, REFUSED);
      },
    },
  );
  setHandler(capacityRequestSignal, take);
  setHandler(capacityReleaseSignal, ({ requestId }) => {
    changed = queue.release(requestId) || changed;
  });
  setHandler(capacityHandOverSignal, ({ from, request }) => {
    // a queue task run by a build without this handler ignored the signal: so does its replay
    if (!patched(PATCHES.capacityHandOver.id)) return;
    changed = queue.handOver(from, request, new Date().toISOString()) || changed;
  });
  setHandler(capacityQuery, () => queue.state);
  setHandler(capacityStandingQuery, (requestId) => queue.standing(requestId));
  upsertSearchAttributes([{ key: DrsOperation, value: 'capacity' }]);

  const told = new Map<string, number>(); // requestId → the position last sent
  // the gauges' label: task queue, account and region (one queue each), not a run
  const queueName = workflowInfo().workflowId.replace(/^drs-capacity-/, '');
  const gauge = () =>
    recordCapacityQueue(metricMeter, queueName, queue.state.waiting.length, queue.state.holders.length);
  for (;;) {
    if (changed) {
      changed = false; // before the round: a signal handled while it sends sets it again
      if (await grantAndTell(queue, told)) changed = true;
      gauge();
      continue;
    }
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof drsCapacity>(queue.state);
    }
    const idle = queue.state.holders.length === 0 && queue.state.waiting.length === 0;
    const woke = await condition(() => changed, idle ? IDLE_EXIT_MS : HOLDER_CHECK_MS);
    if (woke) continue;
    if (idle) {
      gauge(); // the queue ends empty: its gauges say so until the next request starts it
      return;
    }
    if (queue.state.waiting.length > 0 && (await reclaimFromClosedRuns(queue))) changed = true;
  }
}

/**
 * Grants what fits and tells each run; a run that cannot be told (closed) loses its place. True
 * when that freed a place, so the caller grants again.
 */
async function grantAndTell(queue: CapacityQueue, told: Map<string, number>): Promise<boolean> {
  let freed = false;
  const granted = queue.grant(new Date().toISOString());
  await Promise.all(
    granted.map(async (holder) => {
      told.delete(holder.requestId);
      try {
        await getExternalWorkflowHandle(holder.workflowId, holder.runId).signal(capacityGrantedSignal, {
          requestId: holder.requestId,
        });
      } catch {
        freed = queue.release(holder.requestId) || freed;
      }
    }),
  );
  const moved = queue
    .positions()
    .filter((p) => told.get(p.requestId) !== p.position)
    .slice(0, POSITION_UPDATES_PER_ROUND);
  await Promise.all(
    moved.map(async (p) => {
      const waiting = queue.state.waiting.find((w) => w.requestId === p.requestId);
      if (!waiting) return;
      told.set(p.requestId, p.position);
      try {
        await getExternalWorkflowHandle(waiting.workflowId, waiting.runId).signal(capacityPositionSignal, p);
      } catch {
        queue.release(p.requestId);
      }
    }),
  );
  // forget runs that are no longer waiting, so `told` stays as small as the queue
  for (const id of told.keys()) if (!queue.state.waiting.some((w) => w.requestId === id)) told.delete(id);
  return freed;
}

/** Takes back the places of holders whose run closed without giving them back; true if any. */
async function reclaimFromClosedRuns(queue: CapacityQueue): Promise<boolean> {
  const holders = queue.state.holders.map(({ requestId, workflowId, runId }) => ({
    requestId,
    workflowId,
    runId,
  }));
  if (holders.length === 0) return false;
  try {
    const closed = await queueCallsUntil(Date.now() + HOLDER_CHECK_CALL_MS).closedCapacityHolders({
      holders,
    });
    return closed.map((requestId) => queue.release(requestId)).includes(true);
  } catch (err) {
    // Temporal did not answer in time: the queue goes on serving and asks again at its next check
    if (isCancellation(err)) throw err;
    return false;
  }
}
