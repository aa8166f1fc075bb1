// End to end: a worker killed (-9) while a slow DRS call is in flight costs the drill seconds, not
// the minute an attempt's start-to-close timeout used to: activities heartbeat, so the dead worker's
// attempt times out after HEARTBEAT_TIMEOUT and another worker retries it. Two drills run side by
// side with the same faults, each on its own task queue with two worker processes (as a deployment
// with two replicas): one undisturbed (the baseline), one whose worker running the call is killed
// and replaced at once. With one worker the replacement's start would be measured too: bundling
// the workflow code takes 8–50 s on a loaded 2-core machine (docs/benchmarks.md).
import { strict as assert } from 'node:assert';
import { DrsClient } from '@aws-sdk/client-drs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  emulatorClientConfig,
  pickHealthyServers,
  startEmulator,
  type RunningEmulator,
} from '../../emulator';
import { devServerEnv } from '../helpers/temporal';
import { runDrill, type ResumeStack } from './resume-run';

/** DRS answering DescribeJobs slowly: long enough to kill a worker in the middle of the call. */
const DESCRIBE_JOBS_LATENCY_MS = 8000;
/** The rule: a drill killed mid-call finishes within this of an undisturbed one. */
const ALLOWED_DELAY_SECONDS = 15;

describe('resume after a worker is killed mid-call (dev server + worker processes + emulator)', function () {
  this.timeout(240_000);
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;

  before(async () => {
    env = await devServerEnv();
    // launch and terminate jobs of a few seconds: the slow DescribeJobs calls dominate
    emulator = await startEmulator({ timeScale: 0.1, quiet: true });
  });

  after(async () => {
    await emulator?.close();
  });

  it(`finishes a drill killed during a slow DescribeJobs within ${ALLOWED_DELAY_SECONDS} s of an undisturbed one, launching and cleaning up once`, async () => {
    const drsClient = new DrsClient(emulatorClientConfig(emulator.url));
    const [calm, killed] = await pickHealthyServers(drsClient, 2);
    drsClient.destroy();
    await emulator.control.faults({ operation: 'DescribeJobs', latencyMs: DESCRIBE_JOBS_LATENCY_MS });
    const stack: ResumeStack = { client: env.client, temporalAddress: env.address, emulator };

    const [undisturbed, resumed] = await Promise.all([
      runDrill(stack, calm, { kind: 'none' }, { workers: 2, name: 'calm' }),
      // 1.5 s into an 8 s call: the attempt is certainly running on the worker that dies
      runDrill(stack, killed, { kind: 'mid-call', afterMs: 1500 }, { workers: 2, name: 'killed' }),
    ]);

    assert.equal(undisturbed.report.outcome, 'SUCCEEDED', undisturbed.report.summary);
    assert.equal(resumed.report.outcome, 'SUCCEEDED', resumed.report.summary);
    assert.equal(resumed.workerStartSeconds.length, 3, 'a worker was started in place of the killed one');

    const audit = (await emulator.control.audit()).filter((e) => e.statusCode < 300);
    const launches = audit.filter(
      (e) =>
        e.operation === 'StartRecovery' &&
        (e.request as { sourceServers: { sourceServerID: string }[] }).sourceServers.some(
          (s) => s.sourceServerID === killed,
        ),
    );
    assert.equal(launches.length, 1, 'one StartRecovery for the killed drill');
    const [instance] = resumed.report.servers;
    const terminations = audit.filter(
      (e) =>
        e.operation === 'TerminateRecoveryInstances' &&
        (e.request as { recoveryInstanceIDs: string[] }).recoveryInstanceIDs.includes(
          instance.recoveryInstanceId ?? '',
        ),
    );
    assert.equal(terminations.length, 1, 'one TerminateRecoveryInstances for the killed drill');
    assert.equal(audit.filter((e) => e.operation === 'StartRecovery').length, 2, 'one launch per drill');
    const state = await emulator.control.state();
    assert.deepEqual(
      state.recoveryInstances.filter((i) => i.isDrill && i.ec2InstanceState !== 'TERMINATED'),
      [],
      'no drill instance left',
    );

    const delay = resumed.seconds - undisturbed.seconds;
    assert.ok(
      delay <= ALLOWED_DELAY_SECONDS,
      `killed mid-call: ${resumed.seconds.toFixed(1)} s, undisturbed: ${undisturbed.seconds.toFixed(1)} s ` +
        `(${delay.toFixed(1)} s late, allowed ${ALLOWED_DELAY_SECONDS} s; worker starts ` +
        `${resumed.workerStartSeconds.map((s) => s.toFixed(1)).join(' s, ')} s)`,
    );
  });
});
