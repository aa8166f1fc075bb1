// The decisions of one poll of a DRS job wait, in one place: ask DescribeJobs now or take the
// record a recent call left, read the job log or not, and how long until the next poll. DRS sends
// no completion event, so jobs are polled; this makes the polls cheap and timely:
//  - batched: DescribeJobs is shared by the waits of the process (job-batch.ts);
//  - phase-aware: while the job log shows every server still PENDING, snapshotting or converting
//    (most of a launch job's time) the wait asks rarely, and a tick that reads the log asks
//    DescribeJobs nothing unless the log shows the end; once every server reached its launch step
//    (the last), or for a job with no such steps (a terminate job), it asks every tick;
//  - predicted: the wait reads the log no sooner than the slowest server could be launching, and
//    once near the end stays quiet until most of the shortest last step seen has passed, then asks
//    every tick (job-predictions.ts);
//  - aligned: the next poll is set for the next multiple of the interval on the server's clock, so
//    waits started at different times land in the same tick and share its call (server-clock.ts).
// The delay travels back to Temporal as the retry-as-poll failure's nextRetryDelay (polling.ts).
import { Context } from '@temporalio/activity';
import type { DrsClient, Job } from '@aws-sdk/client-drs';
import { endTimeline, lastLaunchStart, nearTheEnd, type JobTimeline } from '../common/job-log';
import { readJobTimeline } from './drs-reads';
import { JobBatch } from './job-batch';
import { JobPredictions } from './job-predictions';
import { aligned, MIN_DELAY_MS, serverNow, TICK_SLACK_MS } from './server-clock';

/** Once a job is near its end, it is asked about on every tick of this interval. */
const NEAR_MS = 2000;
/** Before that, every tick of this interval, growing with the wait up to FAR_MAX_MS. */
const FAR_MS = 20_000;
const FAR_MAX_MS = 60_000;
/** Jobs remembered between polls; far more than DRS lets run at once. */
const MAX_WATCHED = 5000;

/** A job the run has just created: its type, and creation time when known. */
export interface JustCreated {
  type: string;
  creationDateTime?: string;
}

/** What one poll found, and when to poll again. */
export interface JobPoll {
  /** The job as read; undefined when the poll asked nothing (a job the run has just created). */
  job?: Job;
  /** The servers' steps known from the job log (read to the end once the job completed). */
  timeline?: JobTimeline;
  /** Milliseconds until the next poll if the wait goes on; undefined: the retry policy's backoff. */
  nextPollMs?: number;
}

/** How a job wait polls; the worker's is AdaptivePolls (the bench's baselines are others). */
export interface JobPollPolicy {
  /** One poll of the job; `created` on the first attempt of a wait on a job the run just created. */
  poll(client: DrsClient, jobId: string, created?: JustCreated): Promise<JobPoll>;
}

/** What the process knows of a job between polls (a retry may land on another worker: then it re-reads). */
interface WatchState {
  timeline: JobTimeline;
  nearTheEnd: boolean;
  logReadAtMs: number;
  /** Steps of this job already learned from (`<server> <step>`), so a span counts once. */
  learned: Set<string>;
}

export class AdaptivePolls implements JobPollPolicy {
  private readonly batch: JobBatch;
  private readonly predictions = new JobPredictions();
  private readonly watched = new Map<string, WatchState>();

  /** `now`: the Temporal server's clock that ticks are aligned on and waits are aged by. */
  constructor(private readonly now: () => number = serverNow) {
    this.batch = new JobBatch(now);
  }

  async poll(client: DrsClient, jobId: string, created?: JustCreated): Promise<JobPoll> {
    if (created) {
      // a job just created is PENDING: the first attempt waits for the first tick instead of asking
      const { type, creationDateTime = new Date(this.now()).toISOString() } = created;
      const job: Job = { jobID: jobId, type: type as Job['type'], status: 'PENDING', creationDateTime };
      return { nextPollMs: this.nextPollMs(client, job) };
    }
    const job = await this.describeOrReadLog(client, jobId);
    if (job.status === 'COMPLETED') {
      // a launch job's steps are read once more unless the log can add nothing; other jobs have none
      const timeline =
        this.endedSteps(job) ?? (job.type === 'LAUNCH' ? await readJobTimeline(client, job) : undefined);
      this.predictions.learnEnded(client, job, timeline, this.watched.get(jobId)?.learned ?? new Set());
      this.watched.delete(jobId);
      return { job, timeline };
    }
    return { job, timeline: this.watched.get(jobId)?.timeline, nextPollMs: this.nextPollMs(client, job) };
  }

