// End to end: a real worker process against the shared dev server and the DRS emulator, its
// Prometheus endpoint scraped before, during and after a drill. The product's metrics move as the
// drill goes: DRS calls by operation, the capacity wait and queue gauges, drill instances alive (a
// reconcile pass in the middle of the drill and after it), the run counted once by operation and
// outcome with its time to launch and to healthy, and a readiness run's NOT_READY verdict.
import { strict as assert } from 'node:assert';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DrillProgress, DrillReport } from '../../common/types';
import type { RunningEmulator } from '../../emulator';
import { startWorkerStack, type WorkerStack } from '../helpers/worker-stack';

const REGION = 'us-east-1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function parseExposition(text: string): Sample[] {
  return text.split('\n').flatMap((line) => {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) return [];
    const labels = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    return [{ name: m[1], labels, value: Number(m[3]) }];
  });
}

describe('worker metrics endpoint during a drill (dev server, emulator, worker process)', function () {
  this.timeout(300_000);
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;
  let stack: WorkerStack | undefined;
  let metricsUrl: string;
  const taskQueue = `drs-metrics-e2e-${Date.now()}`;

  before(async () => {
    stack = await startWorkerStack(taskQueue, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'AKIA111122223333TEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
    });
    ({ env, emulator } = stack);
    metricsUrl = `http://${stack.workerEnvironment.WORKER_METRICS_ADDRESS}/metrics`;
  });

  after(async () => {
    await stack?.stop();
  });

  async function scrape(): Promise<Sample[]> {
    return parseExposition(await (await fetch(metricsUrl)).text());
  }

  /** The sum of `name`'s samples whose labels include `labels` (0 when there is none). */
  function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
    return samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  }

  /** Scrapes until `ready` holds (the exporter may lag the workflow task that recorded a value). */
  async function scrapeUntil(ready: (s: Sample[]) => boolean, what: string): Promise<Sample[]> {
    let samples: Sample[] = [];
    for (let i = 0; i < 100; i++) {
      samples = await scrape();
      if (ready(samples)) return samples;
      await sleep(200);
    }
    assert.fail(
      `${what}; drs_* samples:\n${JSON.stringify(samples.filter((s) => s.name.startsWith('drs_')))}`,
    );
  }

  const reconcilePass = () =>
    env.client.workflow.execute('drsReconcile', {
      taskQueue,
      workflowId: `reconcile-metrics-${Date.now()}`,
      args: [{ region: REGION, dryRun: true }],
    });

  it('moves the run, capacity, DRS call and drill instance metrics as a drill goes', async () => {
    const before = await scrape();
    assert.ok(
      before.some((s) => s.name.startsWith('temporal_')),
      "the SDK's own metrics are served",
    );
    assert.equal(total(before, 'drs_runs_total'), 0, 'no run yet');

    const sourceServerIds = await emulator.control.addServers({ count: 2 });
    const handle = await env.client.workflow.start('drsDrill', {
      taskQueue,
      workflowId: `drill-metrics-${Date.now()}`,
      // the drill waits in validation for an approval, so the test scrapes it there
      args: [{ sourceServerIds, region: REGION, validation: { mode: 'approval', timeoutSeconds: 3600 } }],
    });
    for (;;) {
      const p = await handle.query<DrillProgress>('progress');
      if (p.phase === 'validating') break;
      await sleep(300);
    }

    // mid-drill: launched, nothing finished yet
    await reconcilePass();
    const during = await scrapeUntil(
      (s) => total(s, 'drs_drill_instances_alive', { region: REGION }) === 2,
      'a reconcile pass counts the two drill instances alive',
    );
    assert.ok(total(during, 'drs_drill_instance_oldest_seconds', { region: REGION }) > 0);
    assert.equal(total(during, 'drs_api_calls_total', { operation: 'StartRecovery', result: 'ok' }), 1);
    assert.ok(total(during, 'drs_api_calls_total', { operation: 'DescribeJobs', result: 'ok' }) > 0);
    assert.equal(total(during, 'drs_capacity_wait_seconds_count', { lane: 'launch' }), 1);
    assert.ok(
      during.some((s) => s.name === 'drs_capacity_queue_waiting'),
      'the queue depth gauge',
    );
    assert.equal(total(during, 'drs_runs_total', { operation: 'drill' }), 0, 'the drill is still running');
    assert.equal(total(during, 'drs_time_to_launch_seconds_count'), 0);

    await handle.signal('approve', { by: 'e2e' });
    const report = (await handle.result()) as DrillReport;
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);

    await reconcilePass();
    const after = await scrapeUntil(
      (s) =>
        total(s, 'drs_runs_total', { operation: 'drill', outcome: 'SUCCEEDED' }) === 1 &&
        total(s, 'drs_drill_instances_alive', { region: REGION }) === 0,
      'the drill counted once as SUCCEEDED, and no drill instance alive after cleanup',
    );
    assert.equal(total(after, 'drs_runs_total', { operation: 'reconcile' }), 2);
    assert.equal(total(after, 'drs_time_to_launch_seconds_count', { operation: 'drill' }), 1);
    assert.equal(total(after, 'drs_time_to_healthy_seconds_count', { operation: 'drill' }), 1);
    assert.ok(total(after, 'drs_time_to_launch_seconds_sum', { operation: 'drill' }) > 0);
    assert.equal(total(after, 'drs_capacity_wait_seconds_count', { lane: 'cleanup' }), 1);
    assert.equal(
      total(after, 'drs_api_calls_total', { operation: 'TerminateRecoveryInstances', result: 'ok' }),
      1,
    );
    // labels stay bounded: no server, instance or workflow id anywhere in the product's metrics
    const ids = after
      .filter((s) => s.name.startsWith('drs_'))
      .flatMap((s) => Object.values(s.labels))
      .filter((v) => /\bs-[0-9a-z]{8,}|\bi-[0-9a-f]{8,}|drill-metrics-/.test(v));
    assert.deepEqual(ids, []);
  });

  it('counts a readiness run by its verdict (NOT_READY)', async () => {
    const [stalled] = await emulator.control.addServers({ count: 1 });
    await emulator.control.scenario({
      type: 'replicationState',
      sourceServerIds: [stalled],
      state: 'STALLED',
    });
    const report = await env.client.workflow.execute('drsReadiness', {
      taskQueue,
      workflowId: `readiness-metrics-${Date.now()}`,
      args: [{ region: REGION, sourceServerIds: [stalled] }],
    });
    assert.equal((report as { outcome: string }).outcome, 'NOT_READY');
    await scrapeUntil(
      (s) => total(s, 'drs_runs_total', { operation: 'readiness', outcome: 'NOT_READY' }) === 1,
      'drs_runs_total{operation="readiness",outcome="NOT_READY"} is 1',
    );
  });
});
