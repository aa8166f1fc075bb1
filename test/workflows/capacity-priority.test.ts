// Failover first, at DRS's own quota of 20 jobs in progress (time-skipping server): a failover that
// joins the capacity queue behind a burst of drills is served before every one of them.
import { strict as assert } from 'node:assert';
import type { WorkflowHandle } from '@temporalio/client';
import { capacityWorkflowId, type CapacityQueueState } from '../../common/capacity';
import type { RecoveryProgress, RecoveryReport } from '../../common/types-lifecycle';
import { capacityQuery } from '../../workflows/messages';
import { drsRecovery } from '../../workflows';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { startOn } from './lifecycle-support';

const HOUR = 3600;
const JOBS = 20;
const QUEUED = 10;

describe('failover first in the capacity queue (time-skipping, quota of 20 jobs)', function () {
  this.timeout(480_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness), {
    capacityLimits: { maxConcurrentJobs: JOBS, maxServersInActiveJobs: 500 },
  });

  const queueState = () =>
    h.env.client.workflow.getHandle(capacityWorkflowId(h.taskQueue, REGION)).query(capacityQuery);
  /** Skips time until the queue shows `done` (5 s of workflow time a step; it may not run yet). */
  const untilQueue = async (what: string, done: (q: CapacityQueueState) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const queue = await queueState().catch(() => undefined);
      if (queue && done(queue)) return;
      await h.sleep(5000);
    }
    throw new Error(`the capacity queue never showed ${what}`);
  };

  it('launches a failover that joined behind 20 held and 10 queued drills before all 10', async () => {
    const servers = await h.emulator.control.addServers({ count: JOBS + QUEUED + 1 });
    const [first, ...otherHolders] = servers.slice(0, JOBS);
    const queued = servers.slice(JOBS, JOBS + QUEUED);
    const failoverServer = servers[JOBS + QUEUED];
    // every held launch lasts hours, except one that ends after half an hour and frees the next place
    await h.emulator.control.scenario({
      type: 'jobStuckPending',
      seconds: 3 * HOUR,
      sourceServerIds: otherHolders,
    });
    await h.emulator.control.scenario({
      type: 'jobStuckPending',
      seconds: HOUR / 2,
      sourceServerIds: [first],
    });
    await h.emulator.control.scenario({
      type: 'jobStuckPending',
      seconds: 3 * HOUR,
      sourceServerIds: queued,
    });
    const drills: WorkflowHandle[] = [];
    const drill = async (server: string) =>
      drills.push(
        await h.startDrill({ sourceServerIds: [server], region: REGION, launchTimeoutSeconds: 6 * HOUR }),
      );

    for (const server of [first, ...otherHolders]) await drill(server);
    await untilQueue(`${JOBS} holders`, (q) => q.holders.length === JOBS);
    for (const server of queued) await drill(server);
    await untilQueue(`${QUEUED} waiting`, (q) => q.waiting.length === QUEUED);

    const failover = await startOn(h, drsRecovery, 'failover', {
      sourceServerIds: [failoverServer],
      region: REGION,
      confirm: true,
    });
    const waiting = await h.waitForProgress<RecoveryProgress>(
      failover,
      (p) => p.capacity?.position !== undefined,
      1000,
    );
    assert.equal(waiting.capacity?.position, 1, `the failover is next: ${JSON.stringify(waiting.capacity)}`);

    const report = await h.result<RecoveryReport>(failover);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const launches = (await h.executed('StartRecovery')).map((e) => {
      const request = e.request as { isDrill?: boolean; sourceServers: { sourceServerID: string }[] };
      return { server: request.sourceServers[0].sourceServerID, drill: request.isDrill !== false };
    });
    const failoverAt = launches.findIndex((l) => !l.drill);
    assert.equal(failoverAt, JOBS, 'the failover was the first launch after the 20 held drills');
    assert.deepEqual(
      launches.slice(0, failoverAt).filter((l) => queued.includes(l.server)),
      [],
      'no queued drill launched before the failover',
    );
    const [usage] = (await h.emulator.control.usage()).filter((u) => u.region === REGION);
    assert.ok(usage.peak.activeJobs <= JOBS, `never over the quota (peak ${usage.peak.activeJobs})`);
    // the drill whose launch ended has finished; the rest would hold their places for hours
    for (const handle of drills)
      if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('test over');
  });
});
