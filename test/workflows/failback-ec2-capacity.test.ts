// drsFailback's EC2 path and the DR region's capacity queue (time-skipping, emulator): the terminate
// job that retires the DR-region instances takes a place like every other DRS job, so while drills
// hold every place it waits in the cleanup lane instead of pushing DRS over its job quota.
import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import { capacityWorkflowId } from '../../common/capacity';
import type { DrillProgress } from '../../common/types';
import type { FailbackProgress, FailbackReport } from '../../common/types-lifecycle';
import { drsFailback } from '../../workflows';
import { capacityQuery } from '../../workflows/messages';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { failedOverAndReversed, resultOf, startOn } from './lifecycle-support';

const HOUR = 3600;
/** The worker's limit in this test (DRS's default is 20 jobs in progress). */
const JOBS = 2;

describe('drsFailback, EC2 path, in the capacity queue (time-skipping, emulator)', function () {
  this.timeout(300_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness), {
    capacityLimits: { maxConcurrentJobs: JOBS, maxServersInActiveJobs: 500 },
  });

  const queueState = () =>
    h.env.client.workflow.getHandle(capacityWorkflowId(h.taskQueue, REGION)).query(capacityQuery);

  it('waits for a place in the DR region before terminating its instances while drills hold every place', async () => {
    const { jobId, instanceIds } = await failedOverAndReversed(h, 1);
    // the failback's own reversal back takes 10 minutes
    await h.emulator.control.scenario({ type: 'reverseReplication', seconds: 600 });
    // two drills whose launches stay PENDING for hours hold both places of the DR region's queue
    const busy = await h.healthyServers(JOBS);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: 6 * HOUR, sourceServerIds: busy });
    const drills: WorkflowHandle[] = [];
    for (const server of busy)
      drills.push(
        await h.startDrill({ sourceServerIds: [server], region: REGION, launchTimeoutSeconds: 12 * HOUR }),
      );
    for (const drill of drills)
      await h.waitForProgress<DrillProgress>(drill, (p) => p.launchJobStatus === 'PENDING');

    const handle = await startOn(h, drsFailback, 'failback', {
      recoveryJobId: jobId,
      region: REGION,
      confirm: true,
      terminateRecoveryInstances: true,
    });
    // (a run that terminates at once ends with its report instead)
    const waiting = await h.waitForProgress<FailbackProgress>(
      handle,
      (p) =>
        p.report !== undefined || (p.phase === 'waiting-for-capacity' && p.capacity?.position !== undefined),
      30_000,
    );
    assert.equal(waiting.report?.summary, undefined, 'the failback ended without waiting for a place');
    assert.match(
      waiting.capacity?.purpose ?? '',
      /^failback retiring 1 recovery instance\(s\) in us-east-1$/,
    );
    assert.equal(waiting.capacity?.position, 1);
    assert.deepEqual(await h.executed('TerminateRecoveryInstances'), [], 'no terminate job without a place');
    const queue = await queueState();
    assert.deepEqual(
      queue.waiting.map((w) => [w.workflowId, w.lane]),
      [[handle.workflowId, 'cleanup']],
    );

    // a drill ends: the queue takes its place back and gives it to the failback's terminate job
    await drills[0].terminate('test: a place frees up');
    const { result: report } = await resultOf<FailbackReport>(h, handle);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.match(report?.terminateJobId ?? '', /^drsjob-/);
    assert.equal(report?.servers[0].drInstanceTerminated, true);
    assert.ok((report?.phaseDurations['waiting-for-capacity'] ?? 0) > 0, 'the wait shows as its own phase');
    const state = await h.emulator.control.state();
    for (const id of instanceIds)
      assert.ok(!state.recoveryInstances.some((i) => i.recoveryInstanceID === id), `${id} terminated`);
    const after = await queueState();
    assert.deepEqual(
      [after.holders.map((x) => x.workflowId), after.waiting],
      [[drills[1].workflowId], []],
      'the failback gave its place back',
    );
    await drills[1].terminate('test over');
  });
});
