// Waiting on DRS jobs from one worker process. DRS sends no completion event, so jobs are polled;
// this makes the polls cheap and timely:
//  - batched: every job being waited on in the same account and region is read by ONE
//    DescribeJobs call (the jobIDs filter) per tick, however many runs wait; each call also reads
//    every other job of that client waited on lately, and its answer serves their polls for a
//    second, so waits whose ticks differ still share calls;
//  - phase-aware: while the job log shows every server still PENDING, snapshotting or converting
//    (most of a launch job's time) the wait asks rarely, and a tick that reads the log asks
//    DescribeJobs nothing unless the log shows the end; once every server reached its launch step
//    (the last), or for a job with no such steps (a terminate job), it asks every tick;
//  - predicted: steps are timed by DRS's own record of the account's recent jobs (the shortest
//    snapshot, conversion and launch step, and terminate job seen in this process; a snapshot or
//    conversion counts as soon as any job's log shows it ended): the wait reads the log no sooner
//    than the slowest server could be launching, and once near the end stays quiet until 80% of
//    the shortest last step, then asks every tick;
//  - aligned: the next poll is set for the next multiple of the interval on the clock, so waits
//    started at different times land in the same tick and share its call.
// The delay travels back to Temporal as the retry-as-poll failure's nextRetryDelay (polling.ts).
import { Context } from '@temporalio/activity';
import type { DrsClient, Job } from '@aws-sdk/client-drs';
import { endTimeline, lastLaunchStart, nearTheEnd, type JobTimeline } from '../common/job-log';
import { ADAPTIVE_POLL, type JobPollPolicy } from '../common/job-poll';
import { listJobs } from './drs-reads';

/**
 * How long requests for the same client wait for each other before the one DescribeJobs goes out,
 * when other jobs of that client were asked about lately (a lone wait is sent at once).
 */
const BATCH_WINDOW_MS = 50;
/** "Lately": a minute, the longest interval between two polls of a job. */
const RECENT_MS = 60_000;
/** A DescribeJobs answer this young (by both clocks) serves another poll of the same job. */
const SHARED_FRESH_MS = 1000;
/** DescribeJobs takes at most this many ids in its jobIDs filter. */
const MAX_IDS_PER_CALL = 1000;
/** Recent jobs whose last step's duration predicts the next ones', per client and kind. */
const SAMPLES = 20;
/** The quiet part of a step: this share of the shortest one seen. */
const QUIET_SHARE = 0.8;
/** Jobs remembered between polls; far more than DRS lets run at once. */
const MAX_WATCHED = 5000;
/** A poll is never set closer than this (a tick that is about to pass is skipped). */
const MIN_DELAY_MS = 300;
/**
 * How far apart two polls of one tick can read the clock: a retry starts a little after its tick,
 * later on a loaded worker. Ages that should be whole ticks are compared with this much slack, so
 * the same tick decides the same way however late its polls run.
 */
const TICK_SLACK_MS = 1000;

interface Waiter {
  resolve: (job: Job) => void;
  reject: (err: unknown) => void;
}

/** A job as a DescribeJobs call listed it, and when (local and server clock). */
interface JobRead {
  job: Job;
  localMs: number;
  serverMs: number;
}

/** What the process knows of a job between polls (a retry may land on another worker: then it re-reads). */
interface WatchState {
  timeline: JobTimeline;
  nearTheEnd: boolean;
  logReadAtMs: number;
  /** Steps of this job already learned from (`<server> <step>`), so a span counts once. */
  learned: Set<string>;
}

