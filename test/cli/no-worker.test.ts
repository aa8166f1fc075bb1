// `drsctl approve` / `abort` when no worker polls the run's task queue: the run cannot answer, so
// drsctl gives up after --timeout with exit 3 and says why, instead of waiting forever.
import { strict as assert } from 'node:assert';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerEnv } from '../helpers/temporal';
import { runDrsctl } from './stack';

describe('drsctl approve / abort with no worker (dev server)', function () {
  this.timeout(60_000);
  let env: TestWorkflowEnvironment;
  const taskQueue = `no-worker-${process.pid}`;
  const workflowId = `no-worker-drill-${process.pid}`;

  before(async () => {
    env = await devServerEnv();
    await env.client.workflow.start('drsDrill', { args: [{}], taskQueue, workflowId });
  });
  after(async () => {
    await env.client.workflow.getHandle(workflowId).terminate('test over');
  });

  for (const command of ['approve', 'abort']) {
    it(`${command} gives up after --timeout with exit 3, naming the task queue`, async () => {
      const r = await runDrsctl([command, workflowId, '--timeout', '2'], {
        TEMPORAL_ADDRESS: env.connection.options.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
      });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /no answer within 2 s: .*is a worker polling task queue no-worker-/);
    });
  }
});
