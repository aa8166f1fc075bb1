// The Temporal side of the capacity queue (workflows/capacity.ts): asking it for a place starts it if
// it is not running (signal-with-start, which workflow code cannot do), and it asks here which of its
// holders have closed, and a failover that waited too long aborts the drills holding places. All use
// the worker's own Temporal client.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  CAPACITY_PLACE_QUERY,
  CAPACITY_REQUEST_SIGNAL,
  CAPACITY_STATE_QUERY,
  CapacityQueue,
  type CapacityPlace,
  type CapacityQueueState,
  type PreemptedDrill,
  DRS_DEFAULT_LIMITS,
  impossibleRequest,
  type CapacityLimits,
  type CapacityRequest,
  type CapacityRequestArgs,
} from '../common/capacity';
import { REFUSED } from '../common/failures';
import { DrsOperation } from '../common/search-attributes';
import type { DrsTarget } from '../common/types';
import { drillProgressQuery } from '../workflows/messages';

/** How often, and how far apart, the activity reads its place after asking (at most ~2 s). */
const PLACE_READS = 20;
const PLACE_READ_INTERVAL_MS = 100;

interface RequestCapacityInput {
  target: DrsTarget;
  queueWorkflowId: string;
  request: CapacityRequest;
}

export function createCapacityActivities(limits: CapacityLimits = DRS_DEFAULT_LIMITS) {
  /**
   * Queues `request` (idempotent: the queue ignores a request id it knows), starting the queue if
   * needed, and says where it stands. Knowing at once that the place was granted spares the run a
   * timer and two phase changes; a place not known yet reads as waiting (the grant signal follows).
   */
  async function requestCapacity({ queueWorkflowId, request }: RequestCapacityInput): Promise<CapacityPlace> {
    const impossible = impossibleRequest(request.sourceServerIds.length, limits);
    if (impossible) throw ApplicationFailure.nonRetryable(`${request.purpose}: ${impossible}`, REFUSED);
    const { client, info } = Context.current();
    const args: CapacityRequestArgs = { request, limits };
    const queue = await client.workflow.signalWithStart('drsCapacity', {
      workflowId: queueWorkflowId,
      taskQueue: info.taskQueue,
      args: [],
      signal: CAPACITY_REQUEST_SIGNAL,
      signalArgs: [args],
      typedSearchAttributes: [{ key: DrsOperation, value: 'capacity' }],
    });
    // a query sees the queue as of its last workflow task: give it a moment to take the signal
    for (let attempt = 0; attempt < PLACE_READS; attempt++) {
      const place = await queue.query<CapacityPlace, [string]>(CAPACITY_PLACE_QUERY, request.requestId);
      if (place.granted || place.position !== undefined) return place;
      await new Promise((resolve) => setTimeout(resolve, PLACE_READ_INTERVAL_MS));
    }
    return { granted: false };
  }

  /** The request ids among `holders` whose run is no longer running (it cannot release any more). */
  async function closedCapacityHolders(input: {
    holders: { requestId: string; workflowId: string; runId: string }[];
  }): Promise<string[]> {
    const { client } = Context.current();
    const closed: string[] = [];
    for (const holder of input.holders) {
      try {
        const { status } = await client.workflow.getHandle(holder.workflowId, holder.runId).describe();
        if (status.name !== 'RUNNING') closed.push(holder.requestId);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) closed.push(holder.requestId);
        else throw err;
      }
    }
    return closed;
  }

  /**
   * Aborts the drills that hold launch places in the queue (one account and region: the queue's),
   * through their own `abort` update, so each cleans up as an operator's abort would: the launch
   * job, which DRS cannot cancel, is followed to its end, validation is skipped, and the drill's
   * instances are terminated. Only runs of type drsDrill are touched; a drill whose `abort` is
   * rejected (already finishing) is skipped. Returns the drills that accepted, and the drills an
   * earlier attempt of the same call aborted (a retry after a partial failure): their `progress`
   * carries this very reason, which names the failover, so the report names every drill aborted.
   */
  async function preemptDrills(input: {
    queueWorkflowId: string;
    by: string;
    reason: string;
  }): Promise<PreemptedDrill[]> {
    const { client } = Context.current();
    const state = await client.workflow
      .getHandle(input.queueWorkflowId)
      .query<CapacityQueueState>(CAPACITY_STATE_QUERY);
    const preempted: PreemptedDrill[] = [];
    for (const holder of new CapacityQueue(state).preemptibleHolders()) {
      const handle = client.workflow.getHandle(holder.workflowId, holder.runId);
      try {
        const { type, status } = await handle.describe();
        if (type !== 'drsDrill' || status.name !== 'RUNNING') continue;
        const progress = await handle.query(drillProgressQuery);
        if (progress.abortReason === input.reason) {
          preempted.push({ workflowId: holder.workflowId, message: 'aborted by an earlier attempt' });
          continue;
        }
        const answer = await handle.executeUpdate<{ message: string }, [{ by: string; reason: string }]>(
          'abort',
          { args: [{ by: input.by, reason: input.reason }] },
        );
        preempted.push({ workflowId: holder.workflowId, message: answer.message });
      } catch (err) {
        // closed meanwhile, or the drill rejected the abort (already finishing): nothing to preempt
        if (err instanceof WorkflowNotFoundError || err instanceof WorkflowUpdateFailedError) continue;
        throw err;
      }
    }
    return preempted;
  }

  return { requestCapacity, closedCapacityHolders, preemptDrills };
}
