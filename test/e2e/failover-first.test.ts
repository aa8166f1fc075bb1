// End to end: a failover started behind 10 queued drills launches before them. A real worker
// process on the dev server, the emulator with a job quota of 2 (its own configuration, so DRS
// itself would refuse a third job): two drills hold both places with launch jobs that stay PENDING
// until the test moves the emulator's clock on, ten more drills queue, then the failover asks.
// Order, not time, is asserted: the audit's accepted StartRecovery calls.
import { strict as assert } from 'node:assert';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { capacityWorkflowId } from '../../common/capacity';
import type { DrillProgress, DrillReport } from '../../common/types';
import type { RecoveryProgress, RecoveryReport } from '../../common/types-lifecycle';
import { capacityQuery } from '../../workflows/messages';
import type { RunningEmulator } from '../../emulator';
import { startWorkerStack, type WorkerStack } from '../helpers/worker-stack';

const JOBS = 2;
const QUEUED = 10;
const STUCK_SECONDS = 3600;
const REGION = 'us-east-1';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('failover first across a real worker (dev server + emulator)', function () {
  this.timeout(600_000); // 13 runs one after another under a quota of 2, on a loaded machine
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;
  let stack: WorkerStack | undefined;
  const taskQueue = `drs-failover-first-e2e-${Date.now()}`;

  before(async () => {
    // launch and terminate jobs of a second or two (13 runs go through a quota of 2 one after
    // another); DRS's job quota made small
    stack = await startWorkerStack(
      taskQueue,
      {
        AWS_ACCESS_KEY_ID: 'AKIA111122223333TEST',
        AWS_SECRET_ACCESS_KEY: 'test-secret',
        DRS_MAX_CONCURRENT_JOBS: String(JOBS),
      },
      { timeScale: 0.02 },
    );
    ({ env, emulator } = stack);
    await emulator.control.setConfig({ quotas: { maxConcurrentJobs: JOBS } });
  });

  after(async () => {
    await stack?.stop();
  });

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      await pause(200);
    }
  }

  const drill = (server: string, name: string) =>
    env.client.workflow.start('drsDrill', {
      taskQueue,
      workflowId: `${name}-${Date.now()}`,
      args: [{ sourceServerIds: [server], region: REGION }],
    });
  const progress = <P>(handle: WorkflowHandle) => handle.query<P>('progress');

  it(`launches a failover started behind ${QUEUED} queued drills before any of them`, async () => {
    const [a, b, failoverServer, ...queuedServers] = await emulator.control.addServers({ count: 3 + QUEUED });
    // a's job ends first and b's an hour later, so exactly one place frees while the failover
    // waits: were both to free at once, a drill granted the second place could reach StartRecovery
    // a moment before the failover, and the order of launches would not show the order of grants
    await emulator.control.scenario({
      type: 'jobStuckPending',
      seconds: STUCK_SECONDS,
      sourceServerIds: [a],
    });
    await emulator.control.scenario({
      type: 'jobStuckPending',
      seconds: 2 * STUCK_SECONDS,
      sourceServerIds: [b],
    });
    const holders = [await drill(a, 'holder-a'), await drill(b, 'holder-b')];
    for (const handle of holders)
      await until(
        () => progress<DrillProgress>(handle),
        (p) => p.launchJobStatus === 'PENDING',
      );

    const queued = await Promise.all(queuedServers.map((server, i) => drill(server, `queued-${i + 1}`)));
    const queue = env.client.workflow.getHandle(capacityWorkflowId(taskQueue, REGION));
    await until(
      () => queue.query(capacityQuery),
      (state) => state.waiting.length === QUEUED,
    );

    const failover = await env.client.workflow.start('drsRecovery', {
      taskQueue,
      workflowId: `failover-first-${Date.now()}`,
      args: [{ sourceServerIds: [failoverServer], region: REGION, confirm: true }],
    });
    const waiting = await until(
      () => progress<RecoveryProgress>(failover),
      (p) => p.capacity?.position !== undefined,
    );
    assert.equal(waiting.capacity?.position, 1, `the failover is next, ahead of the ${QUEUED} drills`);

    const launched = async () =>
      (await emulator.control.audit({ operation: 'StartRecovery' }))
        .filter((e) => e.statusCode < 300)
        .map(
          (e) =>
            (e.request as { sourceServers: { sourceServerID: string }[] }).sourceServers[0].sourceServerID,
        );
    await emulator.control.advanceClock(STUCK_SECONDS); // a's launch job goes on and ends
    await until(launched, (servers) => servers.includes(failoverServer));
    await emulator.control.advanceClock(STUCK_SECONDS); // and now b's: the drills share both places
    const report = (await failover.result()) as RecoveryReport;
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const drills = await Promise.all([...holders, ...queued].map((h) => h.result() as Promise<DrillReport>));
    for (const r of drills) assert.equal(r.outcome, 'SUCCEEDED', r.summary);

    const launches = await launched();
    assert.equal(launches.length, 3 + QUEUED, `one launch per run: ${launches.join(' ')}`);
    const failoverAt = launches.indexOf(failoverServer);
    for (const server of queuedServers)
      assert.ok(
        failoverAt < launches.indexOf(server),
        `the failover launched before ${server}: ${launches.join(' ')}`,
      );
    const [usage] = (await emulator.control.usage()).filter((u) => u.region === REGION);
    assert.ok(usage.peak.activeJobs <= JOBS, `never over the quota (peak ${usage.peak.activeJobs})`);
    assert.equal(
      (await emulator.control.audit()).filter((e) => e.statusCode === 402).length,
      0,
      'DRS never refused a job for its quota',
    );
  });
});
