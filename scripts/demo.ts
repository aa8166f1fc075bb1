// `npm run demo [-- --keep-running]`: the whole product on this machine. Starts the Temporal dev
// server (with its Web UI), the DRS emulator and a worker, runs a drsDrill on three healthy
// emulator servers while printing its progress, prints the report and the UI link, checks that no
// drill instance is left, and stops everything (or keeps the stack up for exploring the UI).
// Exit code: 0 when the drill SUCCEEDED, 1 otherwise, 3 when the local stack cannot start.
import { DrsClient } from '@aws-sdk/client-drs';
import { Connection, Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import { createActivities } from '../activities';
import { AwsClientFactory } from '../activities/drs-client';
import { DEFAULT_TASK_QUEUE } from '../common/config';
import type { DrillInput } from '../common/inputs';
import type { DrillProgress, DrillReport } from '../common/types';
import { emulatorClientConfig, emulatorCredentials, pickHealthyServers, startEmulator } from '../emulator';
import { drsDrill } from '../workflows';
import { drillProgressQuery } from '../workflows/messages';
import { startDevServer } from './lib/dev-server';
import type { EvidenceRecord } from '../workflows/evidence';
import { ensureReconcileSchedule, reconcileScheduleId } from '../worker/reconcile-schedule';

interface DemoOptions {
  keepRunning: boolean;
  port: number;
  uiPort: number;
  emulatorPort: number;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number');
  return n;
}

const say = (line = '') => console.log(line);
const seconds = (s: number | undefined) =>
  s === undefined ? '-' : s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`;

function printProgress(p: DrillProgress, last: { line?: string }): void {
  const servers = p.servers.map((s) => `${s.sourceServerId.slice(0, 8)}…=${s.launchStatus ?? '-'}`).join(' ');
  const job = p.launchJobId ? ` job ${p.launchJobId} ${p.launchJobStatus ?? ''}` : '';
  const line = `  [${p.phase}]${job}  ${servers}`;
  if (line !== last.line) say(line);
  last.line = line;
}

function printReport(report: DrillReport): void {
  say();
  say(`Drill report — outcome ${report.outcome}`);
  say(`  ${report.summary}`);
  say(`  launch job ${report.launchJobId ?? '-'}, terminate job ${report.terminateJobId ?? '-'}`);
  const header = [
    'source server',
    'launch',
    'recovery instance',
    'EC2 instance',
    'time to launch',
    'boot',
    'time to healthy',
    'data age',
    'cleaned up',
  ];
  const rows = report.servers.map((s) => [
    s.sourceServerId,
    s.launchStatus,
    s.recoveryInstanceId ?? '-',
    s.ec2InstanceId ?? '-',
    seconds(s.timeToLaunchSeconds),
    s.boot?.result ?? '-',
    seconds(s.timeToHealthySeconds),
    seconds(s.dataAgeSeconds),
    s.terminated ? 'yes' : 'no',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows])
    say(`  ${row.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd());
  for (const s of report.servers) for (const e of s.errors) say(`  ${s.sourceServerId}: ${e}`);
  for (const e of report.errors) say(`  error: ${e}`);
  const phases = Object.entries(report.phaseDurations).map(([phase, d]) => `${phase} ${seconds(d)}`);
  say(`  phases: ${phases.join(', ')}`);
  const evidence = (report as DrillReport & { evidence?: EvidenceRecord }).evidence;
  if (evidence?.stored) say(`  evidence: ${evidence.location.replace(/\/?$/, '/')}${evidence.folder}`);
  else if (evidence) say(`  evidence NOT stored: ${evidence.error}`);
  if (report.rtoMeasure) say(`  RTO measured as ${report.rtoMeasure}`);
}

