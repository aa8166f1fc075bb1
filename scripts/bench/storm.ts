// Fault-storm figures for `npm run bench`: the same one-server drills, first undisturbed, then
// under a storm (every DRS, EC2 and SSM call throttled 30 % of the time and failed with a 5xx 10 %
// of the time, and the responses of 3 StartRecovery calls lost after DRS created the job), in one
// run on the whole local stack (dev server, one real worker process, the emulator). Next to the two
// wall times it prints where the time went: per activity, how often it ran, its attempts and the
// seconds from scheduling to its end (retries and their backoff included), and the emulator's audit
// of the calls by answer. A launch is counted per source server: a duplicate is a failure.
import { DrsClient, paginateDescribeJobs } from '@aws-sdk/client-drs';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { loadavg } from 'node:os';
import type { DrillReport } from '../../common/types';
import { emulatorClientConfig, startEmulator, type AuditEntry, type RunningEmulator } from '../../emulator';
import { startDevServer } from '../lib/dev-server';
import { freePort } from '../lib/ports';
import { MeasuredWorker } from './scale';

const REGION = 'us-east-1';
const EventType = temporal.api.enums.v1.EventType;

export const STORM = { throttleRate: 0.3, errorRate: 0.1, lostStartResponses: 3 } as const;

interface ActivityTime {
  runs: number;
  attempts: number;
  seconds: number;
}

export interface StormRun {
  label: string;
  wallSeconds: number;
  failures: number;
  /** Source servers launched by more than one drill job. */
  duplicateLaunches: number;
  launchJobs: number;
  activities: Map<string, ActivityTime>;
  /** Audit: calls by operation and answer (ok, 429, 5xx, lost). */
  calls: Map<string, Record<string, number>>;
  meanPhaseSeconds: Record<string, number>;
  /** The drill that ended last (the wall time is its): seconds, phases, activities. */
  slowest: { seconds: number; phases: Record<string, number>; activities: Map<string, ActivityTime> };
}

export interface StormFigures {
  drills: number;
  runs: StormRun[];
  loadBefore: number[];
  loadAfter: number[];
}

/** Activity executions of one workflow: attempts and the time from first scheduling to the end. */
async function activityTimes(client: Client, workflowId: string, into: Map<string, ActivityTime>) {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<string, { type: string; at: number }>();
  const attempts = new Map<string, number>();
  const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
  for (const event of history.events ?? []) {
    const id = String(event.eventId);
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      const type = event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
      scheduled.set(id, { type, at: ms(event.eventTime) });
    } else if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      const a = event.activityTaskStartedEventAttributes;
      attempts.set(String(a?.scheduledEventId), a?.attempt ?? 1);
    } else {
      const closed =
        event.activityTaskCompletedEventAttributes ??
        event.activityTaskFailedEventAttributes ??
        event.activityTaskTimedOutEventAttributes ??
        event.activityTaskCanceledEventAttributes;
      if (!closed?.scheduledEventId) continue;
      const s = scheduled.get(String(closed.scheduledEventId));
      if (!s) continue;
      const row = into.get(s.type) ?? { runs: 0, attempts: 0, seconds: 0 };
      row.runs += 1;
      row.attempts += attempts.get(String(closed.scheduledEventId)) ?? 1;
      row.seconds += (ms(event.eventTime) - s.at) / 1000;
      into.set(s.type, row);
    }
  }
}

function answerOf(e: AuditEntry): string {
  if (e.dropped) return 'lost';
  if (e.statusCode === 429) return '429';
  if (e.statusCode >= 500) return '5xx';
  return e.statusCode < 300 ? 'ok' : String(e.statusCode);
}

async function runDrills(
  client: Client,
  emulator: RunningEmulator,
  drs: DrsClient,
  taskQueue: string,
  label: string,
  count: number,
): Promise<StormRun> {
  const servers = await emulator.control.addServers({ count });
  await emulator.control.clearAudit();
  const started = Date.now();
  const ids = servers.map((_, i) => `storm-${label.replace(/\W+/g, '-')}-${i + 1}-${started}`);
  const handles = await Promise.all(
    servers.map((server, i) =>
      client.workflow.start('drsDrill', {
        taskQueue,
        workflowId: ids[i],
        args: [{ sourceServerIds: [server], region: REGION }],
      }),
    ),
  );
  const ended: number[] = [];
  const reports = await Promise.all(
    handles.map(async (h, i) => {
      const report = (await h.result()) as DrillReport;
      ended[i] = Date.now();
      return report;
    }),
  );
  const wallSeconds = Math.round((Date.now() - started) / 100) / 10;
  const last = ended.indexOf(Math.max(...ended));
  const slowestActivities = new Map<string, ActivityTime>();
  await activityTimes(client, ids[last], slowestActivities);
  console.log(`storm: ${label}: ${count} drills in ${wallSeconds} s`);

  const activities = new Map<string, ActivityTime>();
  for (const id of ids) await activityTimes(client, id, activities);
  const calls = new Map<string, Record<string, number>>();
  for (const e of await emulator.control.audit()) {
    const row = calls.get(e.operation) ?? {};
    row[answerOf(e)] = (row[answerOf(e)] ?? 0) + 1;
    calls.set(e.operation, row);
  }
  // every drill job of these servers, lost responses' included
  const launches = new Map<string, number>();
  for await (const page of paginateDescribeJobs({ client: drs }, { filters: {} }))
    for (const job of page.items ?? [])
      if (job.initiatedBy === 'START_DRILL')
        for (const p of job.participatingServers ?? [])
          if (servers.includes(p.sourceServerID ?? ''))
            launches.set(p.sourceServerID ?? '', (launches.get(p.sourceServerID ?? '') ?? 0) + 1);
  const meanPhaseSeconds: Record<string, number> = {};
  for (const report of reports)
    for (const [phase, s] of Object.entries(report.phaseDurations))
      meanPhaseSeconds[phase] = (meanPhaseSeconds[phase] ?? 0) + (s ?? 0) / reports.length;
  return {
    label,
    wallSeconds,
    failures: reports.filter((r) => r.outcome !== 'SUCCEEDED').length,
    duplicateLaunches: [...launches.values()].filter((n) => n > 1).length,
    launchJobs: [...launches.values()].reduce((a, b) => a + b, 0),
    activities,
    calls,
    meanPhaseSeconds,
    slowest: {
      seconds: Math.round((ended[last] - started) / 100) / 10,
      phases: reports[last].phaseDurations,
      activities: slowestActivities,
    },
  };
}

