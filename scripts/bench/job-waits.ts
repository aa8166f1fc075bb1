// Job-wait figures for `npm run bench`: how soon a drill notices that its launch job ended, and how
// many job polls it makes, for three waits measured side by side in the same run:
//   fixed 3 s   DescribeJobs every 3 s per job (what most DRS tooling does)
//   backoff     the wait's retry policy, 5 s growing by 1.5x to 1 min per job (this project's waits
//               before adaptive ones)
//   adaptive    batched per account and region, phase-aware, aligned ticks (the product's)
// The baselines are bench-side (baseline-polls.ts, run by baseline-worker.ts); adaptive runs the
// product worker. Each wait runs its drills on its own worker process and its own emulator, one
// wait after the other on one dev server: run at once, 3 x 50 drills on 2 cores measured the
// machine's saturation rather than the waits (the fixed poller itself missed its 3 s). The emulator
// plays realistic job steps scaled down (snapshot, conversion, launch of a few minutes). Detection
// delay = the launch job's end in the emulator → the drill's TerminateRecoveryInstances call (the
// run acting on it); and for cleanup, the terminate job's end → the drill's last
// DescribeRecoveryInstances.
import path from 'node:path';
import { DrsClient, paginateDescribeJobs, type Job } from '@aws-sdk/client-drs';
import { Client, Connection } from '@temporalio/client';
import type { DrillReport } from '../../common/types';
import { emulatorClientConfig, startEmulator, type AuditEntry, type RunningEmulator } from '../../emulator';
import { startDevServer } from '../lib/dev-server';
import { freePort } from '../lib/ports';
import { MeasuredWorker } from './scale';

const REGION = 'us-east-1';

export interface JobWaitOptions {
  /** Concurrent one-server drills per level. */
  waitLevels: number[];
  /** Emulator time scale of the realistic job steps. */
  waitTimeScale: number;
  /** Which waits to run, by kind (fixed, backoff, adaptive); all three by default. */
  waitKinds?: string[];
}

const WAITS = [
  { name: 'fixed 3 s', poll: 'fixed:3' },
  { name: 'backoff 5 s→1 min', poll: 'backoff' },
  { name: 'adaptive', poll: 'adaptive' },
] as const;

