import { strict as assert } from 'node:assert';
import { Worker } from '@temporalio/worker';
import { timeSkippingEnv, devServerEnv } from '../helpers/temporal';
import { TimeSkippingStalled, skippingResult, timeSkips, whileTimeSkips } from '../helpers/time-skipping';
import { cancelUnstartedActivityThenSleep, sleepFor } from '../fixtures/workflows';
import Mocha from 'mocha';
import { retryOnceAfterStall, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';

const workflowsPath = require.resolve('../fixtures/workflows');
const SIX_HOURS = 6 * 60 * 60 * 1000;

describe('test harness', () => {
  // No wall-clock bounds here: a loaded machine stretches any of them. Skipping is checked as the
  // helpers check it, by the server clock outrunning wall time (helpers/time-skipping.ts).
  it('skips time: a workflow sleeping 6 hours finishes in seconds on the time-skipping server', async () => {
    const env = await timeSkippingEnv();
    try {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: 'harness',
        workflowsPath,
      });
      const result = await worker.runUntil(async () => {
        const handle = await env.client.workflow.start(sleepFor, {
          args: [SIX_HOURS],
          workflowId: 'sleep-6h',
          taskQueue: 'harness',
        });
        // rejects with TimeSkippingStalled if the server clock stops outrunning wall time
        return skippingResult<string>(env, handle);
      });
      assert.equal(result, `slept ${SIX_HOURS}ms`);
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
        // (reported after the 3-s window instead of the 6-h sleep in real time: mocha's timeout
        // is the bound, since any wall-clock bound of our own breaks on a loaded machine)
        await assert.rejects(skippingResult(env, handle, { windowMs: 3_000 }), TimeSkippingStalled);
        assert.equal(await timeSkips(env, 2_000), false, 'the leaked lock keeps time from skipping');
      });
    } finally {
      await env.teardown();
    }
  });

  it('does not count time in which activities ran against the server', async () => {
    const env = await timeSkippingEnv();
    try {
      // the lock stands in for an activity that keeps running for twice the window
      await env.connection.testService?.lockTimeSkipping({});
      const started = Date.now();
      const busyMs = () => Date.now() - started;
      const work = () => new Promise<string>((resolve) => setTimeout(() => resolve('done'), 6_000));
      assert.equal(await whileTimeSkips(env, 'a busy wait', work, { windowMs: 3_000, busyMs }), 'done');
      await assert.rejects(
        whileTimeSkips(env, 'an idle wait', work, { windowMs: 3_000 }),
        TimeSkippingStalled,
      );
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
    for (const name of [
      'DrsOperation',
      'DrsSourceServers',
      'DrsPhase',
      'DrsOutcome',
      'DrsServerCount',
      'DrsAccounts',
      'DrsRegions',
    ]) {
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

  describe('a test whose server stops skipping time while it runs', () => {
    let h: DrillHarness;
    useDrillHarness((harness) => (h = harness));
    const attempts: DrillHarness[] = [];

    it('runs once more, on a fresh server', async () => {
      attempts.push(h);
      if (attempts.length === 1) {
        await h.env.connection.testService?.lockTimeSkipping({});
        await h.env.connection.testService?.lockTimeSkipping({});
        throw new TimeSkippingStalled('a wait of this test');
      }
      assert.notEqual(attempts[1], attempts[0], 'the second attempt has a new harness');
      assert.equal(await timeSkips(h.env), true);
    });
  });

  it('never retries a test that failed for any other reason', async () => {
    const suite = new Mocha.Suite('a suite');
    let calls = 0;
    const failure = new assert.AssertionError({ message: 'a real failure' });
    suite.addTest(
      new Mocha.Test('fails an assertion once', () => {
        calls++;
        if (calls === 1) throw failure;
      }),
    );
    retryOnceAfterStall(suite);
    const [test] = suite.tests;
    assert.equal(test.retries(), 1);
    const run = async () => (test.fn as Mocha.AsyncFunc).call({} as Mocha.Context);
    await assert.rejects(run(), (err: unknown) => err === failure);
    await assert.rejects(run(), (err: unknown) => err === failure, 'the retry fails with the first error');
    assert.equal(calls, 1, 'the body ran once');
  });
});
