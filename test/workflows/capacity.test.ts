// Quota-aware launches on the time-skipping server: every drill takes a place in the account's
// capacity queue (workflows/capacity.ts) before it creates a DRS job, so runs started together stay
// under DRS's job quotas instead of failing with ServiceQuotaExceededException.
import { strict as assert } from 'node:assert';
import { StartRecoveryCommand } from '@aws-sdk/client-drs';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { capacityWorkflowId } from '../../common/capacity';
import type { DrillProgress, DrillReport } from '../../common/types';
import type { RecoveryProgress, RecoveryReport } from '../../common/types-lifecycle';
import { drsRecovery } from '../../workflows';
import { abortSignal, capacityQuery } from '../../workflows/messages';
import { REGION, historyLength, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { startOn } from './lifecycle-support';

const HOUR = 3600;
/** The worker's limit in these tests (DRS's default is 20 jobs in progress). */
const JOBS = 2;

describe('quota-aware launches (capacity queue, time-skipping)', function () {
  this.timeout(240_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness), {
    capacityLimits: { maxConcurrentJobs: JOBS, maxServersInActiveJobs: 500 },
  });

  const drill = (server: string, extra: Record<string, unknown> = {}) =>
    h.startDrill({ sourceServerIds: [server], region: REGION, ...extra });
  const queueState = () =>
    h.env.client.workflow.getHandle(capacityWorkflowId(h.taskQueue, REGION)).query(capacityQuery);
  // one at a time: the time-skipping server's skip lock is not safe for concurrent waits
  const resultsOf = async (handles: WorkflowHandle[]) => {
    const reports: DrillReport[] = [];
    for (const handle of handles) reports.push(await h.result<DrillReport>(handle));
    return reports;
  };
  const refusedForQuota = async () =>
    (await h.emulator.control.audit({ operation: 'StartRecovery' })).filter((e) => e.statusCode === 402);

  it('queues five drills under a quota of two jobs: all SUCCEEDED, first come first served, never over the quota', async () => {
    // DRS itself would refuse a third job, so any breach shows as a 402 in the audit
    await h.emulator.control.setConfig({ quotas: { maxConcurrentJobs: JOBS } });
    const servers = await h.healthyServers(5);
    // the first two hold their places for an hour, so the others queue behind them
    await h.emulator.control.scenario({
      type: 'jobStuckPending',
      seconds: HOUR,
      sourceServerIds: servers.slice(0, JOBS),
    });
    const handles: WorkflowHandle[] = [];
    for (const server of servers.slice(0, JOBS)) handles.push(await drill(server));
    for (const handle of handles)
      await h.waitForProgress<DrillProgress>(handle, (p) => p.launchJobStatus === 'PENDING');
    // the others join the queue one after the other: places 1, 2, 3
    for (const [i, server] of servers.slice(JOBS).entries()) {
      const handle = await drill(server);
      handles.push(handle);
      const waiting = await h.waitForProgress<DrillProgress>(
        handle,
        (p) => p.phase === 'waiting-for-capacity' && p.capacity?.position !== undefined,
        500,
      );
      assert.equal(waiting.capacity?.position, i + 1, JSON.stringify(waiting.capacity));
      assert.equal(waiting.capacity?.jobsInUse, JOBS);
      assert.match(waiting.capacity?.purpose ?? '', /drill launch of 1 server/);
    }

    const reports = await resultsOf(handles);
    for (const report of reports) assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.ok((reports[4].phaseDurations['waiting-for-capacity'] ?? 0) > 0, 'the fifth drill waited');
    const [usage] = (await h.emulator.control.usage()).filter((u) => u.region === REGION);
    assert.equal(usage.peak.activeJobs, JOBS, 'two jobs ran at once, never more');
    assert.deepEqual(await refusedForQuota(), []);
    assert.equal((await h.executed('StartRecovery')).length, 5, 'one launch per drill');
    assert.equal((await h.executed('TerminateRecoveryInstances')).length, 5);
    assert.deepEqual(await h.drillInstancesLeft(), []);
    // first come, first served: the last to join the queue launched last
    const launchOrder = (await h.executed('StartRecovery')).map(
      (e) => (e.request as { sourceServers: { sourceServerID: string }[] }).sourceServers[0].sourceServerID,
    );
    assert.equal(launchOrder.at(-1), servers[4], launchOrder.join(' '));
    const queue = await queueState();
    assert.deepEqual([queue.holders, queue.waiting], [[], []], 'every place was given back');
  });

  it('gives up the place of a waiting drill that is aborted or cancelled, and launches nothing for it', async () => {
    const [a, b, c, d, e] = await h.healthyServers(5);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR, sourceServerIds: [a, b] });
    const holders = [await drill(a), await drill(b)];
    for (const handle of holders)
      await h.waitForProgress<DrillProgress>(handle, (p) => p.launchJobStatus === 'PENDING');
    // one after the other, so the queue order is theirs (drills started together may arrive either way)
    const aborted = await drill(c);
    await h.waitForProgress<DrillProgress>(aborted, (p) => p.capacity?.position === 1, 1000);
    const cancelled = await drill(d);
    await h.waitForProgress<DrillProgress>(cancelled, (p) => p.capacity?.position === 2, 1000);

    await aborted.signal(abortSignal, { reason: 'change freeze' });
    const abortedReport = await h.result<DrillReport>(aborted);
    assert.equal(abortedReport.outcome, 'ABORTED');
    assert.match(abortedReport.summary, /aborted before launch: change freeze/);
    await cancelled.cancel();
    await assert.rejects(h.result(cancelled), WorkflowFailedError);
    const queue = await queueState();
    assert.deepEqual(
      queue.waiting.map((w) => w.workflowId),
      [],
      'neither left a request behind',
    );

    const later = await drill(e);
    const reports = await resultsOf([...holders, later]);
    for (const report of reports) assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const launched = (await h.executed('StartRecovery')).map(
      (x) => (x.request as { sourceServers: { sourceServerID: string }[] }).sourceServers[0].sourceServerID,
    );
    assert.deepEqual(launched.sort(), [a, b, e].sort(), 'no launch for the aborted or the cancelled drill');
  });

  it("hands a drill's launch place to its cleanup: the terminate job does not wait behind a queued launch", async () => {
    const [a, b, c] = await h.healthyServers(3);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR, sourceServerIds: [b] });
    // nothing to wait through after the launch: no boot checks (a drill that follows its boots
    // gives the place back instead of holding it through the boot)
    const first = await drill(a, { bootCheck: { enabled: false } });
    const holder = await drill(b);
    for (const handle of [first, holder])
      await h.waitForProgress<DrillProgress>(handle, (p) => p.launchJobStatus !== undefined);
    const queued = await drill(c);
    await h.waitForProgress<DrillProgress>(queued, (p) => p.capacity?.position === 1, 1000);
    const report = await h.result<DrillReport>(first);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.deepEqual(
      (await resultsOf([queued])).map((r) => r.outcome),
      ['SUCCEEDED'],
    );
    const mutations = (await h.emulator.control.audit())
      .filter((e) => e.operation === 'StartRecovery' || e.operation === 'TerminateRecoveryInstances')
      .map((e) => `${e.operation} ${JSON.stringify(e.request).includes(c) ? 'queued' : ''}`.trim());
    assert.deepEqual(
      mutations.slice(0, 4),
      ['StartRecovery', 'StartRecovery', 'TerminateRecoveryInstances', 'StartRecovery queued'],
      'the queued drill launched after the first drill terminated its instances',
    );
    const [usage] = (await h.emulator.control.usage()).filter((u) => u.region === REGION);
    assert.equal(usage.peak.activeJobs, JOBS, 'never over the quota');
    await holder.terminate('test over');
  });

  it('takes back the place of a drill that was terminated while it held one', async () => {
    const [a, b, c] = await h.healthyServers(3);
    await h.emulator.control.scenario({
      type: 'jobStuckPending',
      seconds: 6 * HOUR,
      sourceServerIds: [a, b],
    });
    const terminated = await drill(a, { launchTimeoutSeconds: 12 * HOUR });
    const holder = await drill(b, { launchTimeoutSeconds: 12 * HOUR });
    // both hold their places before the third asks (otherwise it may be first in the queue)
    for (const handle of [terminated, holder])
      await h.waitForProgress<DrillProgress>(handle, (p) => p.launchJobStatus === 'PENDING');
    const waiting = await drill(c);
    await h.waitForProgress<DrillProgress>(waiting, (p) => p.phase === 'waiting-for-capacity', 1000);
    const before = await h.env.currentTimeMs();
    await terminated.terminate('operator terminated it');
    const report = await h.result<DrillReport>(waiting);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const waitedMs = (await h.env.currentTimeMs()) - before;
    assert.ok(waitedMs < HOUR * 1000, `got the place after ${waitedMs / 1000} s, not after the 6-hour jobs`);
    await holder.terminate('test over');
  });

  it("serves a plan's recovery wave (a drsRecovery child) before a drill that queued first", async () => {
    const [a, b, queuedServer, failoverServer] = await h.healthyServers(4);
    // the holders' jobs end hours apart, so the places free one at a time: two freed at once would
    // grant the wave and the drill together, and their StartRecovery calls could come in either order
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR, sourceServerIds: [a] });
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: 3 * HOUR, sourceServerIds: [b] });
    const holders = [await drill(a), await drill(b)];
    for (const handle of holders)
      await h.waitForProgress<DrillProgress>(handle, (p) => p.launchJobStatus === 'PENDING');
    const queued = await drill(queuedServer);
    await h.waitForProgress<DrillProgress>(queued, (p) => p.capacity?.position === 1, 1000);

    const plan = await h.env.client.workflow.start('drsPlan', {
      args: [
        {
          region: REGION,
          confirm: true,
          waves: [{ name: 'web', action: 'recovery', sourceServerIds: [failoverServer] }],
        },
      ],
      taskQueue: h.taskQueue,
      workflowId: `plan-first-${Date.now()}`,
    });
    const wave = h.env.client.workflow.getHandle(`${plan.workflowId}-web-1`);
    // the plan checks its servers before it starts the wave's child
    for (
      let i = 0;
      i < 100 &&
      !(await wave.describe().then(
        () => true,
        () => false,
      ));
      i++
    )
      await h.sleep(1000);
    const waiting = await h.waitForProgress<RecoveryProgress>(
      wave,
      (p) => p.capacity?.position !== undefined,
      1000,
    );
    assert.equal(waiting.capacity?.position, 1, 'the recovery wave is next, ahead of the queued drill');
    const drillWaiting = await h.waitForProgress<DrillProgress>(
      queued,
      (p) => p.capacity?.position === 2,
      1000,
    );
    assert.equal(drillWaiting.capacity?.position, 2);

    const report = await h.result<{ outcome: string; summary: string }>(plan);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const launches = (await h.executed('StartRecovery')).map(
      (e) => (e.request as { sourceServers: { sourceServerID: string }[] }).sourceServers[0].sourceServerID,
    );
    assert.ok(
      !launches.includes(queuedServer) || launches.indexOf(failoverServer) < launches.indexOf(queuedServer),
      `the wave launched before the queued drill: ${launches.join(' ')}`,
    );
    for (const handle of [...holders, queued])
      if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('test over');
  });

  it('lets a failover with preemptDrills abort the drills holding the places, launch, and name them', async () => {
    const [a, b, failoverServer] = await h.healthyServers(3);
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR, sourceServerIds: [a, b] });
    const holders = [
      await drill(a, { launchTimeoutSeconds: 6 * HOUR }),
      await drill(b, { launchTimeoutSeconds: 6 * HOUR }),
    ];
    for (const handle of holders)
      await h.waitForProgress<DrillProgress>(handle, (p) => p.launchJobStatus === 'PENDING');

    const failover = await startOn(h, drsRecovery, 'failover', {
      sourceServerIds: [failoverServer],
      region: REGION,
      confirm: true,
      preemptDrills: { afterSeconds: 300 },
    });
    const report = await h.result<RecoveryReport>(failover);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.deepEqual(
      [...(report.preemptedDrills ?? [])].sort(),
      holders.map((d) => d.workflowId).sort(),
      'the report names both drills it aborted',
    );
    assert.match(report.summary, /aborted drill\(s\) to get capacity/);
    for (const drillReport of await resultsOf(holders)) {
      assert.equal(drillReport.outcome, 'ABORTED', drillReport.summary);
      assert.match(drillReport.summary, /preempted by failover/);
      assert.equal(drillReport.abort?.by, `failover ${failover.workflowId}`);
    }
    assert.deepEqual(await h.drillInstancesLeft(), [], "the drills' own cleanup terminated their instances");
    const [usage] = (await h.emulator.control.usage()).filter((u) => u.region === REGION);
    assert.equal(usage.peak.activeJobs, JOBS, 'never over the quota');
  });

  it('starts a cleanup without a place after a bounded wait when the queue stays full, and says so', async () => {
    const [ours, a, b] = await h.healthyServers(3);
    // the drill launches, then holds its instance for 10 minutes (no place held meanwhile)
    const handle = await drill(ours, { validation: { mode: 'hold', holdSeconds: 600 } });
    await h.waitForProgress<DrillProgress>(handle, (p) => p.phase === 'validating');
    // two launches of 6 hours take both places: the cleanup cannot get one before its deadline (3 h)
    await h.emulator.control.scenario({
      type: 'jobStuckPending',
      seconds: 6 * HOUR,
      sourceServerIds: [a, b],
    });
    const holders = [
      await drill(a, { launchTimeoutSeconds: 12 * HOUR }),
      await drill(b, { launchTimeoutSeconds: 12 * HOUR }),
    ];
    for (const holder of holders)
      await h.waitForProgress<DrillProgress>(holder, (p) => p.launchJobStatus === 'PENDING');

    const report = await h.result<DrillReport>(handle);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.match(report.cleanupWentAhead ?? '', /cleanup went ahead without a capacity place after \d+ s/);
    assert.match(report.summary, /cleanup went ahead without a capacity place/);
    assert.deepEqual(await h.drillInstancesLeft(), [], 'its instance was terminated');
    for (const holder of holders) await holder.terminate('test over');
  });

  it('waits out a ServiceQuotaExceededException caused by another tool, then launches exactly once', async () => {
    const [outside, ours] = await h.healthyServers(2);
    await h.emulator.control.setConfig({ quotas: { maxConcurrentJobs: 1 } });
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: HOUR, sourceServerIds: [outside] });
    await h.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: outside }] }),
    );

    const handle = await drill(ours);
    const report = await h.result<DrillReport>(handle);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.ok((await refusedForQuota()).length >= 1, 'DRS refused at first');
    const accepted = (await h.executed('StartRecovery')).filter((e) =>
      JSON.stringify(e.request).includes(ours),
    );
    assert.equal(accepted.length, 1, 'launched once');
    assert.ok((await historyLength(handle)) < 200, 'the wait is one activity retrying');
  });

  it('runs a 100-server drill (the DRS maximum per job) and keeps its search attributes within limits', async () => {
    const servers = await h.emulator.control.addServers({ count: 100 });
    const handle = await h.startDrill({ sourceServerIds: servers, region: REGION });
    const report = await h.result<DrillReport>(handle);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.equal(report.servers.length, 100);
    assert.equal((await h.executed('StartRecovery')).length, 1);
    assert.deepEqual(await h.drillInstancesLeft(), []);
    const { searchAttributes } = await handle.describe();
    assert.deepEqual(searchAttributes.DrsServerCount, [100]);
    assert.deepEqual(searchAttributes.DrsSourceServers, servers.slice(0, 93), 'the first 93 ids fit');
    assert.ok(JSON.stringify(report).length < 100_000, `report of ${JSON.stringify(report).length} bytes`);
  });
});