export async function runStormBench(drills: number): Promise<StormFigures> {
  const loadBefore = loadavg();
  const dev = await startDevServer({ port: await freePort(), uiPort: await freePort() });
  const emulator = await startEmulator({ seed: 1, quiet: true });
  const connection = await Connection.connect({ address: dev.address });
  const client = new Client({ connection });
  const drs = new DrsClient(emulatorClientConfig(emulator.url, { region: REGION }));
  const taskQueue = `bench-storm-${Date.now()}`;
  const worker = await MeasuredWorker.start({ temporalAddress: dev.address, taskQueue, emulator });
  const runs: StormRun[] = [];
  try {
    await emulator.control.reset({ inventory: 'empty' });
    runs.push(await runDrills(client, emulator, drs, taskQueue, 'undisturbed', drills));
    await emulator.control.faults({
      operation: '*',
      throttleRate: STORM.throttleRate,
      errorRate: STORM.errorRate,
    });
    await emulator.control.faults({ operation: 'StartRecovery', dropResponses: STORM.lostStartResponses });
    runs.push(await runDrills(client, emulator, drs, taskQueue, 'storm', drills));
  } finally {
    await worker.stop();
    drs.destroy();
    await connection.close();
    await emulator.close();
    await dev.stop();
  }
  return { drills, runs, loadBefore, loadAfter: loadavg() };
}

export function printStormFigures(f: StormFigures): void {
  const [calm, storm] = f.runs;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(
    `\nfault storm (${f.drills} one-server drills at once; ${STORM.throttleRate * 100} % throttled, ` +
      `${STORM.errorRate * 100} % 5xx, ${STORM.lostStartResponses} lost StartRecovery responses)`,
  );
  console.log('| run | wall s | not SUCCEEDED | drill jobs | duplicate launches |');
  console.log('|---|---|---|---|---|');
  for (const r of f.runs)
    console.log(
      `| ${r.label} | ${r.wallSeconds} | ${r.failures} | ${r.launchJobs} | ${r.duplicateLaunches} |`,
    );
  console.log(`storm / undisturbed: ${(storm.wallSeconds / calm.wallSeconds).toFixed(2)}`);
  console.log(`load average before: ${load(f.loadBefore)}, after: ${load(f.loadAfter)}`);

  console.log('\nwhere the time goes, per activity (summed over the drills): runs, attempts, seconds');
  console.log('| activity | undisturbed | storm |');
  console.log('|---|---|---|');
  const types = [...new Set([...calm.activities.keys(), ...storm.activities.keys()])].sort(
    (a, b) => (storm.activities.get(b)?.seconds ?? 0) - (storm.activities.get(a)?.seconds ?? 0),
  );
  const cell = (t?: ActivityTime) => (t ? `${t.runs}, ${t.attempts}, ${t.seconds.toFixed(1)}` : '-');
  for (const type of types)
    console.log(`| ${type} | ${cell(calm.activities.get(type))} | ${cell(storm.activities.get(type))} |`);

  console.log('\nmean phase seconds per drill: undisturbed → storm');
  for (const phase of Object.keys({ ...calm.meanPhaseSeconds, ...storm.meanPhaseSeconds }))
    console.log(
      `  ${phase.padEnd(22)} ${(calm.meanPhaseSeconds[phase] ?? 0).toFixed(1).padStart(6)} → ${(storm.meanPhaseSeconds[phase] ?? 0).toFixed(1)}`,
    );

  for (const r of f.runs) {
    const phases = Object.entries(r.slowest.phases)
      .map(([p, s]) => `${p} ${s.toFixed(1)}`)
      .join(', ');
    const acts = [...r.slowest.activities]
      .filter(([, t]) => t.attempts > t.runs)
      .map(([a, t]) => `${a} ${t.attempts} attempts ${t.seconds.toFixed(1)} s`)
      .join(', ');
    console.log(`\n${r.label}: the last drill ended at ${r.slowest.seconds} s: ${phases}`);
    if (acts) console.log(`  retried: ${acts}`);
  }

  console.log('\nstorm calls by answer (emulator audit)');
  for (const [operation, answers] of [...storm.calls].sort()) {
    const text = Object.entries(answers)
      .map(([a, n]) => `${a} ${n}`)
      .join(', ');
    console.log(`  ${operation.padEnd(34)} ${text}`);
  }
}