async function main(opts: DemoOptions): Promise<number> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  say('Starting the Temporal dev server (with Web UI)…');
  // its banner is left out: the line below names the same addresses
  const devServer = await startDevServer({ port: opts.port, uiPort: opts.uiPort, quiet: true });
  const stack: (() => Promise<void>)[] = [() => devServer.stop()];
  const stopAll = async () => {
    for (const stop of stack.reverse()) await stop().catch(() => undefined);
  };
  try {
    // twice the emulator's demo pace: the whole drill in about half a minute
    const emulator = await startEmulator({ port: opts.emulatorPort, timeScale: 0.5 });
    stack.push(() => emulator.close());
    say(`Temporal ${devServer.address}, Web UI ${devServer.uiUrl}, DRS emulator ${emulator.url}`);

    const drsClients = new AwsClientFactory({
      endpoint: emulator.url,
      ec2Endpoint: emulator.url,
      ssmEndpoint: emulator.url,
      defaultRegion: 'us-east-1',
      credentialsFor: emulatorCredentials,
    });
    const workerConnection = await NativeConnection.connect({ address: devServer.address });
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue: DEFAULT_TASK_QUEUE,
      workflowsPath: require.resolve('../workflows'),
      // the emulator's stand-in instances: health checks against services on this machine
      activities: createActivities({ drsClients, probePolicy: { allowedCidrs: [], allowLoopback: true } }),
    });
    const workerRunning = worker.run();
    stack.push(async () => {
      worker.shutdown();
      await workerRunning;
      await workerConnection.close();
      drsClients.destroy();
    });
    // as the worker process does at start: the reconciler's schedule (every 30 minutes)
    const reconcile = { namespace: 'default', taskQueue: DEFAULT_TASK_QUEUE, region: 'us-east-1' };
    const scheduled = await ensureReconcileSchedule(workerConnection, {
      ...reconcile,
      everyMs: 30 * 60_000,
      graceSeconds: 1800,
    });
    say(`drsReconcile schedule ${reconcileScheduleId(DEFAULT_TASK_QUEUE, 'us-east-1')}: ${scheduled}`);

    const drsClient = new DrsClient(emulatorClientConfig(emulator.url));
    const sourceServerIds = await pickHealthyServers(drsClient, 3);
    drsClient.destroy();
    const input: DrillInput = {
      sourceServerIds,
      region: 'us-east-1',
      validation: { mode: 'hold', holdSeconds: 5 },
    };
    const connection = await Connection.connect({ address: devServer.address });
    stack.push(() => connection.close());
    const client = new Client({ connection });
    const workflowId = `drill-demo-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const handle = await client.workflow.start(drsDrill, {
      args: [input],
      taskQueue: DEFAULT_TASK_QUEUE,
      workflowId,
    });
    const link = `${devServer.uiUrl}/namespaces/default/workflows/${workflowId}`;
    say();
    say(`Started drsDrill ${workflowId} with input:`);
    say(`  ${JSON.stringify(input)}`);
    say(`Watch it in the Temporal UI: ${link}`);
    say();

    const last: { line?: string } = {};
    const result = handle.result();
    let finished = false;
    void result.finally(() => (finished = true)).catch(() => undefined);
    while (!finished) {
      const progress = await handle.query(drillProgressQuery).catch(() => undefined);
      if (progress) printProgress(progress, last);
      await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    }
    const report = await result;
    printReport(report);

    const state = await emulator.control.state();
    const left = state.recoveryInstances.filter((i) => i.isDrill);
    const count = async (operation: string) =>
      (await emulator.control.audit({ operation })).filter((e) => e.statusCode < 300).length;
    say();
    say(
      `DRS audit: ${await count('StartRecovery')} StartRecovery, ${await count('TerminateRecoveryInstances')} ` +
        `TerminateRecoveryInstances; drill instances left: ${left.length}`,
    );
    say(`Temporal UI: ${devServer.uiUrl}  (this drill: ${link})`);

    if (opts.keepRunning) {
      say();
      say(
        `The stack keeps running (worker on task queue ${DEFAULT_TASK_QUEUE}, DRS emulator ${emulator.url}). Ctrl-C stops it.`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
    return report.outcome === 'SUCCEEDED' && left.length === 0 ? 0 : 1;
  } finally {
    await stopAll();
  }
}

const options = new Command('demo')
  .description('run a DRS drill end to end on the local stack (Temporal dev server + DRS emulator + worker)')
  .option('--keep-running', 'keep the dev server, UI, emulator and worker up after the drill', false)
  .option('--port <port>', 'Temporal frontend port', port, 7233)
  .option('--ui-port <port>', 'Temporal Web UI port', port, 8233)
  .option('--emulator-port <port>', 'DRS emulator port (0 = any free port)', port, 0)
  .parse()
  .opts<DemoOptions>();

main(options).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`demo: ${(err as Error).message}`);
    process.exit(3);
  },
);
