import { strict as assert } from 'node:assert';
import { Worker } from '@temporalio/worker';
import { timeSkippingEnv, devServerEnv } from '../helpers/temporal';
import { TimeSkippingStalled, skippingResult, timeSkips } from '../helpers/time-skipping';
import { cancelUnstartedActivityThenSleep, sleepFor } from '../fixtures/workflows';
import { useDrillHarness, type DrillHarness } from '../workflows/drill-harness';

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

  it('notices when the test server stops skipping time (a leaked lock) and says so within seconds', async () => {
    const env = await timeSkippingEnv();
    try {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: 'harness-leak',
        workflowsPath,
      });
      await worker.runUntil(async () => {
        assert.equal(await timeSkips(env), true, 'a fresh server skips an idle hour at once');
        const handle = await env.client.workflow.start(cancelUnstartedActivityThenSleep, {
          args: [SIX_HOURS],
          workflowId: 'leak',
          taskQueue: 'harness-leak',
        });
        const started = Date.now();
        await assert.rejects(skippingResult(env, handle, undefined, 3_000), TimeSkippingStalled);
        const wallMs = Date.now() - started;
        assert.ok(wallMs < 15_000, `the stall was reported after ${wallMs} ms`);
        assert.equal(await timeSkips(env, 2_000), false, 'the leaked lock keeps time from skipping');
      });
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
    for (const name of ['DrsOperation', 'DrsSourceServers', 'DrsPhase', 'DrsOutcome', 'DrsServerCount']) {
      assert.ok(name in (customAttributes ?? {}), `${name} registered`);
    }
  });

  describe('a suite harness whose server stopped skipping time', () => {
    let h: DrillHarness;
    useDrillHarness((harness) => (h = harness));
    let leaked: DrillHarness | undefined;

    it('takes a time lock nobody releases (as the server itself sometimes does): time stops skipping', async () => {
      leaked = h;
      const testService = h.env.connection.testService;
      assert.ok(testService, 'a time-skipping server');
      // two locks: the probe's sleep lifts one of them until the sleep ends, an hour later
      await testService.lockTimeSkipping({});
      await testService.lockTimeSkipping({});
      assert.equal(await timeSkips(h.env, 2_000), false);
    });

    it('is replaced by a fresh one before the next test', async () => {
      assert.ok(leaked && h !== leaked, 'a new harness');
      assert.equal(await timeSkips(h.env), true);
    });
  });
});
