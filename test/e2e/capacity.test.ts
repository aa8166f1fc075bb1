// End to end: two real worker processes on the shared dev server share one capacity queue, so
// drills started together on both stay under DRS's job quota (the emulator enforces it too, and
// would refuse a job over it). A worker-local limit could not pass this: each worker alone would
// allow two jobs, four in all.
import { strict as assert } from 'node:assert';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { capacityWorkflowId } from '../../common/capacity';
import type { DrillReport } from '../../common/types';
import { capacityQuery } from '../../workflows/messages';
import type { RunningEmulator } from '../../emulator';
import { startWorkerStack, type WorkerStack } from '../helpers/worker-stack';

const JOBS = 2;
const DRILLS = 6;

describe('quota-aware launches across two worker processes (dev server + emulator)', function () {
  this.timeout(240_000);
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;
  let stack: WorkerStack | undefined;
  const taskQueue = `drs-capacity-e2e-${Date.now()}`;

  before(async () => {
    // launch and terminate jobs of a few seconds (the stack's emulator clock), under a quota of two
    stack = await startWorkerStack(taskQueue, {
      AWS_ACCESS_KEY_ID: 'AKIA111122223333TEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      DRS_MAX_CONCURRENT_JOBS: String(JOBS),
      LOG_LEVEL: 'debug',
    });
    ({ env, emulator } = stack);
    await emulator.control.setConfig({ quotas: { maxConcurrentJobs: JOBS } });
    await stack.addWorker();
  });

  /** One one-server drill per new emulator server, all started at once. */
  async function drillsAtOnce(count: number, prefix: string) {
    const servers = await emulator.control.addServers({ count });
    return Promise.all(
      servers.map((server, i) =>
        env.client.workflow.start('drsDrill', {
          taskQueue,
          workflowId: `${prefix}-${Date.now()}-${i}`,
          args: [{ sourceServerIds: [server], region: 'us-east-1' }],
        }),
      ),
    );
  }

  after(async () => {
    await stack?.stop();
  });

  it(`runs ${DRILLS} drills started at once on two workers: all SUCCEEDED, never over ${JOBS} jobs, no quota refusal`, async () => {
    const handles = await drillsAtOnce(DRILLS, 'drill-capacity-e2e');

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
    for (const worker of stack?.workers ?? [])
      assert.ok(
        worker.logs.some((l) => typeof l.activityType === 'string'),
        'each worker ran activities',
      );
  });

  it('loses no place when a worker is killed (-9) while drills hold and wait for places', async () => {
    await emulator.control.reset();
    await emulator.control.setConfig({ quotas: { maxConcurrentJobs: JOBS } });
    const handles = await drillsAtOnce(4, 'drill-capacity-kill');
    // kill one worker once some drill waits in the queue, and start another in its place
    for (;;) {
      const phases = await Promise.all(
        handles.map(
          async (h) => ((await h.describe()).searchAttributes.DrsPhase as string[] | undefined)?.[0],
        ),
      );
      if (phases.includes('waiting-for-capacity')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const victim = stack?.workers.find((w) => w.running);
    victim?.signal('SIGKILL');
    await victim?.exited;
    await stack?.addWorker();

    const reports = await Promise.all(handles.map((handle) => handle.result() as Promise<DrillReport>));
    for (const report of reports) assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const [usage] = (await emulator.control.usage()).filter((u) => u.region === 'us-east-1');
    assert.ok(usage.peak.activeJobs <= JOBS, `peak ${usage.peak.activeJobs} jobs`);
    const audit = await emulator.control.audit();
    assert.equal(audit.filter((e) => e.statusCode === 402).length, 0, 'no quota refusal');
    assert.equal(audit.filter((e) => e.operation === 'StartRecovery' && e.statusCode < 300).length, 4);
    const queue = await env.client.workflow
      .getHandle(capacityWorkflowId(taskQueue, 'us-east-1'))
      .query(capacityQuery);
    assert.deepEqual([queue.holders, queue.waiting], [[], []], 'every place was given back');
  });
});
