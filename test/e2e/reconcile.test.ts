// End to end: a real worker process creates its drsReconcile schedule (interval set short here), a
// drill is terminated mid-validation from the Temporal CLI, and the scheduled reconciler
// terminates exactly that drill's instances, while the instance of a drill still running stays.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath } from '../../common/paths';
import type { DrillProgress } from '../../common/types';
import type { RunningEmulator } from '../../emulator';
import { reconcileScheduleId } from '../../worker/reconcile-schedule';
import { startWorkerStack, type WorkerStack } from '../helpers/worker-stack';
import type { WorkerProcess } from '../worker/worker-process';

const REGION = 'us-east-1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scheduled drsReconcile on the local stack (dev server, emulator, worker process)', function () {
  this.timeout(300_000);
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;
  let worker: WorkerProcess;
  let stack: WorkerStack | undefined;
  const taskQueue = `drs-reconcile-e2e-${Date.now()}`;

  before(async () => {
    stack = await startWorkerStack(taskQueue, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'AKIA111122223333TEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      DRS_RECONCILE_EVERY: '20s',
      DRS_RECONCILE_GRACE: '1s',
    });
    ({ env, emulator, worker } = stack);
  });

  after(async () => {
    await env?.client.schedule
      .getHandle(reconcileScheduleId(taskQueue, REGION))
      .delete()
      .catch(() => undefined);
    await stack?.stop();
  });

  async function drillInValidation(sourceServerIds: string[], workflowId: string) {
    const handle = await env.client.workflow.start('drsDrill', {
      taskQueue,
      workflowId,
      args: [{ sourceServerIds, region: REGION, validation: { mode: 'hold', holdSeconds: 3600 } }],
    });
    for (;;) {
      const p = await handle.query<DrillProgress>('progress');
      if (p.phase === 'validating') return p.servers.map((s) => s.recoveryInstanceId ?? '').sort();
      await sleep(500);
    }
  }

  const liveDrillInstances = async () =>
    (await emulator.control.state()).recoveryInstances
      .filter((i) => i.isDrill && i.ec2InstanceState !== 'TERMINATED')
      .map((i) => i.recoveryInstanceID)
      .sort();

  it('terminates the instances of a drill terminated from the Temporal CLI within an interval', async () => {
    const created = await worker.waitForLog((l) => l.msg === 'drsReconcile schedule');
    assert.equal(created.result, 'created');
    const [a1, a2, kept] = await emulator.control.addServers({ count: 3 });
    const leakedId = `drill-leaked-${Date.now()}`;
    const leaked = await drillInValidation([a1, a2], leakedId);
    const running = await drillInValidation([kept], `drill-running-${Date.now()}`);
    await promisify(execFile)(temporalCliPath(), [
      'workflow',
      'terminate',
      '--address',
      env.address,
      '--workflow-id',
      leakedId,
      '--reason',
      'e2e: terminated mid-validation',
    ]);
    const terminatedAt = Date.now();

    while ((await liveDrillInstances()).some((id) => leaked.includes(id))) await sleep(1000);
    console.log(
      `      leaked instances terminated ${((Date.now() - terminatedAt) / 1000).toFixed(1)} s after the drill`,
    );
    assert.deepEqual(await liveDrillInstances(), running, 'the running drill keeps its instance');
    const terminates = (await emulator.control.audit({ operation: 'TerminateRecoveryInstances' }))
      .filter((e) => e.statusCode < 300)
      .map((e) => [...(e.request as { recoveryInstanceIDs: string[] }).recoveryInstanceIDs].sort());
    assert.deepEqual(
      terminates,
      [leaked],
      'one TerminateRecoveryInstances, naming only the leaked instances',
    );
  });
});
