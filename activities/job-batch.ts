// DescribeJobs shared by every job wait of one worker process: every job being waited on in the
// same account and region is read by ONE call (the jobIDs filter) per tick, however many runs
// wait; each call also reads every other job of that client asked about lately, and its answer
// serves their polls for a second, so waits whose ticks differ still share calls.
import type { DrsClient, Job } from '@aws-sdk/client-drs';
import { listJobs } from './drs-reads';
import { TICK_SLACK_MS } from './server-clock';

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

/** One job read on its own, by a call of its own. */
export async function describeJob(client: DrsClient, jobId: string): Promise<Job> {
  const [job] = await listJobs(client, { jobIDs: [jobId] }, 1);
  if (!job) throw notFound(jobId);
  return job;
}

const notFound = (jobId: string) => new Error(`DescribeJobs: job ${jobId} not found`);

export class JobBatch {
  private readonly batches = new Map<DrsClient, Map<string, Waiter[]>>();
  /** Per client, when each job was last asked about (local clock), oldest first. */
  private readonly asked = new Map<DrsClient, Map<string, number>>();
  /** Per client, the latest answer for each job (waits share them). */
  private readonly reads = new Map<DrsClient, Map<string, JobRead>>();

  /** `now`: the Temporal server's clock (server-clock.ts), which a shared answer must be young by too. */
  constructor(private readonly now: () => number) {}

  /**
   * The job as DescribeJobs lists it, read together with every other job asked for in the same
   * window, or taken from another poll's call of the last second.
   */
  describe(client: DrsClient, jobId: string): Promise<Job> {
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

  /** The job as this process's DescribeJobs calls of the last minute last listed it. */
  lastSeen(client: DrsClient, jobId: string): Job | undefined {
    const read = this.reads.get(client)?.get(jobId);
    return read && this.now() - read.serverMs <= RECENT_MS + TICK_SLACK_MS ? read.job : undefined;
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

  /** One DescribeJobs per 1,000 ids of the batch and of the others watched; each waiter gets its job. */
  private async flush(client: DrsClient, serverMs: number): Promise<void> {
    const batch = this.batches.get(client);
    this.batches.delete(client);
    if (!batch) return;
    const reads = entryOf(this.reads, client, () => new Map<string, JobRead>());
    const ids = [...batch.keys(), ...this.othersWatched(client, batch)];
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_CALL) {
      const chunk = ids.slice(i, i + MAX_IDS_PER_CALL);
      try {
        const jobs = await listJobs(client, { jobIDs: chunk }, chunk.length);
        const localMs = Date.now();
        for (const job of jobs) reads.set(job.jobID ?? '', { job, localMs, serverMs });
        const byId = new Map(jobs.map((j) => [j.jobID ?? '', j]));
        for (const id of chunk) {
          const job = byId.get(id);
          for (const w of batch.get(id) ?? []) {
            if (job) w.resolve(job);
            else w.reject(notFound(id));
          }
        }
      } catch (err) {
        for (const id of chunk) for (const w of batch.get(id) ?? []) w.reject(err);
      }
    }
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
}

/** The map's value for `key`, set from `init` the first time. */
export function entryOf<K, V>(map: Map<K, V>, key: K, init: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = init()));
  return value;
}