export interface JobWaitFigures {
  drills: number;
  wait: string;
  failures: number;
  medianDetectionSeconds: number;
  worstDetectionSeconds: number;
  medianCleanupDetectionSeconds: number;
  worstCleanupDetectionSeconds: number;
  jobPollCalls: number;
  describeJobsCalls: number;
  wallSeconds: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function allJobs(drs: DrsClient): Promise<Job[]> {
  const jobs: Job[] = [];
  for await (const page of paginateDescribeJobs({ client: drs }, { filters: {} }))
    jobs.push(...(page.items ?? []));
  return jobs;
}

/** Per drill: seconds from its launch job's end to its terminate call, and from its terminate job's end to its last instance check. */
function detectionDelays(
  reports: DrillReport[],
  jobs: Job[],
  audit: AuditEntry[],
): { launch: number[]; cleanup: number[] } {
  const byId = new Map(jobs.map((j) => [j.jobID ?? '', j]));
  const at = (e: AuditEntry) => Date.parse(e.time);
  const launch: number[] = [];
  const cleanup: number[] = [];
  for (const report of reports) {
    const server = report.servers[0]?.sourceServerId;
    const launchJob = byId.get(report.launchJobId ?? '');
    const terminateJob = byId.get(report.terminateJobId ?? '');
    const ended = Date.parse(launchJob?.endDateTime ?? '');
    const terminate = audit.find(
      (e) =>
        e.operation === 'TerminateRecoveryInstances' &&
        at(e) >= ended &&
        JSON.stringify(e.request).includes(report.servers[0]?.recoveryInstanceId ?? '-'),
    );
    if (terminate) launch.push((at(terminate) - ended) / 1000);
    const cleaned = Date.parse(terminateJob?.endDateTime ?? '');
    const checks = audit.filter(
      (e) =>
        e.operation === 'DescribeRecoveryInstances' &&
        at(e) >= cleaned &&
        JSON.stringify(e.request).includes(server ?? '-'),
    );
    if (checks[0]) cleanup.push((at(checks[0]) - cleaned) / 1000);
  }
  return { launch, cleanup };
}

async function runWait(
  address: string,
  emulator: RunningEmulator,
  wait: (typeof WAITS)[number],
  drills: number,
): Promise<JobWaitFigures> {
  const taskQueue = `bench-waits-${wait.poll}-${drills}-${Date.now()}`;
  await emulator.control.reset({ inventory: 'empty' });
  const servers = await emulator.control.addServers({ count: drills });
  const stack = { temporalAddress: address, taskQueue, emulator };
  const worker =
    wait.poll === 'adaptive'
      ? await MeasuredWorker.start(stack)
      : await MeasuredWorker.start(
          stack,
          { BENCH_JOB_POLL: wait.poll },
          path.join(__dirname, 'baseline-worker.js'),
        );
  const client = new Client({ connection: await Connection.connect({ address }) });
  const drs = new DrsClient(emulatorClientConfig(emulator.url, { region: REGION }));
  try {
    await emulator.control.clearAudit();
    const started = Date.now();
    const handles = [];
    for (const [i, id] of servers.entries())
      handles.push(
        await client.workflow.start('drsDrill', {
          taskQueue,
          workflowId: `${taskQueue}-${i + 1}`,
          args: [{ sourceServerIds: [id], region: REGION, launchTimeoutSeconds: 3600 }],
        }),
      );
    const reports = (await Promise.all(handles.map((h) => h.result()))) as DrillReport[];
    const wallSeconds = round1((Date.now() - started) / 1000);
    const audit = await emulator.control.audit();
    const { launch, cleanup } = detectionDelays(reports, await allJobs(drs), audit);
    return {
      drills,
      wait: wait.name,
      failures: reports.filter((r) => r.outcome !== 'SUCCEEDED').length,
      medianDetectionSeconds: round1(median(launch)),
      worstDetectionSeconds: round1(Math.max(...launch)),
      medianCleanupDetectionSeconds: round1(median(cleanup)),
      worstCleanupDetectionSeconds: round1(Math.max(...cleanup)),
      jobPollCalls: audit.filter(
        (e) => e.operation === 'DescribeJobs' || e.operation === 'DescribeJobLogItems',
      ).length,
      describeJobsCalls: audit.filter((e) => e.operation === 'DescribeJobs').length,
      wallSeconds,
    };
  } finally {
    await worker.stop();
    drs.destroy();
    await client.connection.close();
  }
}

export async function runJobWaitBench(options: JobWaitOptions): Promise<JobWaitFigures[]> {
  const dev = await startDevServer({ port: await freePort(), uiPort: await freePort() });
  const emulators = await Promise.all(
    WAITS.map((_, i) =>
      startEmulator({ seed: 7 + i, quiet: true, durations: 'realistic', timeScale: options.waitTimeScale }),
    ),
  );
  const figures: JobWaitFigures[] = [];
  try {
    for (const drills of options.waitLevels) {
      for (const [i, wait] of WAITS.entries()) {
        if (options.waitKinds && !options.waitKinds.some((kind) => wait.poll.startsWith(kind))) continue;
        console.log(`  job waits: ${drills} drills at once, ${wait.name}…`);
        const f = await runWait(dev.address, emulators[i], wait, drills);
        figures.push(f);
        console.log(
          `    detection ${f.medianDetectionSeconds} s / ${f.worstDetectionSeconds} s, cleanup ${f.medianCleanupDetectionSeconds} s / ${f.worstCleanupDetectionSeconds} s, ${f.jobPollCalls} calls, ${f.failures} failures, ${f.wallSeconds} s`,
        );
      }
    }
  } finally {
    for (const emulator of emulators) await emulator.close();
    await dev.stop();
  }
  return figures;
}

export function printJobWaitFigures(figures: JobWaitFigures[], timeScale: number): void {
  console.log(`\nJob waits (realistic job steps x${timeScale}; detection = job end → the run acting on it)`);
  console.log(
    '| drills | wait | failures | launch job: median / worst detection | terminate job: median / worst | job-poll calls (DescribeJobs + DescribeJobLogItems) | vs fixed 3 s | wall |',
  );
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const f of figures) {
    const fixed = figures.find((g) => g.drills === f.drills && g.wait === WAITS[0].name);
    const ratio = fixed ? round1((f.jobPollCalls / fixed.jobPollCalls) * 100) / 100 : NaN;
    console.log(
      `| ${f.drills} | ${f.wait} | ${f.failures} | ${f.medianDetectionSeconds} s / ${f.worstDetectionSeconds} s | ${f.medianCleanupDetectionSeconds} s / ${f.worstCleanupDetectionSeconds} s | ${f.jobPollCalls} (${f.describeJobsCalls} + ${f.jobPollCalls - f.describeJobsCalls}) | ${ratio.toFixed(2)} | ${f.wallSeconds} s |`,
    );
  }
}
