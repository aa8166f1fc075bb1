// `npm run bench`: three sets of figures, each next to a baseline measured in the same run.
//  - emulator: request rate and latency of the DRS emulator driven by the real SDK client on
//    127.0.0.1, next to a bare fastify server answering every call with the same bytes, so the ratio
//    shows what the emulator itself costs;
//  - scale: drills and plans at estate size on the whole local stack (scripts/bench/scale.ts),
//    next to the ideal schedule built from the emulator's own job times;
//  - waits: how soon drills notice a finished DRS job and how many polls they make, with three
//    waits side by side (a fixed 3-s poller, the old backoff, the adaptive default;
//    scripts/bench/job-waits.ts).
//  - resume: what killing a worker (SIGKILL) mid-call or between calls costs a drill, next to
//    undisturbed drills with the same slow DRS (scripts/bench/resume.ts).
//  - storm: drills under a fault storm (throttling, 5xx, lost StartRecovery responses) next to the
//    same drills undisturbed, with where the time went (scripts/bench/storm.ts).
// Everything runs on loopback and stops by itself.
import { Command, InvalidArgumentError, Option } from 'commander';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeRecoveryInstancesCommand,
  DescribeSourceServersCommand,
  DrsClient,
  StartRecoveryCommand,
} from '@aws-sdk/client-drs';
import { emulatorClientConfig, startEmulator } from '../emulator';
import { printJobWaitFigures, runJobWaitBench } from './bench/job-waits';
import { printResumeFigures, runResumeBench } from './bench/resume';
import { printScaleFigures, runScaleBench } from './bench/scale';
import { printStormFigures, runStormBench } from './bench/storm';

interface Options {
  requests: number;
  concurrency: number;
  servers: number;
  only?: 'emulator' | 'scale' | 'waits' | 'resume' | 'storm';
  waitLevels: number[];
  waitTimeScale: number;
  waitKinds: string[];
  drills: number;
  plans: number[];
  stagingAccounts: number;
  waves: number;
  resumeRuns: number;
  stormDrills: number;
}

type Call = { operation: string; send: (drs: DrsClient) => Promise<unknown> };

