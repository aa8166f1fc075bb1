// One suite's world for drill scenarios: the time-skipping Temporal server, the DRS emulator in
// process following the test server's clock, and a real Worker running drsDrill with the real
// activities talking to the emulator through @aws-sdk/client-drs.
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DrsClient } from '@aws-sdk/client-drs';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { AwsClientFactory } from '../../activities/drs-client';
import type { DrillInput } from '../../common/inputs';
import { openEvidenceStore, type EvidenceStore } from '../../common/evidence-store/store';
import type { DrillProgress, DrillReport } from '../../common/types';
import {
  emulatorClientConfig,
  emulatorCredentials,
  pickHealthyServers,
  startEmulator,
  type AuditEntry,
  type RunningEmulator,
} from '../../emulator';
import { accountCredentials } from '../../worker/drs-clients';
import { drsDrill } from '../../workflows';
import { timeSkippingEnv } from './temporal';
import { TimeSkippingStalled, skippingResult, timeSkips, whileTimeSkips } from './time-skipping';
import { productWorkflowBundle } from './workflow-code';

export const REGION = 'us-east-1';

export interface DrillHarness {
  env: TestWorkflowEnvironment;
  emulator: RunningEmulator;
  taskQueue: string;
  /** A DRS client of the default account (test-side reads, seeding). */
  drsClient: DrsClient;
  healthyServers(count?: number): Promise<string[]>;
  startDrill(
    input: DrillInput | Record<string, unknown>,
    workflowId?: string,
  ): Promise<WorkflowHandle<typeof drsDrill>>;
  /** Skips workflow time in steps until `progress` satisfies `done` (time only moves while awaited). */
  waitForProgress<P = DrillProgress>(
    handle: WorkflowHandle,
    done: (p: P) => boolean,
    stepMs?: number,
  ): Promise<P>;
  /** Skips `ms` of workflow time. */
  sleep(ms: number): Promise<void>;
  /** The workflow's result (these three fail fast when time stops skipping, see helpers/time-skipping.ts). */
  result<R>(handle: WorkflowHandle): Promise<R>;
  /** The drill's report, or the failure it ended with. */
  outcome(handle: WorkflowHandle<typeof drsDrill>): Promise<{ report?: DrillReport; error?: Error }>;
  /** Audit entries of `operation` that DRS executed (accepted, or executed with the response lost). */
  executed(operation: string): Promise<AuditEntry[]>;
  /** Drill recovery instances the emulator still holds. */
  drillInstancesLeft(): Promise<string[]>;
  syncClock(): Promise<void>;
  /** Where the runs' evidence goes: a temporary folder of this harness, unless the deps name a store. */
  evidenceStore: EvidenceStore;
  /** True once a wait saw time stop skipping: the server is to be replaced. */
  readonly stalled: boolean;
  close(): Promise<void>;
}

interface HarnessOptions {
  /**
   * Reach other accounts as the worker does with DRS_EMULATOR and DRS_ACCOUNT_ROLE_NAME: AssumeRole
   * of this role at the emulator's STS. Default: each account's emulator keys, no STS.
   */
  accountRoleName?: string;
}

let workflowCounter = 0;

