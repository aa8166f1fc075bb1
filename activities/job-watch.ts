// Waiting on DRS jobs from one worker process. DRS sends no completion event, so jobs are polled;
// this makes the polls cheap and timely:
//  - batched: every job being waited on in the same account and region is read by ONE
//    DescribeJobs call (the jobIDs filter) per tick, however many runs wait;
//  - phase-aware: while the job log shows every server still PENDING, snapshotting or converting
//    (most of a launch job's time) the wait asks rarely; once a server reached its launch step
//    (the last), or for a job with no such steps (a terminate job), it asks every tick;
//  - aligned: the next poll is set for the next multiple of the interval on the clock, so waits
//    started at different times land in the same tick and share its call.
// The delay travels back to Temporal as the retry-as-poll failure's nextRetryDelay (polling.ts).
import { Context } from '@temporalio/activity';
import type { DrsClient, Job } from '@aws-sdk/client-drs';
import { nearTheEnd, type JobTimeline } from '../common/job-log';
import { ADAPTIVE_POLL, type JobPollPolicy } from '../common/job-poll';
import { listJobs } from './drs-reads';

/**
 * How long requests for the same client wait for each other before the one DescribeJobs goes out,
 * when other jobs of that client were asked about lately (a lone wait is sent at once).
 */
const BATCH_WINDOW_MS = 50;
/** "Lately": a minute, the longest interval between two polls of a job. */
const RECENT_MS = 60_000;
/** DescribeJobs takes at most this many ids in its jobIDs filter. */
const MAX_IDS_PER_CALL = 1000;
/** Jobs remembered between polls; far more than DRS lets run at once. */
const MAX_WATCHED = 5000;
/** A poll is never set closer than this (a tick that is about to pass is skipped). */
const MIN_DELAY_MS = 300;

interface Waiter {
  resolve: (job: Job) => void;
  reject: (err: unknown) => void;
}

/** What the process knows of a job between polls (a retry may land on another worker: then it re-reads). */
interface WatchState {
  timeline: JobTimeline;
  nearTheEnd: boolean;
  logReadAtMs: number;
}

/**
 * Now by the Temporal server's clock: when this attempt was scheduled plus the time it has run.
 * Ticks are aligned on it, so every worker agrees on them (a retry is scheduled exactly at its
 * tick), and it follows skipped time in tests.
 */
export function serverNow(): number {
  const context = Context.current();
  let started = attemptStarts.get(context);
  if (started === undefined) attemptStarts.set(context, (started = Date.now()));
  return context.info.currentAttemptScheduledTimestampMs + (Date.now() - started);
}
const attemptStarts = new WeakMap<Context, number>();

export class JobWatcher {
  private readonly batches = new Map<DrsClient, Map<string, Waiter[]>>();
  private readonly watched = new Map<string, WatchState>();
  /** Per client, when each job was last asked about (local clock). */
  private readonly asked = new Map<DrsClient, Map<string, number>>();

  constructor(readonly policy: JobPollPolicy = ADAPTIVE_POLL) {}

  /** The job as DescribeJobs lists it, read together with every other job asked for in the same window. */
  describe(client: DrsClient, jobId: string): Promise<Job> {
    return new Promise((resolve, reject) => {
      let batch = this.batches.get(client);
      if (!batch) {
        batch = new Map();
        this.batches.set(client, batch);
        setTimeout(
          () => void this.flush(client),
          this.othersAskedLately(client, jobId) ? BATCH_WINDOW_MS : 0,
        );
      }
      batch.set(jobId, [...(batch.get(jobId) ?? []), { resolve, reject }]);
    });
  }

  private othersAskedLately(client: DrsClient, jobId: string): boolean {
    let asked = this.asked.get(client);
    if (!asked) this.asked.set(client, (asked = new Map()));
    const now = Date.now();
    asked.set(jobId, now);
    let others = false;
    for (const [id, at] of asked) {
      if (now - at > RECENT_MS) asked.delete(id);
      else if (id !== jobId) others = true;
    }
    return others;
  }

  private async flush(client: DrsClient): Promise<void> {
    const batch = this.batches.get(client);
    this.batches.delete(client);
    if (!batch) return;
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_CALL) {
      const chunk = ids.slice(i, i + MAX_IDS_PER_CALL);
      try {
        const jobs = await listJobs(client, { jobIDs: chunk });
        const byId = new Map(jobs.map((j) => [j.jobID ?? '', j]));
        for (const id of chunk) {
          const job = byId.get(id);
          for (const w of batch.get(id) ?? []) {
            if (job) w.resolve(job);
            else w.reject(new Error(`DescribeJobs: job ${id} not found`));
          }
        }
      } catch (err) {
        for (const id of chunk) for (const w of batch.get(id) ?? []) w.reject(err);
      }
    }
  }

  /**
   * Whether this poll should read the job log to learn the servers' steps: only adaptive waits
   * use steps, only for launch jobs, and only until the end is near, at most once per far tick.
   */
  wantsSteps(job: Job): boolean {
    // a PENDING job has no steps yet: its log is read once it started
    if (this.policy.kind !== 'adaptive' || job.type !== 'LAUNCH' || job.status !== 'STARTED') return false;
    const state = this.watched.get(job.jobID ?? '');
    return !state || (!state.nearTheEnd && serverNow() - state.logReadAtMs >= this.farMs() - MIN_DELAY_MS);
  }

  /** Notes what the job log said (or that the job is done with: `undefined`). */
  noteSteps(jobId: string, timeline: JobTimeline | undefined): void {
    if (timeline === undefined) this.watched.delete(jobId);
    else this.watched.set(jobId, { timeline, nearTheEnd: nearTheEnd(timeline), logReadAtMs: serverNow() });
    // a wait that ended without its job completing (a deadline) leaves an entry: keep the newest
    if (this.watched.size > MAX_WATCHED) this.watched.delete(this.watched.keys().next().value ?? '');
  }

  /** The steps last read from the job's log in this process, if any. */
  knownSteps(jobId: string): JobTimeline | undefined {
    return this.watched.get(jobId)?.timeline;
  }

  /** Milliseconds until the next poll of a job that is not done. */
  nextPollDelayMs(job: Job): number {
    const { policy } = this;
    if (policy.kind === 'fixed') return policy.intervalMs;
    if (policy.kind === 'backoff') {
      return Math.min(5000 * 1.5 ** (Context.current().info.attempt - 1), 60_000);
    }
    const near = job.type !== 'LAUNCH' || this.watched.get(job.jobID ?? '')?.nearTheEnd === true;
    const interval = near ? policy.nearMs : this.farMs();
    let delay = interval - (serverNow() % interval);
    if (delay < MIN_DELAY_MS) delay += interval;
    return delay;
  }

  /**
   * The far interval grows with the wait: a job still PENDING after hours is asked about once a
   * minute. The wait's age is the server's (scheduled times), so it follows skipped time in tests.
   */
  private farMs(): number {
    if (this.policy.kind !== 'adaptive') return 0;
    const { info } = Context.current();
    const waitedMs = Math.max(0, info.currentAttemptScheduledTimestampMs - info.scheduledTimestampMs);
    const ms = Math.min(this.policy.farMaxMs, Math.max(this.policy.farMs, waitedMs / 10));
    return Math.round(ms / this.policy.farMs) * this.policy.farMs;
  }
}
