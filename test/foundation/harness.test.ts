import { strict as assert } from 'node:assert';
import { Worker } from '@temporalio/worker';
import { timeSkippingEnv, devServerEnv } from '../helpers/temporal';
import { sleepFor } from '../fixtures/workflows';

const workflowsPath = require.resolve('../fixtures/workflows');
const SIX_HOURS = 6 * 60 * 60 * 1000;

describe('test harness', () => {
  it('skips time: a workflow sleeping 6 hours finishes in seconds on the time-skipping server', async () => {
    const env = await timeSkippingEnv();
    try {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: 'harness',
        workflowsPath,
      });
      const started = Date.now();
      const result = await worker.runUntil(
        env.client.workflow.execute(sleepFor, {
          args: [SIX_HOURS],
          workflowId: 'sleep-6h',
          taskQueue: 'harness',
        }),
      );
      const wallMs = Date.now() - started;
      assert.equal(result, `slept ${SIX_HOURS}ms`);
      assert.ok(wallMs < 30_000, `6 h of workflow time took ${wallMs} ms of wall time`);
    } finally {
      await env.teardown();
    }
  });

  it('runs a worker against the dev server, with the custom search attributes registered', async () => {
    const env = await devServerEnv();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'harness-dev',
      workflowsPath,
    });
    const result = await worker.runUntil(
      env.client.workflow.execute(sleepFor, {
        args: [10],
        workflowId: `sleep-dev-${Date.now()}`,
        taskQueue: 'harness-dev',
      }),
    );
    assert.equal(result, 'slept 10ms');
    const { customAttributes } = await env.connection.operatorService.listSearchAttributes({
      namespace: 'default',
    });
    for (const name of ['DrsOperation', 'DrsSourceServers', 'DrsPhase', 'DrsOutcome']) {
      assert.ok(name in (customAttributes ?? {}), `${name} registered`);
    }
  });
});
