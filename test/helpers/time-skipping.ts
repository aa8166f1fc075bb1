// Guards against the Java time-skipping test server silently falling back to real time.
//
// The server stops skipping while it holds a "lock" (a workflow or activity task in flight, or the
// test client outside result()/sleep()). Some of its paths never release the lock they took: an
// activity cancelled after it was scheduled but before a worker picked it up (an abort that lands
// while a retry-as-poll attempt is queued) keeps it locked for good (temporal-test-server 1.38.0,
// TestWorkflowMutableStateImpl.processRequestCancelActivityTask; see also sdk-java#1138). From then
// on every timer and retry waits in real time: a test that needs an hour of workflow time hangs
// until mocha's timeout, and so does every later test on that server.
//
// So waits go through these helpers: a result that stops getting closer in workflow time fails
// within seconds with this explanation, and suites probe between tests and start a fresh server
// when a lock leaked (useDrillHarness).
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

export class TimeSkippingStalled extends Error {
  constructor(what: string) {
    super(
      `${what}: the time-skipping test server stopped skipping time (a leaked time lock, see ` +
        'test/helpers/time-skipping.ts); the harness restarts its server before the next test',
    );
    this.name = 'TimeSkippingStalled';
  }
}

/** Wall-clock window over which workflow time must outrun real time by STALL_RATIO. */
const STALL_WINDOW_MS = 15_000;
const STALL_RATIO = 2;
const SAMPLE_EVERY_MS = 1_000;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a wait needs besides the server: when to give up, and how long activities have been running. */
interface StallWatch {
  /** A harness closing under a timed-out test stops the wait before its connection goes away. */
  closing?: AbortSignal;
  windowMs?: number;
  /**
   * Wall milliseconds, so far, during which at least one activity was running (monotonic). The
   * server rightly does not skip time while an activity runs, and on a loaded machine a storm of
   * slow activities can fill a whole window: that time is not held against the server.
   */
  busyMs?: () => number;
}

/**
 * Resolves with `work` (called with an AbortSignal for its server calls); rejects with
 * TimeSkippingStalled when, over STALL_WINDOW_MS of wall time, the server clock advanced less than
 * STALL_RATIO times the part of it no activity ran in: a workflow waiting on anything time-based
 * gets hours per second.
 */
export async function whileTimeSkips<T>(
  env: TestWorkflowEnvironment,
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
  { closing, windowMs = STALL_WINDOW_MS, busyMs = () => 0 }: StallWatch = {},
): Promise<T> {
  const controller = new AbortController();
  const onClosing = () => controller.abort();
  closing?.addEventListener('abort', onClosing, { once: true });
  let finished = false;
  const watch = async (): Promise<never> => {
    const samples: { wall: number; server: number; busy: number }[] = [];
    const windowSamples = Math.max(1, Math.round(windowMs / SAMPLE_EVERY_MS));
    for (;;) {
      await wait(SAMPLE_EVERY_MS);
      if (finished) return new Promise<never>(() => undefined);
      samples.push({ wall: Date.now(), server: await env.currentTimeMs(), busy: busyMs() });
      if (samples.length <= windowSamples) continue;
      const first = samples[samples.length - 1 - windowSamples];
      const last = samples[samples.length - 1];
      const idle = last.wall - first.wall - (last.busy - first.busy);
      if (idle >= windowMs / 2 && last.server - first.server < STALL_RATIO * idle) {
        controller.abort();
        throw new TimeSkippingStalled(what);
      }
    }
  };
  try {
    return await Promise.race([work(controller.signal), watch()]);
  } finally {
    finished = true;
    closing?.removeEventListener('abort', onClosing);
  }
}

/** The workflow's result, failing fast if time stops skipping while it is awaited. */
export function skippingResult<R>(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  watch: StallWatch = {},
): Promise<R> {
  return whileTimeSkips(
    env,
    `waiting for ${handle.workflowId}`,
    (signal) => env.client.withAbortSignal(signal, () => handle.result() as Promise<R>),
    watch,
  );
}

/**
 * True when the server skips an idle hour within `withinMs` of wall time. With no workflow running
 * that is instant; a leaked lock makes it wait in real time. A false answer leaves the sleep's
 * unlock pending on the server (it is not undone by aborting the call): replace the server then.
 */
export async function timeSkips(env: TestWorkflowEnvironment, withinMs = 5_000): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), withinMs);
  try {
    await env.connection.withAbortSignal(controller.signal, () => env.sleep(3600_000));
    return true;
  } catch (err) {
    if (controller.signal.aborted) return false;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