/**
 * Now by the Temporal server's clock: when this attempt was scheduled plus the time it has run.
 * Ticks are aligned on it, so every worker agrees on them (a retry is scheduled exactly at its
 * tick). A server sets a retry's scheduled time to when it is due; the Java time-skipping test
 * server sets it to when the retry was decided (the previous attempt's end), which puts this a
 * whole poll delay behind: tests on it pass their server's clock to JobWatcher instead.
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
  /** Per client: durations (ms) of the last step of recent launch jobs and of recent other jobs. */
  private readonly lastSteps = new Map<DrsClient, StepSamples>();
  /** Per client, when each job was last asked about (local clock), oldest first. */
  private readonly asked = new Map<DrsClient, Map<string, number>>();
  /** Per client, the latest answer for each job (adaptive waits share them). */
  private readonly reads = new Map<DrsClient, Map<string, JobRead>>();

  /** `now`: the Temporal server's clock (serverNow) that ticks are aligned on and waits are aged by. */
  constructor(
    readonly policy: JobPollPolicy = ADAPTIVE_POLL,
    readonly now: () => number = serverNow,
  ) {}

  /**
   * The job as DescribeJobs lists it. Adaptive waits read it together with every other job asked
   * for in the same window, or take it from another poll's call of the last second.
   */
  describe(client: DrsClient, jobId: string): Promise<Job> {
    if (this.policy.kind !== 'adaptive') {
      // the baselines poll each job on its own, as these waits did before batching and most tools do
      return new Promise(
        (resolve, reject) => void this.send(client, new Map([[jobId, [{ resolve, reject }]]])),
      );
    }
    const serverMs = this.now();
    const others = this.noteAsked(client, jobId);
    const read = this.reads.get(client)?.get(jobId);
    if (
      read &&
      Date.now() - read.localMs <= SHARED_FRESH_MS &&
      Math.abs(serverMs - read.serverMs) <= SHARED_FRESH_MS
    ) {
      return Promise.resolve(read.job);
    }
    return new Promise((resolve, reject) => {
      let batch = this.batches.get(client);
      if (!batch) {
        batch = new Map();
        this.batches.set(client, batch);
        setTimeout(() => void this.flush(client, serverMs), others ? BATCH_WINDOW_MS : 0);
      }
      batch.set(jobId, [...(batch.get(jobId) ?? []), { resolve, reject }]);
    });
  }

  /** Notes the ask and forgets asks older than a minute; whether other jobs of the client were asked about lately. */
  private noteAsked(client: DrsClient, jobId: string): boolean {
    const asked = entryOf(this.asked, client, () => new Map<string, number>());
    const now = Date.now();
    asked.delete(jobId); // re-inserted last: the map stays ordered by last ask
    for (const [id, at] of asked) {
      if (now - at <= RECENT_MS) break;
      asked.delete(id);
      this.reads.get(client)?.delete(id);
    }
    asked.set(jobId, now);
    return asked.size > 1;
  }

  private async flush(client: DrsClient, serverMs: number): Promise<void> {
    const batch = this.batches.get(client);
    this.batches.delete(client);
    if (!batch) return;
    const reads = entryOf(this.reads, client, () => new Map());
    const ids = [...batch.keys(), ...this.othersWatched(client, batch)];
    await this.send(client, batch, ids, (job, localMs) =>
      reads.set(job.jobID ?? '', { job, localMs, serverMs }),
    );
  }

  /** One DescribeJobs per 1,000 of `ids` (the batch's, by default); each waiter gets its job. */
  private async send(
    client: DrsClient,
    batch: Map<string, Waiter[]>,
    ids = [...batch.keys()],
    onRead: (job: Job, localMs: number) => void = () => undefined,
  ): Promise<void> {
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_CALL) {
      const chunk = ids.slice(i, i + MAX_IDS_PER_CALL);
      try {
        const jobs = await listJobs(client, { jobIDs: chunk }, chunk.length);
        const localMs = Date.now();
        for (const job of jobs) onRead(job, localMs);
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

  /** The job as this process's DescribeJobs calls of the last minute last listed it (adaptive waits only). */
  lastSeen(client: DrsClient, jobId: string): Job | undefined {
    const read = this.reads.get(client)?.get(jobId);
    return read && this.now() - read.serverMs <= RECENT_MS + TICK_SLACK_MS ? read.job : undefined;
  }

  /** Jobs of the client asked about lately, not in this batch and not seen completed. */
  private othersWatched(client: DrsClient, batch: Map<string, Waiter[]>): string[] {
    const reads = this.reads.get(client);
    const ids: string[] = [];
    for (const id of this.asked.get(client)?.keys() ?? []) {
      if (!batch.has(id) && reads?.get(id)?.job.status !== 'COMPLETED') ids.push(id);
    }
    return ids;
  }

  /**
   * Whether this poll should read the job log to learn the servers' steps: only adaptive waits
   * use steps, only for launch jobs, and only until the end is near, at most once per far tick.
   */
  wantsSteps(client: DrsClient, job: Job): boolean {
    // a PENDING job has no steps yet: its log is read once it started
    if (this.policy.kind !== 'adaptive' || job.type !== 'LAUNCH' || job.status !== 'STARTED') return false;
    const state = this.watched.get(job.jobID ?? '');
    if (!state) return true;
    const now = this.now();
    return (
      !state.nearTheEnd &&
      now - state.logReadAtMs >= this.farMs() - TICK_SLACK_MS &&
      now >= this.launchingNotBefore(client, job, state.timeline) - MIN_DELAY_MS
    );
  }

  /**
   * Notes what the job log said (or that the job is done with: `undefined`). Each snapshot and
   * conversion that ended is learned at once, so jobs waited on at the same time predict from each
   * other (the first drills of a worker have no finished job to learn from).
   */
  noteSteps(client: DrsClient, jobId: string, timeline: JobTimeline | undefined): void {
    if (timeline === undefined) {
      this.watched.delete(jobId);
      return;
    }
    const learned = this.watched.get(jobId)?.learned ?? new Set<string>();
    this.learnSteps(client, timeline, learned);
    this.watched.set(jobId, {
      timeline,
      nearTheEnd: nearTheEnd(timeline),
      logReadAtMs: this.now(),
      learned,
    });
    // a wait that ended without its job completing (a deadline) leaves an entry: keep the newest
    if (this.watched.size > MAX_WATCHED) this.watched.delete(this.watched.keys().next().value ?? '');
  }

  /** The steps last read from the job's log in this process, if any. */
  knownSteps(jobId: string): JobTimeline | undefined {
    return this.watched.get(jobId)?.timeline;
  }

  /**
   * The timeline of a job that just completed: the one already read when it logged the job's end
   * or every server had launched (the log adds nothing but the end, which the job carries), else
   * undefined (read it).
   * Either way the job's last step is learned for the predictions.
   */
  endedSteps(job: Job): JobTimeline | undefined {
    const known = this.watched.get(job.jobID ?? '')?.timeline;
    if (!known) return undefined;
    const allLaunched = (job.participatingServers ?? []).every((p) => p.launchStatus === 'LAUNCHED');
    const complete = known.endedAfter !== undefined || (allLaunched && lastLaunchStart(known) !== undefined);
    return complete ? endTimeline(known, job.endDateTime) : undefined;
  }

  /** Learns how long the completed job's steps took (those not learned yet), from DRS's record. */
  learn(client: DrsClient, job: Job, timeline: JobTimeline | undefined): void {
    const samples = this.samplesOf(client);
    const created = Date.parse(job.creationDateTime ?? '');
    const ended = Date.parse(job.endDateTime ?? '');
    if (job.type === 'LAUNCH') {
      const start = timeline && lastLaunchStart(timeline);
      const end = timeline?.endedAfter;
      if (start !== undefined && end !== undefined) push(samples.launch, (end - start) * 1000);
      if (timeline)
        this.learnSteps(client, timeline, this.watched.get(job.jobID ?? '')?.learned ?? new Set());
    } else if (Number.isFinite(created) && Number.isFinite(ended)) {
      push(samples.other, ended - created);
    }
  }

  /** Learns each snapshot and conversion of `timeline` that ended and is not in `learned`. */
  private learnSteps(client: DrsClient, timeline: JobTimeline, learned: Set<string>): void {
    const samples = this.samplesOf(client);
    for (const server of timeline.servers) {
      for (const step of ['snapshot', 'conversion'] as const) {
        const span = server[step];
        const key = `${server.sourceServerId} ${step}`;
        if (span?.[1] === undefined || learned.has(key)) continue;
        learned.add(key);
        push(samples[step], (span[1] - span[0]) * 1000);
      }
    }
  }

  private samplesOf(client: DrsClient): StepSamples {
    return entryOf(this.lastSteps, client, () => ({ snapshot: [], conversion: [], launch: [], other: [] }));
  }

  /** Milliseconds until the next poll of a job that is not done. */
  nextPollDelayMs(client: DrsClient, job: Job): number {
    const { policy } = this;
    if (policy.kind === 'fixed') return policy.intervalMs;
    if (policy.kind === 'backoff') {
      return Math.min(5000 * 1.5 ** (Context.current().info.attempt - 1), 60_000);
    }
    const now = this.now();
    const state = this.watched.get(job.jobID ?? '');
    const near = job.type !== 'LAUNCH' || state?.nearTheEnd === true;
    if (!near) {
      // no server can be launching before this: nothing to ask DRS until then
      const quietMs = this.launchingNotBefore(client, job, state?.timeline) - now;
      const far = this.farMs();
      if (quietMs > far) return Math.min(quietMs, policy.farMaxMs);
      // a job PENDING for long is asked about once a minute, on its own time: ticks are for sharing calls
      return far > policy.farMs ? far : aligned(now, far);
    }
    const quietMs = this.quietUntil(client, job, state?.timeline) - now;
    if (quietMs > policy.nearMs) return Math.min(quietMs, this.farMs());
    return aligned(now, policy.nearMs);
  }

  /**
   * Before when (server clock) the job's slowest server is unlikely to reach its launch step: the
   * start of its current step plus 80% of the shortest snapshot and conversion seen; 0 when
   * nothing predicts it (no samples yet, a server still PENDING).
   */
  private launchingNotBefore(client: DrsClient, job: Job, timeline: JobTimeline | undefined): number {
    const samples = this.lastSteps.get(client);
    const created = Date.parse(job.creationDateTime ?? '');
    if (!samples || !timeline || !Number.isFinite(created)) return 0;
    const shortest = (xs: number[]) => (xs.length > 0 ? QUIET_SHARE * Math.min(...xs) : 0);
    let latest = 0;
    for (const server of timeline.servers) {
      const ahead =
        server.step === 'snapshot'
          ? { from: server.snapshot?.[0], ms: shortest(samples.snapshot) + shortest(samples.conversion) }
          : server.step === 'conversion'
            ? { from: server.conversion?.[0], ms: shortest(samples.conversion) }
            : undefined;
      if (ahead?.from !== undefined) latest = Math.max(latest, created + ahead.from * 1000 + ahead.ms);
    }
    return latest;
  }

  /** Until when (server clock) the job's last step is unlikely to end: 0 when nothing predicts it. */
  private quietUntil(client: DrsClient, job: Job, timeline: JobTimeline | undefined): number {
    const samples = this.lastSteps.get(client);
    const created = Date.parse(job.creationDateTime ?? '');
    if (!samples || !Number.isFinite(created)) return 0;
    const start = job.type === 'LAUNCH' ? timeline && lastLaunchStart(timeline) : 0;
    const seen = job.type === 'LAUNCH' ? samples.launch : samples.other;
    if (start === undefined || seen.length === 0) return 0;
    return created + start * 1000 + QUIET_SHARE * Math.min(...seen);
  }

  /**
   * The far interval grows with the wait: a job still PENDING after hours is asked about once a
   * minute. The wait's age is by the server's clock (since its first attempt was scheduled), so it
   * follows skipped time in tests.
   */
  private farMs(): number {
    if (this.policy.kind !== 'adaptive') return 0;
    const waitedMs = Math.max(0, this.now() - Context.current().info.scheduledTimestampMs);
    const ms = Math.min(this.policy.farMaxMs, Math.max(this.policy.farMs, waitedMs / 10));
    return Math.round(ms / this.policy.farMs) * this.policy.farMs;
  }
}

/** Milliseconds to the next multiple of `interval` (never closer than MIN_DELAY_MS). */
export function aligned(now: number, interval: number): number {
  const delay = interval - (now % interval);
  return delay < MIN_DELAY_MS ? delay + interval : delay;
}

/** Durations (ms) of recent jobs' steps: snapshot and conversion per server, a launch job's last launch step, other jobs whole. */
interface StepSamples {
  snapshot: number[];
  conversion: number[];
  launch: number[];
  other: number[];
}

function push(samples: number[], ms: number): void {
  if (!(ms > 0)) return;
  samples.push(ms);
  if (samples.length > SAMPLES) samples.shift();
}

/** The map's value for `key`, set from `init` the first time. */
function entryOf<K, V>(map: Map<K, V>, key: K, init: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = init()));
  return value;
}
