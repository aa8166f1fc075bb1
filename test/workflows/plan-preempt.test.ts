// drsPlan's `preemptDrills` reaches its recovery waves: a failover wave that finds both job places
// held by drills past the set time aborts them, launches, and its report names them (time-skipping).
import { strict as assert } from 'node:assert';
import type { DrillProgress, DrillReport } from '../../common/types';
import type { RecoveryReport } from '../../common/types-lifecycle';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';

const HOUR = 3600;

describe('drsPlan preemptDrills (time-skipping)', function () {
  this.timeout(240_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness), {
    capacityLimits: { maxConcurrentJobs: 2, maxServersInActiveJobs: 500 },
  });

  it('passes the plan-level preemptDrills to its recovery wave, which aborts the holding drills', async () => {
    const [a, b, failoverServer] = await h.healthyServers(3);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR, sourceServerIds: [a, b] });
    const holders = [
      await h.startDrill({ sourceServerIds: [a], region: REGION, launchTimeoutSeconds: 6 * HOUR }),
      await h.startDrill({ sourceServerIds: [b], region: REGION, launchTimeoutSeconds: 6 * HOUR }),
    ];
    for (const handle of holders)
      await h.waitForProgress<DrillProgress>(handle, (p) => p.launchJobStatus === 'PENDING');

    const plan = await h.env.client.workflow.start('drsPlan', {
      args: [
        {
          region: REGION,
          confirm: true,
          preemptDrills: { afterSeconds: 300 },
          waves: [{ name: 'db', action: 'recovery', sourceServerIds: [failoverServer] }],
        },
      ],
      taskQueue: h.taskQueue,
      workflowId: `plan-preempt-${Date.now()}`,
    });
    const planReport = await h.result<{ outcome: string; summary: string }>(plan);
    assert.equal(planReport.outcome, 'SUCCEEDED', planReport.summary);
    const wave = await h.result<RecoveryReport>(h.env.client.workflow.getHandle(`${plan.workflowId}-db-1`));
    assert.deepEqual(
      [...(wave.preemptedDrills ?? [])].sort(),
      holders.map((d) => d.workflowId).sort(),
      "the wave's report names both drills it aborted",
    );
    for (const handle of holders) {
      const report = await h.result<DrillReport>(handle);
      assert.equal(report.outcome, 'ABORTED', report.summary);
      assert.equal(report.abort?.by, `failover ${plan.workflowId}-db-1`);
    }
  });
});
