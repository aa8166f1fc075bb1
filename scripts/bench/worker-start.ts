// `node dist/scripts/bench/worker-start.js [runs]`: how long the worker process takes from spawn
// until /healthz answers 200 (polling), and its memory then, with the workflows bundled from
// source at start and with a prebuilt bundle (WORKER_WORKFLOW_BUNDLE), alternating so both see
// the same machine load. Needs no dist/workflow-bundle.js (the source runs would load it).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { BUILT_BUNDLE_PATH, bundleWorkflows } from '../../worker/workflow-code';
import { startDevServer } from '../lib/dev-server';
import { freePort } from '../lib/ports';

interface Run {
  mode: 'source' | 'bundle';
  readyMs: number;
  rssMiB: number;
  peakRssMiB: number;
}

const mib = (status: string, field: string) =>
  Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;

async function startOnce(address: string, mode: Run['mode'], bundle: string): Promise<Run> {
  const health = `127.0.0.1:${await freePort()}`;
  const env = {
    PATH: process.env.PATH,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: `worker-start-${Date.now()}`,
    DRS_ENDPOINT: 'http://127.0.0.1:9',
    WORKER_HEALTH_ADDRESS: health,
    WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
    ...(mode === 'bundle' ? { WORKER_WORKFLOW_BUNDLE: bundle } : {}),
  };
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(__dirname, '../../worker/main.js')], {
    env,
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (;;) {
    const ok = await fetch(`http://${health}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`worker exited ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = performance.now() - started;
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  child.kill('SIGTERM');
  await exited;
  return { mode, readyMs, rssMiB: mib(status, 'VmRSS'), peakRssMiB: mib(status, 'VmHWM') };
}

async function main(): Promise<void> {
  if (existsSync(BUILT_BUNDLE_PATH)) throw new Error(`remove ${BUILT_BUNDLE_PATH} first`);
  const runs = Number(process.argv[2] ?? 5);
  const dir = mkdtempSync(path.join(tmpdir(), 'worker-start-'));
  const bundle = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundle, await bundleWorkflows());
  const server = await startDevServer({ port: await freePort(), uiPort: await freePort() });
  const results: Run[] = [];
  try {
    console.log(`load average at start: ${loadavg()[0].toFixed(1)}`);
    for (let i = 0; i < runs; i++) {
      for (const mode of ['source', 'bundle'] as const) {
        const run = await startOnce(server.address, mode, bundle);
        console.log(JSON.stringify(run));
        results.push(run);
      }
    }
    console.log(`load average at end: ${loadavg()[0].toFixed(1)}`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const mode of ['source', 'bundle'] as const) {
    const of = results.filter((r) => r.mode === mode);
    const median = (pick: (r: Run) => number) =>
      of.map(pick).sort((a, b) => a - b)[Math.floor(of.length / 2)];
    console.log(
      `${mode}: ready ms ${of.map((r) => r.readyMs.toFixed(0)).join(', ')} (median ${median((r) => r.readyMs).toFixed(0)}); ` +
        `RSS MiB ${of.map((r) => r.rssMiB.toFixed(0)).join(', ')} (median ${median((r) => r.rssMiB).toFixed(0)}); ` +
        `peak RSS MiB median ${median((r) => r.peakRssMiB).toFixed(0)}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
