// Resume figures for `npm run bench`: what killing a worker (SIGKILL) costs a drill, next to
// undisturbed drills run with the same faults. DRS answers DescribeJobs 8 s late (the emulator's
// latency fault), so a kill can land in the middle of a call. Every run is a one-server drill with
// a 10 s validation hold on its own task queue and worker processes (test/e2e/resume-run.ts); the
// runs of one scenario go side by side, the scenarios one after the other.
import { Client, Connection } from '@temporalio/client';
import { startEmulator } from '../../emulator';
import { runDrill, type Disturbance, type ResumeRun } from '../../test/e2e/resume-run';
import { startDevServer } from '../lib/dev-server';
import { freePort } from '../lib/ports';

const DESCRIBE_JOBS_LATENCY_MS = 8000;

interface Scenario {
  label: string;
  workers: 1 | 2;
  disturbance: Disturbance;
}

const SCENARIOS: Scenario[] = [
  { label: 'undisturbed, 1 worker', workers: 1, disturbance: { kind: 'none' } },
  ...[1000, 4000, 7000].map((afterMs): Scenario => ({
    label: `killed ${afterMs / 1000} s into an 8 s call, restarted at once`,
    workers: 1,
    disturbance: { kind: 'mid-call', afterMs },
  })),
  ...[1000, 4000, 8000].map((afterMs): Scenario => ({
    label: `killed between calls (${afterMs / 1000} s into the hold), restarted at once`,
    workers: 1,
    disturbance: { kind: 'between-calls', afterMs },
  })),
  { label: 'undisturbed, 2 workers', workers: 2, disturbance: { kind: 'none' } },
  {
    label: 'killed 1 s into an 8 s call, 2 workers (one replaced at once)',
    workers: 2,
    disturbance: { kind: 'mid-call', afterMs: 1000 },
  },
];

export interface ResumeFigures {
  label: string;
  runs: ResumeRun[];
}

export async function runResumeBench(runsPerScenario: number): Promise<ResumeFigures[]> {
  const dev = await startDevServer({ port: await freePort(), uiPort: await freePort() });
  const emulator = await startEmulator({ timeScale: 0.1, quiet: true });
  const connection = await Connection.connect({ address: dev.address });
  const stack = { client: new Client({ connection }), temporalAddress: dev.address, emulator };
  const figures: ResumeFigures[] = [];
  try {
    await emulator.control.faults({ operation: 'DescribeJobs', latencyMs: DESCRIBE_JOBS_LATENCY_MS });
    for (const [i, scenario] of SCENARIOS.entries()) {
      const servers = await emulator.control.addServers({ count: runsPerScenario });
      const runs = await Promise.all(
        servers.map((server, run) =>
          runDrill(stack, server, scenario.disturbance, { workers: scenario.workers, name: `s${i}-r${run}` }),
        ),
      );
      figures.push({ label: scenario.label, runs });
      console.log(`resume: ${scenario.label}: ${runs.map((r) => r.seconds.toFixed(1)).join(', ')} s`);
      for (const run of runs.filter((r) => r.report.outcome !== 'SUCCEEDED'))
        console.log(`  ${run.report.outcome}: ${run.report.summary}`);
    }
  } finally {
    await connection.close();
    await emulator.close();
    await dev.stop();
  }
  return figures;
}

export function printResumeFigures(figures: ResumeFigures[]): void {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const baseline = (workers: number) =>
    mean(
      figures
        .find((f) => f.label === `undisturbed, ${workers} worker${workers > 1 ? 's' : ''}`)
        ?.runs.map((r) => r.seconds) ?? [0],
    );
  console.log('\nResume after SIGKILL (DescribeJobs 8 s late; one-server drill, 10 s hold)');
  console.log('| scenario | runs s | mean s | late s | worker starts s | not SUCCEEDED |');
  console.log('|---|---|---|---|---|---|');
  for (const { label, runs } of figures) {
    const seconds = runs.map((r) => r.seconds);
    const late = mean(seconds) - baseline(label.includes('2 workers') ? 2 : 1);
    const starts = runs.flatMap((r) => r.workerStartSeconds).map((s) => s.toFixed(1));
    const failed = runs.filter((r) => r.report.outcome !== 'SUCCEEDED').length;
    console.log(
      `| ${label} | ${seconds.map((s) => s.toFixed(1)).join(', ')} | ${mean(seconds).toFixed(1)} | ${late.toFixed(1)} | ${starts.join(', ')} | ${failed} |`,
    );
  }
}
