// Asking the capacity queue for a place (Update-with-Start, workflows/capacity.ts): one call starts
// the queue if needed and answers "granted, or place N"; a request that can never fit is refused by
// the update's validator and never enters the queue.
import { strict as assert } from 'node:assert';
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { capacityWorkflowId, type CapacityRequest } from '../../common/capacity';
import { REFUSED } from '../../common/failures';
import type { drsCapacity } from '../../workflows/capacity';
import { capacityQuery, capacityRequestUpdate } from '../../workflows/messages';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';

/** The worker's limits here: one job, two servers across active jobs. */
const LIMITS = { maxConcurrentJobs: 1, maxServersInActiveJobs: 2 };

describe('capacity requests (Update-with-Start, time-skipping)', function () {
  this.timeout(240_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness), { capacityLimits: LIMITS });

  const queueId = () => capacityWorkflowId(h.taskQueue, REGION);
  // the queue's own workflow stands in for the requesting run: a grant signal to a run that does not
  // exist would give the place back (it has no handler for them, so they wait there unread)
  const request = (step: string, sourceServerIds: string[]): CapacityRequest => ({
    requestId: `test/${step}`,
    workflowId: queueId(),
    runId: '',
    sourceServerIds,
    lane: 'launch',
    purpose: `test ${step}`,
    requestedAt: new Date(0).toISOString(),
  });
  const ask = (req: CapacityRequest) =>
    h.env.client.workflow.executeUpdateWithStart(capacityRequestUpdate, {
      args: [{ request: req, limits: LIMITS }],
      startWorkflowOperation: new WithStartWorkflowOperation<typeof drsCapacity>('drsCapacity', {
        workflowId: queueId(),
        taskQueue: h.taskQueue,
        args: [],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
  /** The request ids the queue holds or has waiting. */
  const queued = async () => {
    const state = await h.env.client.workflow.getHandle(queueId()).query(capacityQuery);
    return [...state.holders, ...state.waiting].map((r) => r.requestId);
  };

  // each test starts from no queue; one left idle may have ended on its own already
  afterEach(async () => {
    await h.env.client.workflow
      .getHandle(queueId())
      .terminate('test done')
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
  });

  it('starts the queue and answers granted, or the place in line, in one call each', async () => {
    assert.deepEqual(await ask(request('first', ['s-1'])), { granted: true });
    assert.deepEqual(await ask(request('second', ['s-2'])), { granted: false, position: 1 });
    // asked again (a run's refresh), the same request keeps its place
    assert.deepEqual(await ask(request('second', ['s-2'])), { granted: false, position: 1 });
  });

  it('refuses a request that can never fit in its validator: REFUSED, and never queued', async () => {
    assert.deepEqual(await ask(request('small', ['s-1'])), { granted: true });
    const err = await ask(request('huge', ['s-1', 's-2', 's-3'])).then(
      () => assert.fail('a request of 3 servers under a limit of 2 was accepted'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
    assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
    assert.equal(err.cause.type, REFUSED);
    assert.match(err.cause.message, /test huge: a job of 3 servers exceeds the limit of 2 servers/);
    assert.deepEqual(await queued(), ['test/small']);
  });

  it("fails a drill that can never fit with the validator's refusal, launching nothing", async () => {
    const servers = await h.healthyServers(3);
    const handle = await h.startDrill({ sourceServerIds: servers, region: REGION });
    const { report, error } = await h.outcome(handle);
    const causes: unknown[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) causes.push(e.message);
    const told = JSON.stringify({ report, causes });
    assert.match(told, /a job of 3 servers exceeds the limit of 2 servers across active jobs/);
    assert.deepEqual(await h.executed('StartRecovery'), []);
    assert.deepEqual(await queued(), []);
  });
});
