// Who may approve (workflows/approvals.ts): the worker's approver list of the operation, and never
// the identity that started a failover, for drsRecovery and for a plan's recovery wave. Time-
// skipping server + emulator; runs are started by a client whose identity is alice@ops.
import { strict as assert } from 'node:assert';
import { Client, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { PlanReport } from '../../common/types-plan';
import type { RecoveryReport } from '../../common/types-lifecycle';
import { approveUpdate } from '../../workflows/messages';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { resultOf, serverId, workflowId } from './lifecycle-support';

const STARTER = 'alice@ops';

describe('approvers (time-skipping server + DRS emulator)', function () {
  this.timeout(240_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness), { approvers: { recovery: [STARTER, 'bob@ops'] } });

  /** Started by a client of identity alice@ops; then watched through the harness's time-skipping client. */
  async function startAsAlice(type: string, input: Record<string, unknown>): Promise<WorkflowHandle> {
    const started = await new Client({ connection: h.env.connection, identity: STARTER }).workflow.start(
      type,
      {
        args: [input],
        taskQueue: h.taskQueue,
        workflowId: workflowId(type),
      },
    );
    return h.env.client.workflow.getHandle(started.workflowId);
  }

  /** The approve's rejection reason, or undefined when it was accepted; waits for the gate to open. */
  async function approveAs(handle: WorkflowHandle, by: string): Promise<string | undefined> {
    for (let attempt = 0; attempt < 60; attempt++) {
      try {
        await handle.executeUpdate(approveUpdate, { args: [{ by }] });
        return undefined;
      } catch (err) {
        if (!(err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)) throw err;
        if (!/no gate open/.test(err.cause.message)) return err.cause.message;
        await h.sleep(1000);
      }
    }
    throw new Error('the gate never opened');
  }

  it('a failover: refused to its starter and to anyone off the list, opened by another approver', async () => {
    const handle = await startAsAlice('drsRecovery', {
      sourceServerIds: [await serverId(h, 'web-01')],
      region: REGION,
      approvalTimeoutSeconds: 3600,
    });
    assert.match(
      (await approveAs(handle, STARTER)) ?? '',
      /^alice@ops started this run and may not approve its failover/,
    );
    assert.match(
      (await approveAs(handle, 'carol@ops')) ?? '',
      /carol@ops may not approve recovery runs: not in DRS_APPROVERS_RECOVERY/,
    );
    assert.equal(await approveAs(handle, 'bob@ops'), undefined);
    const { result: report } = await resultOf<RecoveryReport>(h, handle);
    assert.equal(report?.approvedBy, 'bob@ops');
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
  });

  it("a plan's gate before a recovery wave: refused to the plan's starter, opened by anyone else", async () => {
    const handle = await startAsAlice('drsPlan', {
      region: REGION,
      confirm: true,
      waves: [
        { name: 'db', action: 'recovery', sourceServerIds: [await serverId(h, 'db-01')], pauseBefore: true },
      ],
    });
    assert.match(
      (await approveAs(handle, STARTER)) ?? '',
      /started this run and may not approve its failover/,
    );
    assert.equal(await approveAs(handle, 'dave@ops'), undefined, 'no plan approver list: anyone else');
    const { result: report } = await resultOf<PlanReport>(h, handle);
    assert.equal(report?.approvals[0]?.by, 'dave@ops');
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
  });
});
