// One drill on its own task queue served by one or two real worker processes, undisturbed or with a
// worker killed (SIGKILL) at a chosen moment and a new one started at once; measured from the
// workflow's own start and close times. Used by test/e2e/resume.test.ts and the resume bench
// (scripts/bench/resume.ts).
import type { Client } from '@temporalio/client';
import type { DrillReport } from '../../common/types';
import type { RunningEmulator } from '../../emulator';
import { drillProgressQuery } from '../../workflows/messages';
import { WorkerProcess, workerEnv } from '../worker/worker-process';

/** The validation hold of every measured drill: a stretch with no activity running. */
const HOLD_SECONDS = 10;

export type Disturbance =
  /** Not killed: the baseline. */
  | { kind: 'none' }
  /**
   * The worker running the launch job's first poll is killed `afterMs` after the poll's DescribeJobs
   * call reached DRS, while DRS has not answered.
   */
  | { kind: 'mid-call'; afterMs: number }
  /** A worker is killed `afterMs` into the validation hold, when no activity runs (use one worker). */
  | { kind: 'between-calls'; afterMs: number };

interface RunOptions {
  /** Worker processes serving the task queue from the start: 1, or 2 (a survivor takes over at once). */
  workers: 1 | 2;
  /** Names the task queue and workflow id. */
  name: string;
}

export interface ResumeStack {
  client: Client;
  temporalAddress: string;
  emulator: RunningEmulator;
}

export interface ResumeRun {
  report: DrillReport;
  /** Workflow start to close, from Temporal's own times. */
  seconds: number;
  /** Spawn to "worker polling" of each worker process, in start order. */
  workerStartSeconds: number[];
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startWorker(stack: ResumeStack, taskQueue: string): Promise<[WorkerProcess, number]> {
  const spawnedAt = Date.now();
  const worker = new WorkerProcess(
    await workerEnv({
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DRS_ENDPOINT: stack.emulator.url,
      AWS_ACCESS_KEY_ID: 'AKIA111122223333TEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      // 'Activity started' lines say which worker runs the call to kill
      LOG_LEVEL: 'debug',
    }),
  );
  await worker.waitForLog((l) => l.msg === 'worker polling', 120_000);
  return [worker, (Date.now() - spawnedAt) / 1000];
}

/** Runs a one-server drill (validation hold) of `sourceServerId`, disturbed as asked. */
export async function runDrill(
  stack: ResumeStack,
  sourceServerId: string,
  disturbance: Disturbance,
  { workers: count, name }: RunOptions,
): Promise<ResumeRun> {
  const taskQueue = `drs-resume-${name}-${Date.now()}`;
  const workers: WorkerProcess[] = [];
  const workerStartSeconds: number[] = [];
  const start = async () => {
    const [worker, seconds] = await startWorker(stack, taskQueue);
    workers.push(worker);
    workerStartSeconds.push(seconds);
    return worker;
  };
  try {
    await Promise.all(Array.from({ length: count }, start));
    const workflowId = `drill-resume-${name}-${Date.now()}`;
    const handle = await stack.client.workflow.start('drsDrill', {
      taskQueue,
      workflowId,
      args: [
        {
          sourceServerIds: [sourceServerId],
          region: 'us-east-1',
          validation: { mode: 'hold', holdSeconds: HOLD_SECONDS },
        },
      ],
    });
    if (disturbance.kind !== 'none') {
      let victim = workers[0];
      if (disturbance.kind === 'mid-call') {
        await untilLaunchPollInFlight(stack, handle, disturbance.afterMs);
        victim = await runningActivity(workers, workflowId, 'pollJob');
      } else {
        await untilHoldRuns(handle, disturbance.afterMs);
      }
      victim.signal('SIGKILL');
      await victim.exited;
      await start();
    }
    const report = (await handle.result()) as DrillReport;
    const { startTime, closeTime } = await handle.describe();
    return {
      report,
      seconds: ((closeTime?.getTime() ?? Date.now()) - startTime.getTime()) / 1000,
      workerStartSeconds,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

type DrillHandle = ReturnType<Client['workflow']['getHandle']>;

/** Resolves `afterMs` after the launch job's first DescribeJobs reached the emulator, if it is still unanswered. */
async function untilLaunchPollInFlight(stack: ResumeStack, handle: DrillHandle, afterMs: number) {
  let jobId: string | undefined;
  while (!(jobId = (await handle.query(drillProgressQuery)).launchJobId)) await pause(100);
  const polling = async () =>
    (await stack.emulator.control.inFlight()).some(
      (call) =>
        call.operation === 'DescribeJobs' &&
        (call.request as { filters?: { jobIDs?: string[] } }).filters?.jobIDs?.includes(jobId),
    );
  for (let i = 0; !(await polling()); i++) {
    if (i > 600) throw new Error(`no DescribeJobs for ${jobId} within 60 s`);
    await pause(100);
  }
  await pause(afterMs);
  if (!(await polling())) throw new Error(`the poll of ${jobId} was answered within ${afterMs} ms`);
}

/** The worker that started `activityType` for `workflowId` (its debug log says so). */
async function runningActivity(
  workers: WorkerProcess[],
  workflowId: string,
  activityType: string,
): Promise<WorkerProcess> {
  for (let i = 0; i < 50; i++) {
    const found = workers.find((w) =>
      w.logs.some(
        (l) => l.msg === 'Activity started' && l.activityType === activityType && l.workflowId === workflowId,
      ),
    );
    if (found) return found;
    await pause(100);
  }
  throw new Error(`no worker logged starting ${activityType} for ${workflowId}`);
}

/** Resolves `afterMs` into the validation hold. */
async function untilHoldRuns(handle: DrillHandle, afterMs: number) {
  for (let i = 0; (await handle.query(drillProgressQuery)).phase !== 'validating'; i++) {
    if (i > 1200) throw new Error('the drill did not reach its validation hold within 2 minutes');
    await pause(100);
  }
  await pause(afterMs);
}
