// Estate-scale figures for `npm run bench`: the whole local stack (dev server, one real worker
// process, the emulator with its demo job durations) on 127.0.0.1, each scenario next to the ideal
// computed from the emulator's own job times measured in the same run.
//
//   solo drill        one one-server drill: the job times every ideal below is built from
//   100 drills        100 one-server drills started at once: ideal = ceil(100 / 20) × solo job time
//   100-server drill  one drill of DRS's maximum job size
//   N-server plan     a plan of tag-selected waves: ideal = the sum of each wave's job span
//   ... from K staging accounts   the same servers in K staging accounts, extended into the
//                     recovery account, one wave per staging account (scripts/bench/estate.ts)
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DrsClient, paginateDescribeJobs, type Job } from '@aws-sdk/client-drs';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { capacityWorkflowId, DRS_DEFAULT_LIMITS } from '../../common/capacity';
import type { DrillReport } from '../../common/types';
import type { PlanReport } from '../../common/types-plan';
import { DEFAULT_ACCOUNT, emulatorClientConfig, startEmulator, type RunningEmulator } from '../../emulator';
import { startDevServer } from '../lib/dev-server';
import { seedExtendedEstate } from './estate';
import { freePort } from '../lib/ports';

const REGION = 'us-east-1';

export interface ScaleOptions {
  drills: number;
  /** Plan sizes in servers. */
  plans: number[];
  /** Waves per plan. */
  waves: number;
  /** Also run each plan size from this many staging accounts (0: not). */
  stagingAccounts: number;
}

interface Stack {
  client: Client;
  emulator: RunningEmulator;
  drs: DrsClient;
  taskQueue: string;
  temporalAddress: string;
}

/** The worker as production runs it (dist/worker/main.js), with its CPU and peak RSS read from /proc. */
export class MeasuredWorker {
  private readonly child: ChildProcess;
  private output = '';

