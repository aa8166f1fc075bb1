// The Temporal side of the capacity queue (workflows/capacity.ts): asking it for a place starts it if
// it is not running (Update-with-Start, which workflow code cannot do), and it asks here which of its
// holders have closed, and a failover that waited too long aborts the drills holding places. All use
// the worker's own Temporal client.
import { Context } from '@temporalio/activity';
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  CapacityQueue,
  type CapacityStanding,
  type PreemptedDrill,
  DRS_DEFAULT_LIMITS,
  type CapacityLimits,
  type CapacityRequest,
} from '../common/capacity';
import { REFUSED } from '../common/failures';
import { DrsOperation } from '../common/search-attributes';
import type { DrsTarget } from '../common/types';
import type { drsCapacity } from '../workflows/capacity';
import { abortUpdate, capacityQuery, capacityRequestUpdate, drillProgressQuery } from '../workflows/messages';

interface RequestCapacityInput {
  target: DrsTarget;
  queueWorkflowId: string;
  request: CapacityRequest;
}

export function createCapacityActivities(limits: CapacityLimits = DRS_DEFAULT_LIMITS) {
  /**
   * Queues `request` (idempotent: the queue ignores a request id it knows), starting the queue if
   * needed, and says where it stands, in one call. Knowing at once that the place was granted spares
   * the run a timer and two phase changes. A request that can never fit is refused (REFUSED, not
   * retried) by the update's validator, so it never enters the queue.
   */
  async function requestCapacity({
    queueWorkflowId,
    request,
  }: RequestCapacityInput): Promise<CapacityStanding> {
    const { client, info } = Context.current();
    const startQueue = new WithStartWorkflowOperation<typeof drsCapacity>('drsCapacity', {
      workflowId: queueWorkflowId,
      taskQueue: info.taskQueue,
      args: [],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [{ key: DrsOperation, value: 'capacity' }],
    });
    try {
      return await client.workflow.executeUpdateWithStart(capacityRequestUpdate, {
        args: [{ request, limits }],
        startWorkflowOperation: startQueue,
      });
    } catch (err) {
      // the validator's refusal comes back as the update's failure: the run sees it as its own
      const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type === REFUSED)
        throw ApplicationFailure.nonRetryable(cause.message, REFUSED);
      throw err;
    }
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
    const state = await client.workflow.getHandle(input.queueWorkflowId).query(capacityQuery);
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
        const answer = await handle.executeUpdate(abortUpdate, {
          args: [{ by: input.by, reason: input.reason }],
        });
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
