// The one lifecycle of a DRS job, and the launch operations built on it. `runJob` takes a place in
// the account's capacity queue, creates the job exactly once, follows it to COMPLETED, gives the
// place back and reads why any server did not launch: drill, failover, failback and reconcile run
// their jobs through it (`terminateJob` is the shape of a terminate job, `cleanupGoAhead` its bounded
// wait for a place). `resolveInstances` finds the instances a launch job created. drsDrill and
// drsRecovery run through `runLaunchOperation` and launch with `launchServers` and
// `resolveLaunchedInstances` (what counts as "ours" differs between drill and failover); a drill
// cleans up with `cleanUpDrill` (and `cleanUpFailedStart` when its start gave up).
import { CancellationScope, patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { StageStart } from '../activities/idempotency';
import type { StartLaunchJobInput } from '../activities/jobs';
import type { DrillSpec } from '../common/inputs';
import { serverSearchAttributes } from '../common/search-attributes';
import type { DrillInstance, DrsTarget, JobView, LaunchReport } from '../common/types';
import { summarizedActivities } from './activity-summaries';
import { MIN_JOB_START_MS } from './activity-timeouts';
import type { CapacityAsk, CapacityWaiter } from './capacity-waiter';
import type { DrillRecord } from './drill-record';
import { followJob, untilDeadline } from './job-waits';
import type { LaunchRecord, LaunchSpec } from './launch-record';
import { notifyingEnd } from './notifications';
import {
  DRS_CALL_OPTIONS,
  drsActivities,
  errorMessage,
  pollingActivities,
  releasingCapacity,
  targetOf,
} from './operation-support';
import { type PhaseClock } from './operation-record';
import { acceptOperatorMessages, type OperatorActions } from './operator-messages';
import { PATCHES } from './patches';

type ActivityProxy = typeof drsActivities;

/** DRS may list a LAUNCHED server's recovery instance a little later. */
const INSTANCE_LISTING_GRACE_MS = 10 * 60 * 1000;

/** A DRS job to run: its capacity place (CapacityAsk; its deadline also ends following the job) and how to start it. */
interface JobSpec extends CapacityAsk {
  capacity: CapacityWaiter;
  /** The place was granted (or no queue is used): the job is about to be created. */
  onGranted?: () => void;
  /**
   * Creates the job exactly once (an idempotent activity called through `calls`, whose retries
   * last until the deadline: a full job quota is waited out); undefined when there was nothing to do.
   */
  start: (notBeforeMs: number, calls: ActivityProxy) => Promise<JobView | undefined>;
  /** Every job state seen, the first right after the start. */
  onJob?: (job: JobView) => void;
  /** False for jobs that launch nothing (a terminate job): no per-server launch failures are read. */
  launches?: boolean;
  /**
   * Keep following the job when the run is cancelled (DRS cannot cancel a job, and a drill's
   * cleanup needs it ended); otherwise a cancellation stops the wait.
   */
  followThroughCancellation?: boolean;
  /**
   * Keep the place once the job completes, for the run's next job to take over (`takesOver`):
   * JobRun.keptRequestId names it, and JobRun.release still gives it back.
   */
  keepPlace?: boolean;
  /** A place this run kept (JobRun.keptRequestId) that this job takes over instead of queueing. */
  takesOver?: string;
}

export interface JobRun {
  /** The job's last state; undefined when `start` had nothing to do. */
  job?: JobView;
  /** Following the job failed (its deadline passed): the job may still be running. */
  error?: unknown;
  /** Failure log lines per server that did not launch. */
  failures: Record<string, string[]>;
  /** Gives the capacity place back; done already when the job completed (unless kept). */
  release(): Promise<void>;
  /** The request id of the place kept for the run's next job (`keepPlace`). */
  keptRequestId?: string;
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
  const keptRequestId = spec.keepPlace ? requestId : undefined;
  spec.onGranted?.();
  let job: JobView | undefined;
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
    return { job, error: err, failures: {}, release, keptRequestId };
  }
  if (!keptRequestId) await release();
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
  return { job, failures, release, keptRequestId, ...(error === undefined ? {} : { error }) };
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
 * The capacity side of a run's launch job: a place in the launch lane of the run's queue, the wait
 * shown as its own phase (then back to `launching`), and an abort ends the wait.
 */
export function launchPlace<P extends string>(record: {
  phases: PhaseClock<P | 'waiting-for-capacity' | 'launching'>;
  capacity: CapacityWaiter;
  abortReason?: string;
}) {
  return {
    ...capacityPhases(record.phases, 'waiting-for-capacity', 'launching'),
    lane: 'launch' as const,
    capacity: record.capacity,
    aborted: () => record.abortReason !== undefined,
  };
}

/** What makes this run's start of a stage's job idempotent (activities/idempotency.ts). */
export function stageStart(
  record: { workflowId: string },
  step: string,
  tagJobs: boolean,
  notBeforeMs: number,
): StageStart {
  return { workflowId: record.workflowId, step, tagJobs, notBeforeMs };
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

/**
 * Runs a drill or failover once its input is valid: the record starts, operator messages are
 * accepted, the servers go into the search attributes, and the end is notified (webhooks,
 * evidence) with what the run knew; every capacity place goes back however the run ends.
 */
export function runLaunchOperation<Report extends LaunchReport & { operation: 'drill' | 'recovery' }>(
  operation: Report['operation'],
  spec: LaunchSpec,
  record: LaunchRecord<Report>,
  actions: OperatorActions,
  run: () => Promise<Report>,
  cancelledReport?: () => Report | undefined,
): Promise<Report> {
  record.start(spec);
  acceptOperatorMessages(operation === 'drill' ? 'drsDrill' : 'drsRecovery', actions);
  upsertSearchAttributes(serverSearchAttributes(operation, spec.sourceServerIds));
  return notifyingEnd(operation, () => releasingCapacity(record.capacity, run), {
    ...(cancelledReport ? { cancelledReport } : {}),
    soFar: () => record.soFar(),
  });
}

/**
 * How long a cleanup waits for a capacity place before it starts its terminate job regardless (at
 * most half its deadline): the job frees capacity, and DRS itself refuses it while its quota is full
 * (the start then retries until the deadline).
 */
const CLEANUP_GO_AHEAD_MS = 15 * 60 * 1000;

/**
 * A terminate job frees capacity, so a stuck or full queue must not keep instances running: the job
 * goes ahead without a place after CLEANUP_GO_AHEAD_MS, or half of `timeoutMs` if that is shorter.
 */
export function cleanupGoAhead(
  timeoutMs: number,
  onGoAhead: (waitedMs: number) => void,
): Pick<JobSpec, 'goAhead'> {
  return { goAhead: { afterMs: Math.min(CLEANUP_GO_AHEAD_MS, timeoutMs / 2), onGoAhead } };
}

/**
 * The runJob shape of a terminate job (a drill's cleanup, a failback retiring its DR-region
 * instances): a place in the cleanup lane, served before launches; `start` creates the job exactly
 * once and gives its id, undefined when there was nothing left to terminate.
 */
export function terminateJob(
  start: (notBeforeMs: number, calls: ActivityProxy) => Promise<string | undefined>,
): Pick<JobSpec, 'lane' | 'start' | 'launches'> {
  return {
    lane: 'cleanup',
    launches: false,
    start: async (notBeforeMs, calls) => {
      const jobId = await start(notBeforeMs, calls);
      return jobId ? { jobId, type: 'TERMINATE', status: 'PENDING', servers: [], tags: {} } : undefined;
    },
  };
}

/**
 * Launches the spec's servers once through runJob: a drill (StartRecovery isDrill) or a real
 * failover, as `start` calls it. The record follows the job; the time to launch counts from the
 * request. Undefined when an abort came while waiting for capacity.
 */
export function launchServers(
  record: LaunchRecord,
  spec: LaunchSpec & { launchTimeoutSeconds: number; tagJobs: boolean },
  kind: 'drill' | 'recovery',
  start: (request: StartLaunchJobInput, calls: typeof drsActivities) => Promise<JobView>,
  options: Pick<JobSpec, 'followThroughCancellation' | 'keepPlace' | 'preempt'> = {},
): Promise<JobRun | undefined> {
  const step = kind === 'drill' ? 'launch' : 'recovery-launch';
  return runJob({
    ...launchPlace(record),
    target: targetOf(spec),
    step,
    sourceServerIds: spec.sourceServerIds,
    // failover first: a real failover is served before every drill waiting for capacity
    ...(kind === 'recovery' ? { priority: 'failover' as const } : {}),
    purpose: `${kind} launch of ${spec.sourceServerIds.length} server(s)`,
    deadlineMs: Date.now() + spec.launchTimeoutSeconds * 1000,
    start: (notBeforeMs, calls) => {
      record.launchRequestedAtMs = notBeforeMs;
      const request = {
        ...targetOf(spec),
        sourceServers: spec.sourceServerIds.map((id) => ({
          sourceServerId: id,
          recoverySnapshotId: spec.recoverySnapshotIds[id],
        })),
        ...stageStart(record, step, spec.tagJobs, notBeforeMs),
      };
      return start(request, calls);
    },
    onJob: (job) => record.noteLaunchJob(job),
    ...options,
  });
}

/**
 * Notes why servers did not launch, then resolves and notes the launched servers' instances (DRS
 * may list them late); undefined, resolving nothing, when none launched or `skip()` says so.
 */
export async function resolveLaunchedInstances(
  record: LaunchRecord,
  spec: LaunchSpec,
  kind: 'drill' | 'recovery',
  launch: JobRun,
  skip: () => boolean = () => false,
): Promise<DrillInstance[] | undefined> {
  for (const [sourceServerId, lines] of Object.entries(launch.failures))
    record.serverError(sourceServerId, lines.join('; '));
  const launchedServerIds = record.launchedServerIds();
  if (launchedServerIds.length === 0 || skip()) return undefined;
  const instances = await resolveInstances(targetOf(spec), kind, {
    launchJobId: launch.job?.jobId ?? '',
    sourceServerIds: spec.sourceServerIds,
    launchedServerIds,
  });
  record.noteInstances(instances);
  return instances;
}

/**
 * Terminates exactly this drill's instances (isDrill, launched by this drill's job) and waits for
 * the terminate job. DRS cannot cancel a job, so a launch still running is followed to its end
 * first: instances it launches after an abort are cleaned up too.
 */
export async function cleanUpDrill(spec: DrillSpec, record: DrillRecord, launch: JobRun): Promise<void> {
  const launchJob = record.launchJob;
  if (!launchJob) return;
  record.enterPhase('cleaning-up');
  const deadline = Date.now() + spec.cleanupTimeoutSeconds * 1000;
  const calls = summarizedActivities({
    ...DRS_CALL_OPTIONS,
    scheduleToCloseTimeout: spec.cleanupTimeoutSeconds * 1000,
  });
  const drill = { ...targetOf(spec), launchJobId: launchJob.jobId, sourceServerIds: spec.sourceServerIds };
  try {
    if (launchJob.status !== 'COMPLETED')
      await followJob(targetOf(spec), launchJob.jobId, deadline, (j) => record.noteLaunchJob(j));
    if (!launch.keptRequestId) await launch.release();
    const withInstances = [...record.servers.values()].filter((s) => s.recoveryInstanceId);
    const knownRecoveryInstanceIds = withInstances.flatMap((s) => s.recoveryInstanceId ?? []);
    const cleanup = await runJob({
      ...capacityPhases(record.phases, 'waiting-for-capacity', 'cleaning-up'),
      target: targetOf(spec),
      step: 'cleanup',
      sourceServerIds: (withInstances.length > 0 ? withInstances : [...record.servers.values()]).map(
        (s) => s.sourceServerId,
      ),
      purpose: `drill cleanup of ${spec.sourceServerIds.length} server(s)`,
      deadlineMs: deadline,
      capacity: record.capacity,
      takesOver: launch.keptRequestId,
      ...(patched(PATCHES.cleanupGoAhead.id)
        ? cleanupGoAhead(spec.cleanupTimeoutSeconds * 1000, (waitedMs) => {
            record.cleanupWentAhead = `cleanup went ahead without a capacity place after ${Math.round(waitedMs / 1000)} s`;
          })
        : {}),
      ...terminateJob(async (notBeforeMs, startCalls) => {
        const terminate = await startCalls.terminateDrillInstances({
          ...drill,
          knownRecoveryInstanceIds,
          notBeforeMs,
        });
        record.terminateJobId = terminate.jobId;
        return terminate.jobId;
      }),
      onJob: (j) => record.noteTerminateJob(j),
    });
    if (cleanup?.error) throw cleanup.error;
    const remaining = await calls.remainingDrillInstances(drill);
    for (const server of record.servers.values()) {
      if (server.recoveryInstanceId)
        server.terminated = !remaining.some((i) => i.sourceServerId === server.sourceServerId);
    }
    if (remaining.length > 0) {
      record.errors.push(
        `cleanup left drill instances running: ${remaining.map((i) => i.recoveryInstanceId).join(', ')}`,
      );
    }
  } catch (err) {
    record.errors.push(`cleanup failed: ${errorMessage(err)}`);
  }
}

/**
 * The start gave up, but DRS may have created the job (a lost response): look for it and clean it
 * up, or its drill instances would run on with no run left to end them.
 */
export async function cleanUpFailedStart(
  spec: DrillSpec,
  record: DrillRecord,
  request: StartLaunchJobInput,
  err: unknown,
): Promise<void> {
  if (!patched(PATCHES.failedStartLookup.id)) return;
  await CancellationScope.nonCancellable(async () => {
    let job: JobView | undefined;
    try {
      job = await drsActivities.findDrillLaunchJob(request);
    } catch (lookupErr) {
      // the start's own failure stays the drill's; this one is only noted
      record.errors.push(
        `could not look for a job the failed start may have created: ${errorMessage(lookupErr)}`,
      );
      return;
    }
    if (!job) return;
    record.errors.push(`the launch start failed (${errorMessage(err)}) after creating job ${job.jobId}`);
    record.noteLaunchJob(job);
    await cleanUpDrill(spec, record, { job, failures: {}, release: () => Promise.resolve() });
  });
}
