// Every activity heartbeats while it runs, so Temporal notices a dead worker (kill -9, a lost host)
// within the activity's heartbeat timeout and retries the attempt elsewhere, instead of waiting out
// its start-to-close timeout. One wrapper at registration (activities/index.ts) rather than a
// heartbeat call in each activity: a DRS call is one awaited request with no progress to report,
// so "the process is alive" is all a heartbeat has to say.
import { asyncLocalStorage } from '@temporalio/activity';

type Activity = (...args: never[]) => Promise<unknown>;

/**
 * Heartbeats per heartbeat timeout (5 s: one a second, workflows/activity-timeouts.ts). The worker
 * sends each one (worker/create-worker.ts), so a stalled event loop or a slow send has 4 s to spare.
 * A call answered within the first interval sends none.
 */
const BEATS_PER_TIMEOUT = 5;

/** The same activities, each heartbeating BEATS_PER_TIMEOUT times per heartbeat timeout while it runs. */
export function withHeartbeats<A extends Record<string, Activity>>(activities: A): A {
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [name, heartbeating(activity)]),
  ) as A;
}

function heartbeating<F extends Activity>(activity: F): F {
  return (async (...args: Parameters<F>) => {
    // outside a worker (a test calling the function directly) there is no one to heartbeat to
    const context = asyncLocalStorage.getStore();
    const timeoutMs = context?.info.heartbeatTimeoutMs;
    if (!context || !timeoutMs) return activity(...args);
    const timer = setInterval(() => context.heartbeat(), timeoutMs / BEATS_PER_TIMEOUT);
    try {
      return await activity(...args);
    } finally {
      clearInterval(timer);
    }
  }) as F;
}
