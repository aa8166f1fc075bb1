// The one lifecycle of a DRS job, shared by drsDrill (launch and cleanup), drsRecovery and
// drsFailback: take a place in the account's capacity queue, create the job exactly once, follow it
// to COMPLETED, give the place back, and read why any server did not launch. Instances are resolved
// by the caller (`resolveInstances`), since what counts as "ours" differs between drill and recovery.
import { CancellationScope, patched } from '@temporalio/workflow';
import type { DrillInstance, DrsTarget, JobSummary } from '../common/types';
import { summarizedActivities } from './activity-summaries';
import { MIN_JOB_START_MS } from './activity-timeouts';
import type { CapacityAsk, CapacityWaiter } from './capacity';
import { followJob, untilDeadline } from './job-waits';
import { DRS_CALL_OPTIONS, drsActivities, pollingActivities, type PhaseClock } from './operation-support';
import { PATCHES } from './patches';

type ActivityProxy = typeof drsActivities;

/** DRS may list a LAUNCHED server's recovery instance a little later. */
const INSTANCE_LISTING_GRACE_MS = 10 * 60 * 1000;

/** A DRS job to run: its capacity place (CapacityAsk; its deadline also ends following the job) and how to start it. */
export interface JobSpec extends CapacityAsk {
  capacity: CapacityWaiter;
  /** The place was granted (or no queue is used): the job is about to be created. */
  onGranted?: () => void;
  /**
   * Creates the job exactly once (an idempotent activity called through `calls`, whose retries
   * last until the deadline: a full job quota is waited out); undefined when there was nothing to do.
   */
  start: (notBeforeMs: number, calls: ActivityProxy) => Promise<JobSummary | undefined>;
  /** Every job state seen, the first right after the start. */
  onJob?: (job: JobSummary) => void;
  /** False for jobs that launch nothing (a terminate job): no per-server launch failures are read. */
  launches?: boolean;
  /**
   * Keep following the job when the run is cancelled (DRS cannot cancel a job, and a drill's
   * cleanup needs it ended); otherwise a cancellation stops the wait.
   */
  followThroughCancellation?: boolean;
  /**
   * Keep the place once the job completes, for the run's next job to take over (`takesOver`):
   * JobRun.place names it, and JobRun.release still gives it back.
   */
  keepPlace?: boolean;
  /** A place this run kept (JobRun.place) that this job takes over instead of queueing. */
  takesOver?: string;
}

export interface JobRun {
  /** The job's last state; undefined when `start` had nothing to do. */
  job?: JobSummary;
  /** Following the job failed (its deadline passed): the job may still be running. */
  error?: unknown;
  /** Failure log lines per server that did not launch. */
  failures: Record<string, string[]>;
  /** Gives the capacity place back; done already when the job completed (unless kept). */
  release(): Promise<void>;
  /** The place kept for the run's next job (`keepPlace`). */
  place?: string;
}

/** Runs one DRS job start to end; undefined when an abort came while it waited for capacity. */
export async function runJob(spec: JobSpec): Promise<JobRun | undefined> {
  let requestId: string | undefined;
  if (patched(PATCHES.capacityQueue.id)) {
    requestId =
      spec.takesOver !== undefined
        ? await spec.capacity.handOver(spec.takesOver, spec)
        : await spec.capacity.acquire(spec);
    if (requestId === undefined) return undefined;
  }
  const release = () => (requestId ? spec.capacity.release(requestId) : Promise.resolve());
  const place = spec.keepPlace ? requestId : undefined;
  spec.onGranted?.();
  let job: JobSummary | undefined;
  try {
    // Non-cancellable: once the call is sent DRS may have created the job, and the run needs its id.
    // A long wait for capacity must not leave the start too little time to find a job it created.
    const calls = summarizedActivities({
      ...DRS_CALL_OPTIONS,
      scheduleToCloseTimeout: Math.max(spec.deadlineMs - Date.now(), MIN_JOB_START_MS),
    });
    job = await CancellationScope.nonCancellable(() => spec.start(Date.now(), calls));
  } catch (err) {
    await release();
    throw err;
  }
  if (!job) {
    await release();
    return { failures: {}, release };
  }
  spec.onJob?.(job);
  const jobId = job.jobId;
  const created = job;
  const follow = () =>
    followJob(spec.target, jobId, spec.deadlineMs, (j) => spec.onJob?.((job = j)), created);
  try {
    job = await (spec.followThroughCancellation ? CancellationScope.nonCancellable(follow) : follow());
  } catch (err) {
    // cancelled: the run is ending, so the place goes back; a deadline: the job may still be
    // running and holds its place until the caller is done with it
    if (CancellationScope.current().consideredCancelled) await release();
    return { job, error: err, failures: {}, release, place };
  }
  if (!place) await release();
  // a cancelled run reads no failure log: it only cleans up now
  const readFailures = spec.launches !== false && !CancellationScope.current().consideredCancelled;
  const failed = readFailures ? job.servers.filter((s) => s.launchStatus !== 'LAUNCHED') : [];
  let logged: Record<string, string[]> = {};
  let error: unknown;
  try {
    if (failed.length > 0)
      logged = await drsActivities.describeJobFailures({ ...spec.target, jobId: job.jobId });
  } catch (err) {
    error = err;
  }
  // a server the job log says nothing about still gets its launch status as the reason
  const failures = Object.fromEntries(
    failed.map((s) => [
      s.sourceServerId,
      logged[s.sourceServerId]?.length
        ? logged[s.sourceServerId]
        : [`launch ended ${s.launchStatus ?? 'without a status'}`],
    ]),
  );
  return { job, failures, release, place, ...(error === undefined ? {} : { error }) };
}

/** A job's wait for capacity shows as its own phase; once granted the run is back in `back`. */
export function capacityPhases<P extends string>(phases: PhaseClock<P>, waiting: P, back: P) {
  return {
    onWait: () => phases.enter(waiting),
    onGranted: () => {
      if (phases.phase === waiting) phases.enter(back);
    },
  };
}

/**
 * The instances a launch job created for `launchedServerIds`, waiting (retry-as-poll) while DRS has
 * not listed them yet: drill instances for a drill, recovery instances for a failover.
 */
export function resolveInstances(
  target: DrsTarget,
  kind: 'drill' | 'recovery',
  ids: { launchJobId: string; sourceServerIds: string[]; launchedServerIds: string[] },
): Promise<DrillInstance[]> {
  return untilDeadline(
    'recovery instances not listed',
    Date.now() + INSTANCE_LISTING_GRACE_MS,
    (remainingMs) => {
      const calls = pollingActivities(remainingMs);
      const input = { ...target, ...ids };
      return kind === 'drill' ? calls.resolveDrillInstances(input) : calls.resolveRecoveryInstances(input);
    },
  );
}
