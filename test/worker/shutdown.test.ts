// The real worker process against the shared dev server and an in-process DRS emulator: SIGTERM in
// the middle of a drill, a restarted worker finishing it, and the metrics endpoint afterwards.
import { strict as assert } from 'node:assert';
import { DrsClient } from '@aws-sdk/client-drs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  emulatorClientConfig,
  pickHealthyServers,
  startEmulator,
  type RunningEmulator,
} from '../../emulator';
import type { DrillReport } from '../../common/types';
import { devServerEnv } from '../helpers/temporal';
import { WorkerProcess, workerEnv, type LogLine } from './worker-process';

const GRACE_SECONDS = 2;
const FORCE_SECONDS = 15;
const AWS_SECRET = 'aws-secret-never-logged';

describe('worker process: graceful shutdown, restart and metrics', function () {
  // a task the dev server hands to the stopping worker's last poll is lost until its
  // 5 s heartbeat timeout (docs/deployment.md); room for slow worker starts on a busy machine
  this.timeout(240_000);
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;
  const workers: WorkerProcess[] = [];
  const taskQueue = `drs-shutdown-${Date.now()}`;
  const workflowId = `drill-shutdown-${Date.now()}`;

  async function startWorker(
    extra: NodeJS.ProcessEnv = {},
  ): Promise<{ worker: WorkerProcess; metricsUrl: string }> {
    const environment = await workerEnv({
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DRS_ENDPOINT: emulator.url,
      AWS_ACCESS_KEY_ID: 'AKIA111122223333TEST',
      AWS_SECRET_ACCESS_KEY: AWS_SECRET,
      WORKER_SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
      WORKER_SHUTDOWN_FORCE_SECONDS: String(FORCE_SECONDS),
      ...extra,
    });
    const worker = new WorkerProcess(environment);
    workers.push(worker);
    await worker.waitForLog((l) => l.msg === 'worker polling');
    return { worker, metricsUrl: `http://${environment.WORKER_METRICS_ADDRESS}/metrics` };
  }

  async function calls(operation: string): Promise<number> {
    return (await emulator.control.audit({ operation })).filter((e) => e.statusCode < 300).length;
  }

  before(async () => {
    env = await devServerEnv();
    // launch and terminate jobs finish in a few seconds
    emulator = await startEmulator({ timeScale: 0.1, quiet: true });
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await emulator?.close();
  });

  let report: DrillReport;
  let secondWorker: { worker: WorkerProcess; metricsUrl: string };

  it('SIGTERM mid-drill ends the worker cleanly within the bound; a restarted worker finishes the drill, launching once', async () => {
    const first = await startWorker();
    const healthUrl = first.worker.logs.find((l) => l.msg === 'worker polling')?.health as string;
    assert.equal((await fetch(healthUrl)).status, 200);

    const drsClient = new DrsClient(emulatorClientConfig(emulator.url));
    const sourceServerIds = await pickHealthyServers(drsClient, 2);
    drsClient.destroy();
    const handle = await env.client.workflow.start('drsDrill', {
      taskQueue,
      workflowId,
      args: [{ sourceServerIds, region: 'us-east-1' }],
    });

    // mid-drill: the launch job exists and the drill is waiting on it
    for (let i = 0; (await calls('StartRecovery')) === 0; i++) {
      assert.ok(i < 600, 'StartRecovery within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    first.worker.signal('SIGTERM');
    const { code, signal } = await first.worker.exited;
    // exit code 0 and no bound line: the drain finished before the force bound (which exits 1),
    // checked without timing the exit (a loaded machine stretches any wall-clock bound)
    assert.equal(code, 0, `clean exit, got code ${code} signal ${signal}:\n${first.worker.output}`);
    assert.ok(!first.worker.logs.some((l) => l.msg.startsWith('shutdown bound reached')));
    assert.ok(
      first.worker.logs.some((l) => l.msg.startsWith('shutdown requested') && l.signal === 'SIGTERM'),
    );
    assert.ok(first.worker.logs.some((l) => l.msg.startsWith('worker stopped')));
    const description = await handle.describe();
    assert.equal(description.status.name, 'RUNNING', 'the drill outlives the worker');

    secondWorker = await startWorker({ LOG_LEVEL: 'debug' });
    report = await handle.result();
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    // the workflow logger's lines reach the worker's stdout after its task completes, so the
    // result can arrive first on a busy machine
    await secondWorker.worker
      .waitForLog((l) => l.msg === `outcome ${report.outcome}`, 10_000)
      .catch(() => undefined); // the log test below names what is missing
    assert.equal(await calls('StartRecovery'), 1, 'exactly one StartRecovery across both workers');
    assert.equal(await calls('TerminateRecoveryInstances'), 1);
    assert.ok(report.servers.every((s) => s.launchStatus === 'LAUNCHED' && s.terminated));
  });

  it('serves the product metrics beside the Temporal runtime metrics after the drill', async () => {
    assert.ok(secondWorker, 'the restarted worker from the previous test');
    let text = '';
    for (let i = 0; i < 50 && !/^drs_runs_total\{/m.test(text); i++) {
      text = await (await fetch(secondWorker.metricsUrl)).text();
      await new Promise((r) => setTimeout(r, 100));
    }
    const sample = (pattern: RegExp) => text.split('\n').find((line) => pattern.test(line));
    const drills = sample(/^drs_runs_total\{(?=.*operation="drill")(?=.*outcome="SUCCEEDED")/);
    assert.ok(drills, `drs_runs_total{operation="drill",outcome="SUCCEEDED"} in:\n${text}`);
    assert.match(drills, /workflowType="drsDrill"/);
    assert.equal(Number(drills.split(' ').at(-1)), 1, 'counted once, not again on replay');
    assert.match(sample(/^drs_time_to_launch_seconds_count/) ?? '', / 1$/);
    assert.ok(
      sample(/^drs_api_calls_total\{.*operation="DescribeJobs".*result="ok"/),
      'DRS calls by operation',
    );
    assert.ok(
      sample(/^drs_api_calls_total\{.*operation="TerminateRecoveryInstances"/),
      'the restarted worker did the cleanup',
    );
    assert.ok(sample(/^temporal_/), "the Temporal runtime's own metrics");
  });

  it('logs JSON lines carrying workflow ids, never the AWS secret', () => {
    const worker = secondWorker.worker;
    const activityLine = worker.logs.find(
      (l: LogLine) => l.workflowId === workflowId && typeof l.activityType === 'string',
    );
    assert.ok(activityLine, `an activity log line with workflowId ${workflowId}:\n${worker.output}`);
    // the workflow's own lines (workflow logger) carry the run's ids; replayed ones are not repeated
    const [first] = workers;
    const launching = first.logs.find((l) => l.msg === 'phase launching');
    assert.deepEqual(
      [launching?.workflowId, launching?.workflowType, launching?.level],
      [workflowId, 'drsDrill', 'info'],
      `the first worker logged the launch phase:\n${first.output}`,
    );
    assert.ok(typeof launching?.runId === 'string', 'with the run id');
    assert.ok(!worker.logs.some((l) => l.msg === 'phase launching'), 'not logged again on replay');
    const outcome = worker.logs.find((l) => l.msg === 'outcome SUCCEEDED');
    assert.equal(
      outcome?.workflowId,
      workflowId,
      `the restarted worker logged the outcome:\n${worker.output}`,
    );
    // the activity logger's lines carry the activity and its workflow
    const terminate = worker.logs.find((l) => l.msg.startsWith('TerminateRecoveryInstances created job'));
    assert.deepEqual(
      [terminate?.workflowId, terminate?.activityType],
      [workflowId, 'terminateDrillInstances'],
      `the cleanup's DRS call was logged:\n${worker.output}`,
    );
    for (const w of workers) assert.ok(!w.output.includes(AWS_SECRET), 'AWS secret printed');
  });
});
