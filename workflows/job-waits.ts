// Waiting on DRS from workflow code, with bounded history: each wait is ONE activity whose retry
// policy is the poll loop (retry-as-poll). Temporal records an activity's retries as a single
// scheduled/started/completed triple, so a job that stays PENDING for a day costs a few events,
// and the retries' backoff is a server-side timer that the time-skipping test server skips. The job
// wait sets each retry's delay itself (activities/job-poll-policy.ts: phase-aware, aligned ticks).
import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  patched,
  type RetryPolicy,
} from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import { jobFingerprint, stepsFingerprint } from '../common/job-state';
import type { DrsTarget, JobView } from '../common/types';
import { summarizedActivities } from './activity-summaries';
import { PATCHES } from './patches';

/**
 * Retry-as-poll backoff: 5 s growing to 1 min. The job wait overrides it per retry
 * (nextRetryDelay); it stays the interval of the other waits and of a server that ignores that.
 */
export const JOB_POLL_RETRY: RetryPolicy = {
  initialInterval: '5s',
  backoffCoefficient: 1.5,
  maximumInterval: '60s',
};

/** Raised when a wait's deadline passes; non-retryable. */
export const DEADLINE_EXCEEDED = 'DeadlineExceeded';

/** Runs a retry-as-poll activity call, turning its schedule-to-close timeout into DEADLINE_EXCEEDED. */
export async function untilDeadline<T>(
  what: string,
  deadlineMs: number,
  poll: (remainingMs: number) => Promise<T>,
): Promise<T> {
  const remainingMs = deadlineMs - Date.now();
  if (remainingMs <= 0) throw ApplicationFailure.nonRetryable(`${what}: deadline passed`, DEADLINE_EXCEEDED);
  try {
    return await poll(remainingMs);
  } catch (err) {
    // The server gives up either with a timeout, or (when the next retry would start past the
    // deadline) with the last attempt's failure and retry state TIMEOUT.
    if (
      err instanceof ActivityFailure &&
      (err.cause instanceof TimeoutFailure || err.retryState === RetryState.TIMEOUT)
    ) {
      const last = err.cause instanceof TimeoutFailure ? err.cause.cause?.message : err.cause?.message;
      throw ApplicationFailure.nonRetryable(
        `${what}: deadline passed${last ? ` (last: ${last})` : ''}`,
        DEADLINE_EXCEEDED,
      );
    }
    throw err;
  }
}

/**
 * Follows a job until COMPLETED, calling `onChange` with each new state (status or a server's
 * launch status changed) so queries show progress. History grows with state changes, not time.
 */
export async function followJob(
  target: DrsTarget,
  jobId: string,
  deadlineMs: number,
  onChange: (job: JobView) => void = () => undefined,
  created?: JobView,
): Promise<JobView> {
  // A job the run has just created is PENDING: the wait starts from that state, and its first look
  // waits for its first tick instead of reading what the create call already said.
  const fresh =
    created?.status === 'PENDING' && created.type !== undefined && patched(PATCHES.jobWaitFromCreated.id)
      ? { type: created.type, creationDateTime: created.creationDateTime }
      : undefined;
  let seen = fresh && created ? jobFingerprint(created) : undefined;
  let seenSteps: string | undefined;
  let seenAtMs: number | undefined = fresh ? Date.now() : undefined;
  for (let first = true; ; first = false) {
    const job = await untilDeadline(`job ${jobId} did not complete in time`, deadlineMs, (remainingMs) => {
      const { pollJob } = summarizedActivities({
        scheduleToCloseTimeout: remainingMs,
        retry: JOB_POLL_RETRY,
      });
      return pollJob({
        ...target,
        jobId,
        seen,
        seenSteps,
        seenAtMs,
        ...(first && fresh ? { created: fresh } : {}),
      });
    });
    onChange(job);
    if (job.status === 'COMPLETED') return job;
    seen = jobFingerprint(job);
    seenSteps = stepsFingerprint(job);
    seenAtMs = Date.now();
  }
}
