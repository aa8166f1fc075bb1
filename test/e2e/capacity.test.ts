// End to end: two real worker processes on the shared dev server share one capacity queue, so
// drills started together on both stay under DRS's job quota (the emulator enforces it too, and
// would refuse a job over it). A worker-local limit could not pass this: each worker alone would
// allow two jobs, four in all.
import { strict as assert } from 'node:assert';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DrillReport } from '../../common/types';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { devServerEnv } from '../helpers/temporal';
import { WorkerProcess, workerEnv } from '../worker/worker-process';

const JOBS = 2;
const DRILLS = 6;

describe('quota-aware launches across two worker processes (dev server + emulator)', function () {
  this.timeout(240_000);
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;
  const workers: WorkerProcess[] = [];
  const taskQueue = `drs-capacity-e2e-${Date.now()}`;

  before(async () => {
    env = await devServerEnv();
    // launch and terminate jobs of a few seconds
    emulator = await startEmulator({ timeScale: 0.1, quiet: true });
    await emulator.control.setConfig({ quotas: { maxConcurrentJobs: JOBS } });
    for (let i = 0; i < 2; i++) {
      const worker = new WorkerProcess(
        await workerEnv({
          TEMPORAL_ADDRESS: env.address,
          TEMPORAL_TASK_QUEUE: taskQueue,
          DRS_ENDPOINT: emulator.url,
          AWS_ACCESS_KEY_ID: 'AKIA111122223333TEST',
          AWS_SECRET_ACCESS_KEY: 'test-secret',
          DRS_MAX_CONCURRENT_JOBS: String(JOBS),
          LOG_LEVEL: 'debug',
        }),
      );
      workers.push(worker);
      await worker.waitForLog((l) => l.msg === 'worker polling');
    }
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await emulator?.close();
  });

  it(`runs ${DRILLS} drills started at once on two workers: all SUCCEEDED, never over ${JOBS} jobs, no quota refusal`, async () => {
    const servers = await emulator.control.addServers({ count: DRILLS });
    const handles = await Promise.all(
      servers.map((server, i) =>
        env.client.workflow.start('drsDrill', {
          taskQueue,
          workflowId: `drill-capacity-e2e-${Date.now()}-${i}`,
          args: [{ sourceServerIds: [server], region: 'us-east-1' }],
        }),
      ),
    );

    const phasesSeen = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        for (const handle of handles) {
          const { searchAttributes } = await handle.describe();
          for (const phase of (searchAttributes.DrsPhase as string[] | undefined) ?? [])
            phasesSeen.add(phase);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const reports = await Promise.all(handles.map((handle) => handle.result() as Promise<DrillReport>));
    watching = false;
    await watch;

    for (const report of reports) assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.ok(phasesSeen.has('waiting-for-capacity'), `DrsPhase values seen: ${[...phasesSeen].join(', ')}`);
    const [usage] = (await emulator.control.usage()).filter((u) => u.region === 'us-east-1');
    assert.equal(usage.peak.activeJobs, JOBS, `at most ${JOBS} jobs in progress, and that many were used`);
    const audit = await emulator.control.audit();
    assert.deepEqual(
      audit.filter((e) => e.statusCode === 402).map((e) => e.operation),
      [],
      'DRS never refused a job for its quota',
    );
    const accepted = (operation: string) =>
      audit.filter((e) => e.operation === operation && e.statusCode < 300).length;
    assert.equal(accepted('StartRecovery'), DRILLS, 'one launch per drill');
    assert.equal(accepted('TerminateRecoveryInstances'), DRILLS, 'one cleanup per drill');
    const state = await emulator.control.state();
    assert.deepEqual(
      state.recoveryInstances.filter((i) => i.isDrill && i.ec2InstanceState !== 'TERMINATED'),
      [],
    );
    // both processes served the drills (activity tasks ran on each)
    for (const worker of workers)
      assert.ok(
        worker.logs.some((l) => typeof l.activityType === 'string'),
        'each worker ran activities',
      );
  });
});
