// The end-to-end stack the e2e suites share: the run's dev server, an emulator on a fast clock
// (0.1 unless a suite asks for another), and a real worker process (dist/worker/main.js) polling a task queue of the suite's own
// against both, started once its "worker polling" line is logged.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { WorkerProcess, workerEnv } from '../worker/worker-process';
import { devServerEnv } from './temporal';

export interface WorkerStack {
  env: TestWorkflowEnvironment;
  emulator: RunningEmulator;
  /** The first worker process. */
  worker: WorkerProcess;
  /** The first worker's environment, as started (its metrics and health addresses among it). */
  workerEnvironment: NodeJS.ProcessEnv;
  /** Every worker process started, in order (the killed ones too). */
  workers: readonly WorkerProcess[];
  /** Starts one more worker process on the same task queue and emulator, with its own ports. */
  addWorker(): Promise<WorkerProcess>;
  /** Stops the workers, then the emulator (the dev server belongs to the whole run). */
  stop(): Promise<void>;
}

/**
 * Starts the stack; `vars` add to (or override) the worker's environment, `timeScale` sets the
 * emulator's clock (job durations times it).
 */
export async function startWorkerStack(
  taskQueue: string,
  vars: NodeJS.ProcessEnv = {},
  { timeScale = 0.1 }: { timeScale?: number } = {},
): Promise<WorkerStack> {
  const env = await devServerEnv();
  const emulator = await startEmulator({ timeScale, quiet: true });
  const workers: WorkerProcess[] = [];
  const stop = async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await emulator.close();
  };
  const start = async (): Promise<{ worker: WorkerProcess; environment: NodeJS.ProcessEnv }> => {
    const environment = await workerEnv({
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DRS_ENDPOINT: emulator.url,
      ...vars,
    });
    const worker = new WorkerProcess(environment);
    workers.push(worker);
    // the first start on a loaded machine bundles and connects: allow it two minutes
    await worker.waitForLog((l) => l.msg === 'worker polling', 120_000);
    return { worker, environment };
  };
  try {
    const { worker, environment } = await start();
    return {
      env,
      emulator,
      worker,
      workers,
      workerEnvironment: environment,
      addWorker: async () => (await start()).worker,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