interface Result {
  label: string;
  seconds: number;
  count: number;
  errors: number;
  latencies: Map<string, number[]>;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** Runs `total` calls from `mix`, `concurrency` at a time, recording each call's latency. */
async function drive(label: string, drs: DrsClient, mix: Call[], options: Options): Promise<Result> {
  const latencies = new Map<string, number[]>();
  let next = 0;
  let errors = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    for (let i = next++; i < options.requests; i = next++) {
      const call = mix[i % mix.length];
      const t0 = process.hrtime.bigint();
      try {
        await call.send(drs);
      } catch {
        errors += 1;
      }
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const list = latencies.get(call.operation) ?? [];
      list.push(ms);
      latencies.set(call.operation, list);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { label, seconds, count: options.requests, errors, latencies };
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

/** The baseline reads bodies as text (its content-type parser keeps them as strings). */
const bodyText = (body: unknown): string => (typeof body === 'string' ? body : '');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function report(result: Result): number {
  const rate = result.count / result.seconds;
  console.log(
    `\n${result.label}: ${result.count} requests in ${result.seconds.toFixed(2)} s = ${rate.toFixed(0)} req/s` +
      (result.errors ? ` (${result.errors} errors)` : ''),
  );
  const rows = [...result.latencies.entries(), ['all', [...result.latencies.values()].flat()] as const];
  console.log(
    `  ${'operation'.padEnd(28)} ${'count'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
  );
  for (const [operation, values] of rows) {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(
      `  ${operation.padEnd(28)} ${String(sorted.length).padStart(6)} ${percentile(sorted, 50).toFixed(2).padStart(8)} ${percentile(sorted, 95).toFixed(2).padStart(8)} ${percentile(sorted, 99).toFixed(2).padStart(8)}`,
    );
  }
  return rate;
}

function sizes(value: string): number[] {
  return value.split(',').map((v) => positiveInt(v.trim()));
}

async function main(): Promise<void> {
  const options = new Command('bench')
    .description('Emulator throughput and estate-scale figures on 127.0.0.1 (docs/benchmarks.md)')
    .addOption(
      new Option('--only <set>', 'run one set of figures').choices([
        'emulator',
        'scale',
        'waits',
        'resume',
        'storm',
      ]),
    )
    .option('--requests <n>', 'emulator: requests per measured run', positiveInt, 4000)
    .option('--concurrency <n>', 'emulator: requests in flight', positiveInt, 16)
    .option(
      '--servers <n>',
      'emulator: source servers to seed on top of the default inventory',
      positiveInt,
      3000,
    )
    .option('--drills <n>', 'scale: one-server drills started at once', positiveInt, 100)
    .option('--plans <sizes>', 'scale: plan sizes in servers, comma-separated', sizes, [1000, 4000])
    .option('--waves <n>', 'scale: waves per plan', positiveInt, 4)
    .option(
      '--staging-accounts <n>',
      'scale: also run each plan from n staging accounts extended into one (0: not)',
      (v: string) => Number.parseInt(v, 10),
      4,
    )
    .option('--wait-levels <counts>', 'waits: concurrent drills per level, comma-separated', sizes, [5, 50])
    .option('--wait-time-scale <factor>', 'waits: emulator time scale of realistic job steps', Number, 0.1)
    .option(
      '--wait-kinds <names>',
      'waits: which to run, comma-separated (fixed, backoff, adaptive)',
      (v: string) => v.split(','),
      ['fixed', 'backoff', 'adaptive'],
    )
    .option('--resume-runs <n>', 'resume: runs per scenario (side by side)', positiveInt, 2)
    .option(
      '--storm-drills <n>',
      'storm: one-server drills, undisturbed then under the storm',
      positiveInt,
      10,
    )
    .parse()
    .opts<Options>();

  for (const [set, run] of Object.entries(SETS)) {
    if (options.only === undefined || options.only === set) await run(options);
  }
}

/** Each set of figures: measured, then printed (in this order when all run). */
const SETS: Record<NonNullable<Options['only']>, (options: Options) => Promise<void>> = {
  emulator: emulatorBench,
  scale: async (options) => printScaleFigures(await runScaleBench(options)),
  waits: async (options) => printJobWaitFigures(await runJobWaitBench(options), options.waitTimeScale),
  resume: async (options) => printResumeFigures(await runResumeBench(options.resumeRuns)),
  storm: async (options) => printStormFigures(await runStormBench(options.stormDrills)),
};

async function emulatorBench(options: Options): Promise<void> {
  const emulator = await startEmulator({ seed: 1 });
  const drs = new DrsClient(emulatorClientConfig(emulator.url));
  const added = await emulator.control.addServers({ count: options.servers });
  // Some jobs, recovery instances and log items for the describe calls to find.
  const jobIds: string[] = [];
  for (let i = 0; i < 10; i++) {
    const sourceServers = added.slice(i * 10, i * 10 + 10).map((sourceServerID) => ({ sourceServerID }));
    const { job } = await drs.send(new StartRecoveryCommand({ isDrill: true, sourceServers }));
    jobIds.push(job?.jobID as string);
  }
  await emulator.control.advanceClock(120);
  const pick = (i: number, n: number) =>
    Array.from({ length: n }, (_, k) => added[(i * 7 + k * 13) % added.length]);
  let i = 0;
  const mix: Call[] = [
    {
      operation: 'DescribeSourceServers(10 ids)',
      send: (c) => c.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: pick(i++, 10) } })),
    },
    { operation: 'DescribeJobs(page 20)', send: (c) => c.send(new DescribeJobsCommand({ maxResults: 20 })) },
    {
      operation: 'DescribeSourceServers(10 ids)',
      send: (c) => c.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: pick(i++, 10) } })),
    },
    {
      operation: 'DescribeRecoveryInstances',
      send: (c) => c.send(new DescribeRecoveryInstancesCommand({ maxResults: 50 })),
    },
    {
      operation: 'DescribeJobLogItems',
      send: (c) => c.send(new DescribeJobLogItemsCommand({ jobID: jobIds[i++ % jobIds.length] })),
    },
    {
      operation: 'DescribeSourceServers(page 100)',
      send: (c) => c.send(new DescribeSourceServersCommand({ maxResults: 100 })),
    },
  ];

  const warmup = { ...options, requests: Math.min(500, options.requests) };
  await drive('warm-up', drs, mix, warmup);
  await emulator.control.clearAudit();
  const measured = await drive(
    `emulator (${added.length + 11} source servers, concurrency ${options.concurrency})`,
    drs,
    mix,
    options,
  );

  // The baseline replays the emulator's own answer for each kind of call, byte for byte, so both
  // runs pay the same HTTP, signing and SDK parsing costs and differ only by the emulator's work.
  const replies = new Map<string, string>();
  const keyOf = (path: string, body: string) =>
    `${path} ${body.includes('sourceServerIDs') ? 'ids' : 'page'}`;
  const capture = Fastify();
  capture.removeAllContentTypeParsers();
  capture.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  capture.all('/*', async (req, reply) => {
    const upstream = await fetch(`${emulator.url}${req.url}`, {
      method: req.method,
      headers: { authorization: String(req.headers.authorization ?? ''), 'content-type': 'application/json' },
      body: req.method === 'GET' ? undefined : bodyText(req.body),
    });
    const text = await upstream.text();
    replies.set(keyOf(req.url, bodyText(req.body)), text);
    return reply.code(upstream.status).header('content-type', 'application/json').send(text);
  });
  const captureUrl = await listen(capture);
  const recorder = new DrsClient(emulatorClientConfig(captureUrl));
  for (const call of mix) await call.send(recorder);
  recorder.destroy();
  await capture.close();

  const baseline = Fastify();
  baseline.removeAllContentTypeParsers();
  baseline.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  baseline.all('/*', async (req, reply) =>
    reply
      .header('content-type', 'application/json')
      .send(replies.get(keyOf(req.url, bodyText(req.body))) ?? '{}'),
  );
  const bare = new DrsClient(emulatorClientConfig(await listen(baseline)));
  await drive('warm-up', bare, mix, warmup);
  const base = await drive('baseline: bare fastify replaying the same response bodies', bare, mix, options);

  const emulatorRate = report(measured);
  const baseRate = report(base);
  console.log(
    `\nemulator / baseline request rate: ${(emulatorRate / baseRate).toFixed(2)} (client and servers share this process on 127.0.0.1)`,
  );
  drs.destroy();
  bare.destroy();
  await baseline.close();
  await emulator.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