  private constructor(env: NodeJS.ProcessEnv, script: string) {
    this.child = spawn(process.execPath, [script], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Starts a worker (the product's, or `script`) and resolves once it logged that it is polling. */
  static async start(
    stack: Pick<Stack, 'temporalAddress' | 'taskQueue' | 'emulator'>,
    env: NodeJS.ProcessEnv = {},
    script = path.join(__dirname, '../../worker/main.js'),
  ): Promise<MeasuredWorker> {
    const worker = new MeasuredWorker(
      {
        ...env,
        PATH: process.env.PATH,
        TEMPORAL_ADDRESS: stack.temporalAddress,
        TEMPORAL_TASK_QUEUE: stack.taskQueue,
        DRS_ENDPOINT: stack.emulator.url,
        DRS_EMULATOR: 'true',
        LOG_LEVEL: 'info',
        WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
        WORKER_HEALTH_ADDRESS: `127.0.0.1:${await freePort()}`,
      },
      script,
    );
    const deadline = Date.now() + 60_000;
    while (!worker.output.includes('"worker polling"')) {
      if (worker.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`worker did not start:\n${worker.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return worker;
  }

  /** CPU seconds (user + system) and peak resident set (MiB) so far. */
  usage(): { cpuSeconds: number; peakRssMiB: number } {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const hwmKiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuSeconds: ticks / 100, peakRssMiB: Math.round(hwmKiB / 1024) };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

interface ScenarioFigures {
  scenario: string;
  servers: number;
  wallSeconds: number;
  idealSeconds?: number;
  failures: number;
  peakJobs: number;
  quotaRefusals: number;
  drsCallsPerServer: number;
  /** Boot evidence's EC2 and SSM calls per server (DescribeInstanceStatus is batched per tick). */
  ec2CallsPerServer: number;
  ssmCallsPerServer: number;
  /** Instances named per DescribeInstanceStatus call, on average: how well the boot waits batch. */
  instancesPerStatusCall: number;
  workerCpuSeconds: number;
  workerPeakRssMiB: number;
  maxHistoryEvents: number;
  /** The capacity queue's current run (it carries on across scenarios and continues as new at 5,000). */
  queueHistoryEvents: number;
  reportBytes?: number;
  notes: string;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

async function jobsSince(drs: DrsClient, sinceMs: number): Promise<Job[]> {
  const jobs: Job[] = [];
  for await (const page of paginateDescribeJobs({ client: drs }, { filters: {} }))
    jobs.push(...(page.items ?? []));
  return jobs.filter((j) => Date.parse(j.creationDateTime ?? '') >= sinceMs - 1000);
}

const jobSeconds = (j: Job) =>
  (Date.parse(j.endDateTime ?? '') - Date.parse(j.creationDateTime ?? '')) / 1000;

/** From the first job's creation to the last job's end. */
function span(jobs: Job[]): number {
  const start = Math.min(...jobs.map((j) => Date.parse(j.creationDateTime ?? '')));
  const end = Math.max(...jobs.map((j) => Date.parse(j.endDateTime ?? '')));
  return (end - start) / 1000;
}

async function maxHistory(client: Client, workflowIds: string[]): Promise<number> {
  let most = 0;
  for (const id of workflowIds) {
    const { historyLength } = await client.workflow.getHandle(id).describe();
    most = Math.max(most, historyLength);
  }
  return most;
}

/** Runs `start` on a fresh worker and emulator state, and gathers what every scenario reports. */
async function measure(
  stack: Stack,
  scenario: string,
  servers: number,
  run: () => Promise<{
    failures: number;
    workflowIds: string[];
    reportBytes?: number;
    ideal?: (jobs: Job[]) => number;
    notes?: string;
  }>,
): Promise<ScenarioFigures> {
  const worker = await MeasuredWorker.start(stack);
  const cpuBefore = worker.usage().cpuSeconds;
  await stack.emulator.control.clearAudit();
  const started = Date.now();
  try {
    const result = await run();
    const wallSeconds = seconds(Date.now() - started);
    // the recovery account's: every job of these scenarios runs there (staging accounts only replicate)
    const usage = (await stack.emulator.control.usage()).find(
      (u) => u.region === REGION && u.accountId === DEFAULT_ACCOUNT,
    );
    const audit = await stack.emulator.control.audit();
    const drsCalls = audit.filter((e) => !e.operation.includes(':')).length;
    const perServer = (n: number) => Math.round((n / servers) * 10) / 10;
    const statusCalls = audit.filter((e) => e.operation === 'ec2:DescribeInstanceStatus');
    const named = statusCalls.reduce(
      (sum, e) => sum + ((e.request as { InstanceIds?: string[] }).InstanceIds?.length ?? 0),
      0,
    );
    const jobs = await jobsSince(stack.drs, started);
    const { cpuSeconds, peakRssMiB } = worker.usage();
    console.log(`  ${scenario}: ${wallSeconds} s`);
    return {
      scenario,
      servers,
      wallSeconds,
      idealSeconds: result.ideal ? seconds(result.ideal(jobs) * 1000) : undefined,
      failures: result.failures,
      peakJobs: usage?.peak.activeJobs ?? 0,
      quotaRefusals: audit.filter((e) => e.statusCode === 402).length,
      drsCallsPerServer: perServer(drsCalls),
      ec2CallsPerServer: perServer(audit.filter((e) => e.operation.startsWith('ec2:')).length),
      ssmCallsPerServer: perServer(audit.filter((e) => e.operation.startsWith('ssm:')).length),
      instancesPerStatusCall: statusCalls.length ? Math.round((named / statusCalls.length) * 10) / 10 : 0,
      workerCpuSeconds: Math.round((cpuSeconds - cpuBefore) * 10) / 10,
      workerPeakRssMiB: peakRssMiB,
      maxHistoryEvents: await maxHistory(stack.client, result.workflowIds),
      queueHistoryEvents: await maxHistory(stack.client, [capacityWorkflowId(stack.taskQueue, REGION)]),
      reportBytes: result.reportBytes,
      notes: result.notes ?? '',
    };
  } finally {
    await worker.stop();
  }
}

async function drills(stack: Stack, prefix: string, serverIds: string[][]): Promise<DrillReport[]> {
  const handles: WorkflowHandle[] = [];
  for (const [i, ids] of serverIds.entries())
    handles.push(
      await stack.client.workflow.start('drsDrill', {
        taskQueue: stack.taskQueue,
        workflowId: `${prefix}-${i + 1}`,
        args: [{ sourceServerIds: ids, region: REGION }],
      }),
    );
  return Promise.all(handles.map((h) => h.result() as Promise<DrillReport>));
}

const notSucceeded = (reports: { outcome: string }[]) =>
  reports.filter((r) => r.outcome !== 'SUCCEEDED').length;

export async function runScaleBench(options: ScaleOptions): Promise<ScenarioFigures[]> {
  const [port, uiPort] = [await freePort(), await freePort()];
  const dev = await startDevServer({ port, uiPort });
  const emulator = await startEmulator({ seed: 1, quiet: true });
  const connection = await Connection.connect({ address: dev.address });
  const stack: Stack = {
    client: new Client({ connection }),
    emulator,
    drs: new DrsClient(emulatorClientConfig(emulator.url, { region: REGION })),
    taskQueue: `bench-${Date.now()}`,
    temporalAddress: dev.address,
  };
  const figures: ScenarioFigures[] = [];
  const run = Date.now();
  // every scenario starts from an empty emulator (its own servers, job counts and peaks)
  const fresh = async (count: number) => {
    await emulator.control.reset({ inventory: 'empty' });
    return emulator.control.addServers({ count });
  };
  try {
    /** Drills over `serverIds` (one drill per list) started at once, next to `ideal`. */
    const drillScenario = async (
      name: string,
      serverIds: string[][],
      ideal: (jobs: Job[]) => number,
      notes: () => string,
    ) => {
      const prefix = `bench-${figures.length + 1}-${run}`;
      const servers = serverIds.flat().length;
      return measure(stack, name, servers, async () => {
        const reports = await drills(stack, prefix, serverIds);
        return {
          failures: notSucceeded(reports),
          workflowIds: serverIds.map((_, i) => `${prefix}-${i + 1}`),
          reportBytes: Math.max(...reports.map((r) => JSON.stringify(r).length)),
          ideal,
          notes: notes(),
        };
      });
    };
    const ownJobTimes = (jobs: Job[]) => jobs.reduce((n, j) => n + jobSeconds(j), 0);

    let soloJobSeconds = 0;
    const solo = await fresh(1);
    figures.push(
      await drillScenario(
        'solo drill (baseline)',
        [solo],
        (jobs) => (soloJobSeconds = ownJobTimes(jobs)),
        () => 'ideal = its launch + terminate job times',
      ),
    );
    const { maxConcurrentJobs } = DRS_DEFAULT_LIMITS;
    const many = await fresh(options.drills);
    figures.push(
      await drillScenario(
        `${options.drills} one-server drills at once`,
        many.map((id) => [id]),
        () => Math.ceil(options.drills / maxConcurrentJobs) * soloJobSeconds,
        () =>
          `ideal = ceil(${options.drills} / ${maxConcurrentJobs}) × solo job time (${soloJobSeconds.toFixed(1)} s)`,
      ),
    );
    figures.push(
      await drillScenario(
        '100-server drill',
        [await fresh(100)],
        ownJobTimes,
        () => 'ideal = its launch + terminate job times',
      ),
    );

    /** A plan of `waves` (each depending on the one before) over `size` servers, next to its ideal. */
    const planScenario = (label: string, size: number, waves: { name: string }[]) =>
      measure(stack, label, size, async () => {
        const workflowId = `bench-plan-${figures.length + 1}-${size}-${run}`;
        const handle = await stack.client.workflow.start('drsPlan', {
          taskQueue: stack.taskQueue,
          workflowId,
          args: [{ region: REGION, waves }],
        });
        const report = (await handle.result()) as PlanReport;
        const children = report.waves.flatMap((w) => w.children.map((c) => c.workflowId));
        const waveOf = new Map(report.servers.map((s) => [s.sourceServerId, s.wave]));
        return {
          failures: report.servers.filter((s) => s.launchStatus !== 'LAUNCHED' || !s.terminated).length,
          workflowIds: [workflowId, ...children],
          reportBytes: JSON.stringify(report).length,
          // each wave's jobs run side by side; waves run one after another
          ideal: (jobs) =>
            waves.reduce((sum, { name }) => {
              const own = jobs.filter((j) =>
                (j.participatingServers ?? []).some((p) => waveOf.get(p.sourceServerID ?? '') === name),
              );
              return sum + (own.length > 0 ? span(own) : 0);
            }, 0),
          notes: `plan ${report.outcome}; ideal = sum of each wave's job span`,
        };
      });

    for (const size of options.plans) {
      await emulator.control.reset({ inventory: 'empty' });
      const perWave = Math.ceil(size / options.waves);
      const waves = Array.from({ length: options.waves }, (_, i) => `w${i + 1}`);
      for (const wave of waves)
        await emulator.control.addServers({
          count: Math.min(perWave, size - waves.indexOf(wave) * perWave),
          tags: { Wave: wave },
        });
      figures.push(
        await planScenario(
          `${size}-server plan (${waves.length} waves)`,
          size,
          waves.map((name) => ({ name, tags: { Wave: name } })),
        ),
      );
      if (options.stagingAccounts > 0) {
        await emulator.control.reset({ inventory: 'empty' });
        const perAccount = Math.ceil(size / options.stagingAccounts);
        const seeding = Date.now();
        const staging = await seedExtendedEstate(emulator, REGION, options.stagingAccounts, perAccount);
        console.log(
          `  (extended ${staging.length} × ${perAccount} servers in ${seconds(Date.now() - seeding)} s)`,
        );
        figures.push(
          await planScenario(
            `${staging.length * perAccount}-server plan from ${staging.length} staging accounts`,
            staging.length * perAccount,
            staging.map((accountId, i) => ({ name: `stg${i + 1}`, stagingAccountIds: [accountId] })),
          ),
        );
      }
    }
  } finally {
    stack.drs.destroy();
    await connection.close();
    await emulator.close();
    await dev.stop();
  }
  return figures;
}

export function printScaleFigures(figures: ScenarioFigures[]): void {
  console.log('\nestate scale (dev server + one worker process + emulator, demo job durations):');
  const header = [
    'scenario'.padEnd(42),
    'wall s'.padStart(8),
    'ideal s'.padStart(8),
    'ratio'.padStart(6),
    'fail'.padStart(5),
    'peak jobs'.padStart(9),
    '402s'.padStart(5),
    'calls/srv'.padStart(9),
    'ec2/srv'.padStart(7),
    'ssm/srv'.padStart(7),
    'ids/status'.padStart(10),
    'cpu s'.padStart(6),
    'rss MiB'.padStart(8),
    'max hist'.padStart(8),
    'queue hist'.padStart(10),
    'report B'.padStart(9),
  ];
  console.log(`  ${header.join(' ')}`);
  for (const f of figures) {
    const ratio = f.idealSeconds ? (f.wallSeconds / f.idealSeconds).toFixed(2) : '-';
    console.log(
      `  ${[
        f.scenario.padEnd(42),
        f.wallSeconds.toFixed(1).padStart(8),
        (f.idealSeconds?.toFixed(1) ?? '-').padStart(8),
        ratio.padStart(6),
        String(f.failures).padStart(5),
        String(f.peakJobs).padStart(9),
        String(f.quotaRefusals).padStart(5),
        f.drsCallsPerServer.toFixed(1).padStart(9),
        f.ec2CallsPerServer.toFixed(1).padStart(7),
        f.ssmCallsPerServer.toFixed(1).padStart(7),
        f.instancesPerStatusCall.toFixed(1).padStart(10),
        f.workerCpuSeconds.toFixed(1).padStart(6),
        String(f.workerPeakRssMiB).padStart(8),
        String(f.maxHistoryEvents).padStart(8),
        String(f.queueHistoryEvents).padStart(10),
        String(f.reportBytes ?? '-').padStart(9),
      ].join(' ')}`,
    );
    if (f.notes) console.log(`    ${f.notes}`);
  }
}