  /**
   * The job for this poll, its log read when the wait wants its steps. A far tick that reads the
   * log asks DescribeJobs nothing unless the log shows the job ended: until then the record seen
   * last in this process says what the wait needs.
   */
  private async describeOrReadLog(client: DrsClient, jobId: string): Promise<Job> {
    const seen = this.batch.lastSeen(client, jobId);
    if (seen && this.wantsSteps(client, seen)) {
      const timeline = await readJobTimeline(client, seen);
      this.noteSteps(client, jobId, timeline);
      if (timeline?.endedAfter === undefined) return seen;
      return this.batch.describe(client, jobId);
    }
    const job = await this.batch.describe(client, jobId);
    if (this.wantsSteps(client, job)) this.noteSteps(client, jobId, await readJobTimeline(client, job));
    return job;
  }

  /**
   * Whether this poll should read the job log to learn the servers' steps: only for launch jobs,
   * and only until the end is near, at most once per far tick.
   */
  private wantsSteps(client: DrsClient, job: Job): boolean {
    // a PENDING job has no steps yet: its log is read once it started
    if (job.type !== 'LAUNCH' || job.status !== 'STARTED') return false;
    const state = this.watched.get(job.jobID ?? '');
    if (!state) return true;
    const now = this.now();
    return (
      !state.nearTheEnd &&
      now - state.logReadAtMs >= this.farMs() - TICK_SLACK_MS &&
      now >= this.predictions.launchingNotBefore(client, job, state.timeline) - MIN_DELAY_MS
    );
  }

  /** Notes what the job log said; each snapshot and conversion that ended is learned at once. */
  noteSteps(client: DrsClient, jobId: string, timeline: JobTimeline | undefined): void {
    if (timeline === undefined) {
      this.watched.delete(jobId);
      return;
    }
    const learned = this.watched.get(jobId)?.learned ?? new Set<string>();
    this.predictions.learnSteps(client, timeline, learned);
    this.watched.set(jobId, {
      timeline,
      nearTheEnd: nearTheEnd(timeline),
      logReadAtMs: this.now(),
      learned,
    });
    // a wait that ended without its job completing (a deadline) leaves an entry: keep the newest
    if (this.watched.size > MAX_WATCHED) this.watched.delete(this.watched.keys().next().value ?? '');
  }

  /**
   * The timeline of a job that just completed: the one already read when it logged the job's end
   * or every server had launched (the log adds nothing but the end, which the job carries), else
   * undefined (read it).
   */
  private endedSteps(job: Job): JobTimeline | undefined {
    const known = this.watched.get(job.jobID ?? '')?.timeline;
    if (!known) return undefined;
    const allLaunched = (job.participatingServers ?? []).every((p) => p.launchStatus === 'LAUNCHED');
    const complete = known.endedAfter !== undefined || (allLaunched && lastLaunchStart(known) !== undefined);
    return complete ? endTimeline(known, job.endDateTime) : undefined;
  }

  /** Milliseconds until the next poll of a job that is not done. */
  nextPollMs(client: DrsClient, job: Job): number {
    const now = this.now();
    const state = this.watched.get(job.jobID ?? '');
    const near = job.type !== 'LAUNCH' || state?.nearTheEnd === true;
    if (!near) {
      // no server can be launching before this: nothing to ask DRS until then
      const quietMs = this.predictions.launchingNotBefore(client, job, state?.timeline) - now;
      const far = this.farMs();
      if (quietMs > far) return Math.min(quietMs, FAR_MAX_MS);
      // a job PENDING for long is asked about once a minute, on its own time: ticks are for sharing calls
      return far > FAR_MS ? far : aligned(now, far);
    }
    const quietMs = this.predictions.quietUntil(client, job, state?.timeline) - now;
    if (quietMs > NEAR_MS) return Math.min(quietMs, this.farMs());
    return aligned(now, NEAR_MS);
  }

  /**
   * The far interval grows with the wait: a job still PENDING after hours is asked about once a
   * minute. The wait's age is by the server's clock (since its first attempt was scheduled), so it
   * follows skipped time in tests.
   */
  private farMs(): number {
    const waitedMs = Math.max(0, this.now() - Context.current().info.scheduledTimestampMs);
    const ms = Math.min(FAR_MAX_MS, Math.max(FAR_MS, waitedMs / 10));
    return Math.round(ms / FAR_MS) * FAR_MS;
  }
}
