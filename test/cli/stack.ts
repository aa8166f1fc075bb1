// The real thing for CLI tests: the shared Temporal dev server, an in-process DRS emulator, a real
// Worker with the product's workflows and activities on a task queue of its own, and a runner
// that executes bin/drsctl.js as a child process, as a CI job would.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, AwsClientFactory } from '../../activities';
import type { NotificationTargets } from '../../activities/notifications';
import { openEvidenceStore } from '../../common/evidence-store/store';
import { repoRoot } from '../../common/paths';
import { emulatorCredentials, startEmulator, type RunningEmulator } from '../../emulator';
import { pickHealthyServers } from '../../emulator/inventory';
import { devServerEnv } from '../helpers/temporal';
import { productWorkflowBundle } from '../helpers/workflow-code';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/drsctl.js from the repository root with `env` on top of a clean environment. */
export function runDrsctl(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<CliResult> {
  // the tree these tests were compiled into (dist/ in `npm test`): bin/drsctl.js loads client/main.js from it
  const buildDir = path.resolve(__dirname, '..', '..');
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_') && k !== 'GITHUB_STEP_SUMMARY'),
  );
  const child = spawn(process.execPath, [path.join(repoRoot(), 'bin', 'drsctl.js'), ...args], {
    cwd: repoRoot(),
    env: { ...base, DRSCTL_BUILD_DIR: buildDir, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`drsctl ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface CliStack {
  env: TestWorkflowEnvironment;
  emulator: RunningEmulator;
  taskQueue: string;
  /** Environment for drsctl: the dev server's address and this stack's task queue. */
  cliEnv: NodeJS.ProcessEnv;
  drsctl(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** Healthy CONTINUOUS servers of the default account, for drills. */
  healthyServers(count: number): Promise<string[]>;
  stop(): Promise<void>;
}

/** Emulator durations x0.1: a launch job takes ~1-3 s instead of 10-30 s (the workflow polls every 5 s+). */
const TIME_SCALE = 0.1;

/** `notifications`: webhook receivers the worker delivers to (a loopback server in the test). */
export async function startCliStack(
  name: string,
  options: { notifications?: NotificationTargets } = {},
): Promise<CliStack> {
  const env = await devServerEnv();
  const emulator = await startEmulator({ quiet: true, timeScale: TIME_SCALE });
  const drsClients = new AwsClientFactory({
    endpoint: emulator.url,
    ec2Endpoint: emulator.url,
    ssmEndpoint: emulator.url,
    defaultRegion: 'us-east-1',
    credentialsFor: emulatorCredentials,
  });
  const taskQueue = `${name}-${Date.now()}`;
  // the stack's own evidence store, which drsctl reads too: the emulator's server ids repeat across
  // runs, so a shared store would show one test the drills of another
  const evidenceRoot = mkdtempSync(path.join(tmpdir(), `${name}-evidence-`));
  const evidenceUrl = pathToFileURL(evidenceRoot).href;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await productWorkflowBundle(),
    activities: createActivities({
      drsClients,
      notifications: options.notifications,
      evidenceStore: openEvidenceStore({ url: evidenceUrl }),
    }),
  });
  const running = worker.run();
  const cliEnv = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    AWS_REGION: 'us-east-1',
    DRS_EVIDENCE_URL: evidenceUrl,
  };
  return {
    env,
    emulator,
    taskQueue,
    cliEnv,
    drsctl: (args, extraEnv = {}) => runDrsctl(args, { ...cliEnv, ...extraEnv }),
    healthyServers: (count) => pickHealthyServers(drsClients.drsClient('us-east-1'), count),
    async stop() {
      worker.shutdown();
      await running;
      drsClients.destroy();
      await emulator.close();
      rmSync(evidenceRoot, { recursive: true, force: true });
    },
  };
}
