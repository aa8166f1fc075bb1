// DRS_ALLOWED_OPERATIONS: a drill-and-readiness worker refuses a failover started on its task queue
// before any AWS call, naming the setting (time-skipping server + emulator).
import { strict as assert } from 'node:assert';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { serverId, workflowId } from './lifecycle-support';

describe('a worker with DRS_ALLOWED_OPERATIONS=drill,readiness (time-skipping server + emulator)', function () {
  this.timeout(180_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness), { allowedOperations: ['drill', 'readiness'] });

  it('refuses a drsRecovery before any DRS call, naming the setting', async () => {
    const handle = await h.env.client.workflow.start('drsRecovery', {
      args: [{ sourceServerIds: [await serverId(h, 'web-01')], region: REGION, confirm: true }],
      taskQueue: h.taskQueue,
      workflowId: workflowId('recovery-refused'),
    });
    const err = await h.result(handle).then(
      () => assert.fail('the failover ran'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError, String(err));
    const activity = err.cause;
    assert.ok(activity instanceof ActivityFailure, String(activity));
    assert.ok(activity.cause instanceof ApplicationFailure);
    assert.equal(activity.cause.type, 'OperationNotAllowed');
    assert.match(activity.cause.message, /does not run recovery .*DRS_ALLOWED_OPERATIONS=drill,readiness/);
    assert.deepEqual(await h.emulator.control.audit(), [], 'no DRS call');
  });

  it('still runs a drill', async () => {
    const report = await h.result<{ outcome: string; summary: string }>(
      await h.startDrill({ sourceServerIds: await h.healthyServers(1), region: REGION }),
    );
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
  });
});