export async function startDrillHarness(
  extraDeps: Partial<ActivityDeps> = {},
  options: HarnessOptions = {},
): Promise<DrillHarness> {
  const env = await timeSkippingEnv();
  // The emulator computes job progress from its clock when a request arrives, so pinning the clock
  // to the test server's time before every activity makes "PENDING for 3 hours" workflow time.
  let now = await env.currentTimeMs();
  let syncedAt = Date.now();
  const syncClock = async () => {
    now = await env.currentTimeMs();
    syncedAt = Date.now();
  };
  const emulator = await startEmulator({ clock: () => now, quiet: true });
  const drsClients = new AwsClientFactory({
    endpoint: emulator.url,
    ec2Endpoint: emulator.url,
    ssmEndpoint: emulator.url,
    cloudFormationEndpoint: emulator.url,
    defaultRegion: REGION,
    credentialsFor: options.accountRoleName
      ? accountCredentials({
          region: REGION,
          drsEndpoint: emulator.url,
          stsEndpoint: emulator.url,
          emulator: true,
          accountRoleArns: {},
          accountRoleName: options.accountRoleName,
        })
      : emulatorCredentials,
  });
  const evidenceRoot = mkdtempSync(path.join(tmpdir(), 'drill-evidence-'));
  const evidenceStore =
    extraDeps.evidenceStore ?? openEvidenceStore({ url: pathToFileURL(evidenceRoot).href });
  const activities: Record<string, (...args: never[]) => Promise<unknown>> = createActivities({
    drsClients,
    // The test server gives a retry attempt the time it was decided as its scheduled time, so job
    // waits would align their ticks a whole poll delay late (server-clock.ts serverNow); they read its
    // clock instead: the time synced when the activity started plus the real time since (the
    // server does not skip time while an activity runs).
    serverClock: () => now + (Date.now() - syncedAt),
    // the local stack's worker configuration: checks probe stand-in services on loopback
    probePolicy: { allowedCidrs: [], allowLoopback: true },
    ...extraDeps,
    evidenceStore,
  });
  const busy = busyClock();
  const clockedActivities = Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      (...args: never[]) =>
        busy.during(async () => {
          await syncClock();
          return fn(...args);
        }),
    ]),
  );
  const taskQueue = `drill-${process.pid}-${++workflowCounter}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await productWorkflowBundle(),
    activities: clockedActivities,
  });
  const running = worker.run();
  const drsClient = new DrsClient(emulatorClientConfig(emulator.url, { region: REGION, maxAttempts: 1 }));
  const closing = new AbortController();
  setMaxListeners(100, closing.signal); // one listener per wait in progress; tests await many at once
  let stalled = false;
  const noteStall = (err: unknown) => {
    if (err instanceof TimeSkippingStalled) stalled = true;
    throw err;
  };
  const watch = { closing: closing.signal, busyMs: busy.ms };
  const guarded = <T>(what: string, work: (signal: AbortSignal) => Promise<T>) =>
    whileTimeSkips(env, what, work, watch).catch(noteStall);
  const result = <R>(handle: WorkflowHandle) => skippingResult<R>(env, handle, watch).catch(noteStall);

  return {
    env,
    emulator,
    taskQueue,
    drsClient,
    async healthyServers(count = 3) {
      await syncClock();
      return pickHealthyServers(drsClient, count);
    },
    startDrill(input, workflowId = `drill-test-${++workflowCounter}`) {
      return env.client.workflow.start(drsDrill, { args: [input as DrillInput], taskQueue, workflowId });
    },
    waitForProgress<P>(handle: WorkflowHandle, done: (p: P) => boolean, stepMs = 5000) {
      return guarded(`waiting for progress of ${handle.workflowId}`, async (signal) => {
        for (let i = 0; i < 2000; i++) {
          // every workflow answers `progress` (workflows/messages.ts); P names the type's answer
          const progress = await handle.query<P>('progress');
          if (done(progress)) return progress;
          await env.connection.withAbortSignal(signal, () => env.sleep(stepMs));
        }
        throw new Error('progress condition never reached');
      });
    },
    sleep(ms) {
      return guarded(`skipping ${ms} ms`, (signal) =>
        env.connection.withAbortSignal(signal, () => env.sleep(ms)),
      );
    },
    result,
    async outcome(handle) {
      try {
        return { report: await result<DrillReport>(handle) };
      } catch (error) {
        return { error: error as Error };
      }
    },
    async executed(operation) {
      const entries = await emulator.control.audit({ operation });
      return entries.filter((e) => e.statusCode < 300 || e.dropped);
    },
    async drillInstancesLeft() {
      const state = await emulator.control.state();
      return state.recoveryInstances
        .filter((i) => i.isDrill && i.ec2InstanceState !== 'TERMINATED')
        .map((i) => i.recoveryInstanceID);
    },
    syncClock,
    evidenceStore,
    get stalled() {
      return stalled;
    },
    async close() {
      closing.abort();
      worker.shutdown();
      await running;
      drsClient.destroy();
      drsClients.destroy();
      await emulator.close();
      await env.teardown();
      rmSync(evidenceRoot, { recursive: true, force: true });
    },
  };
}

/** Wall time during which at least one of the harness's activities was running. */
function busyClock() {
  let running = 0;
  let since = 0;
  let total = 0;
  return {
    ms: () => total + (running > 0 ? Date.now() - since : 0),
    async during<T>(work: () => Promise<T>): Promise<T> {
      if (running++ === 0) since = Date.now();
      try {
        return await work();
      } finally {
        if (--running === 0) total += Date.now() - since;
      }
    },
  };
}

/**
 * Lets each test of `suite` run a second time, on a fresh server, when (and only when) its first
 * attempt failed because the server stopped skipping time: a defect of the test server, not of the
 * code under test. Any other failure fails the retry with the same error, so an assertion is never
 * retried into passing.
 */
export function retryOnceAfterStall(suite: Mocha.Suite): void {
  suite.eachTest((test) => {
    const body = test.fn;
    if (!body || test.retries() > 0) return;
    let failure: Error | undefined;
    test.retries(1);
    test.fn = async function (this: Mocha.Context) {
      if (failure !== undefined) throw failure;
      try {
        return (await (body as Mocha.AsyncFunc).call(this)) as unknown;
      } catch (err) {
        if (err instanceof TimeSkippingStalled) {
          console.warn(`      (${test.title}: retried once on a fresh server)`);
        } else failure = err instanceof Error ? err : new Error(String(err));
        throw err;
      }
    } as Mocha.AsyncFunc;
  });
}

/**
 * A suite's hooks around one harness: started before the suite and closed after it. Before each
 * test the emulator is reset and its clock moved to the test server's time; a server that no
 * longer skips time (a leaked time lock, helpers/time-skipping.ts) is replaced first, and the test
 * that saw it runs once more on the new one. `use` receives each harness once it is running.
 */
export function useDrillHarness(
  use: (h: DrillHarness) => void,
  deps: Partial<ActivityDeps> = {},
  options: HarnessOptions = {},
): void {
  let harness: DrillHarness | undefined;
  const running = (): DrillHarness => {
    if (!harness) throw new Error('the drill harness did not start');
    return harness;
  };
  before(async function () {
    if (this.test?.parent) retryOnceAfterStall(this.test.parent);
    harness = await startDrillHarness(deps, options);
    use(harness);
  });
  after(async () => {
    await harness?.close();
  });
  beforeEach(async () => {
    // (an aborted wait leaves its unlock behind on the server, so a stall seen is not probed again)
    if (running().stalled || !(await timeSkips(running().env))) {
      console.warn('      (time stopped skipping on the test server: starting a fresh one)');
      await running().close();
      harness = undefined; // a failed restart fails each later test with "did not start"
      harness = await startDrillHarness(deps, options);
      use(harness);
    }
    await running().emulator.control.reset();
    await running().syncClock();
  });
}

export async function historyLength(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return history.events?.length ?? 0;
}
