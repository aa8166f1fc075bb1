// Exactly-once for DRS calls that are not idempotent (StartRecovery, TerminateRecoveryInstances).
// Before a retried attempt reissues one, it looks for the job its stage may already have created:
// an earlier try created the job but lost the response, or its worker crashed mid-call. The window
// starts at the stage's first attempt (a time the workflow records before scheduling it), widened by
// a margin for clock skew between the worker and DRS.
// A stage is one call a workflow makes to act once (a launch, a cleanup, a guest check), named in
// the job's tags; `step` means a DRS job log's step (snapshot, conversion, launch) only.
import type { DrsClient, Job } from '@aws-sdk/client-drs';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { JobView } from '../common/types';
import { listJobs, toJobView } from './drs-reads';
import { drsCall } from './errors';

/** Clock skew tolerated between the Temporal clock and DRS's job timestamps. */
export const CLOCK_SKEW_MS = 10 * 60 * 1000;

export const TAG_WORKFLOW_ID = 'temporal-drs:workflow-id';
/** The tag keeps its first name: jobs already tagged with it are found by it. */
export const TAG_STAGE = 'temporal-drs:step';
/** The Temporal namespace of the run that launched the job: the reconciler cleans up its own namespace's only. */
export const TAG_NAMESPACE = 'temporal-drs:namespace';

/** The fields that make a stage's job start idempotent: the run, its stage, and the job's tags. */
export interface StageStart {
  workflowId: string;
  /** Names the stage in the job's tags (e.g. `launch`); `step` on the wire, as recorded inputs say. */
  step: string;
  tagJobs: boolean;
  /** The workflow's time just before the stage's first attempt (ms since epoch). */
  notBeforeMs: number;
}

/** What identifies the job a stage started. */
export interface StageJobMatch {
  /** Job type and initiator as DRS records them (e.g. LAUNCH / START_DRILL). */
  type: string;
  initiatedBy: string;
  /** The stage's first attempt was scheduled at this time (ms since epoch). */
  notBeforeMs: number;
  /** The job's participating source servers must be exactly these. */
  sourceServerIds?: string[];
  /** ...or it involves at least one of these recovery instances (instance ids are unique to the
   * launch that created them, so a terminate job touching one of them belongs to this cleanup; a
   * retried cleanup may find some of them already gone, so the exact set is unknown). */
  recoveryInstancesAmong?: string[];
  /** Jobs known to predate the stage (e.g. each server's last launch seen in preflight). */
  excludeJobIds?: string[];
  /** When the stage tags its jobs: the tags must match too (makes the match exact). */
  tags?: Record<string, string>;
}

export function stageTags(workflowId: string, stage: string): Record<string, string> {
  return { [TAG_WORKFLOW_ID]: workflowId, [TAG_STAGE]: stage };
}

const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && new Set([...a, ...b]).size === a.length;

export function jobMatchesStage(job: Job, match: StageJobMatch): boolean {
  if (job.type !== match.type || job.initiatedBy !== match.initiatedBy) return false;
  if (match.excludeJobIds?.includes(job.jobID ?? '')) return false;
  const created = Date.parse(job.creationDateTime ?? '');
  if (!(created >= match.notBeforeMs - CLOCK_SKEW_MS)) return false;
  const participants = job.participatingServers ?? [];
  if (match.sourceServerIds) {
    const ids = participants.map((p) => p.sourceServerID ?? '');
    if (!sameSet(ids, match.sourceServerIds)) return false;
  }
  if (match.recoveryInstancesAmong) {
    const ours = new Set(match.recoveryInstancesAmong);
    if (!participants.some((p) => ours.has(p.recoveryInstanceID ?? ''))) return false;
  }
  if (match.tags) {
    for (const [key, value] of Object.entries(match.tags)) if (job.tags?.[key] !== value) return false;
  }
  return true;
}

const isConflict = (err: unknown) => err instanceof ApplicationFailure && err.type === 'ConflictException';

/**
 * Whether an earlier attempt of this activity may have created the stage's job: on any attempt but
 * the first. Each stage calls its activity once (a workflow replayed after a crash does not schedule
 * it again), so the first attempt is the stage's first call and skips the lookup, a DescribeJobs
 * listing of every job since the stage began.
 */
export function mayHaveRunBefore(): boolean {
  return Context.current().info.attempt > 1;
}

/** The job this stage already created, if any (the newest when several match). */
export async function findStageJob(client: DrsClient, match: StageJobMatch): Promise<Job | undefined> {
  const fromDate = new Date(match.notBeforeMs - CLOCK_SKEW_MS).toISOString();
  const jobs = await listJobs(client, { fromDate });
  return jobs
    .filter((job) => jobMatchesStage(job, match))
    .sort((a, b) => Date.parse(b.creationDateTime ?? '') - Date.parse(a.creationDateTime ?? ''))[0];
}

/**
 * A launch stage's job, exactly once: the job an earlier attempt of the stage created, else the one
 * `start` (StartRecovery, StartFailbackLaunch) creates now; a response without a job is a DRS fault.
 */
export async function startStageJobOnce(
  client: DrsClient,
  match: StageJobMatch,
  operation: string,
  start: () => Promise<{ job?: Job }>,
): Promise<JobView> {
  const existing = mayHaveRunBefore() ? await findStageJob(client, match) : undefined;
  if (existing) {
    log.info(`${operation}: job ${existing.jobID} was created by an earlier attempt of this stage`, {
      jobId: existing.jobID,
    });
    return toJobView(existing);
  }
  const { job } = await drsCall(operation, start).catch(async (err: unknown) => {
    if (!isConflict(err)) throw err;
    // An attempt of this stage that overlaps this one (its worker was taken for dead after a missed
    // heartbeat, but was not) created the job since the lookup, and DRS refuses a second job for
    // its servers: that job is the stage's, if its tags say so. Untagged, it may as well be another
    // team's drill of the same servers, whose instances our cleanup would then terminate.
    if (!match.tags)
      throw ApplicationFailure.nonRetryable(
        `${(err as Error).message} (with tagJobs false the job holding these servers cannot be told apart from another run's, so it is not adopted; retry once it has ended)`,
        'ConflictException',
      );
    const created = await findStageJob(client, match);
    if (created) return { job: created };
    throw err;
  });
  if (!job?.jobID)
    throw ApplicationFailure.create({
      message: `${operation}: response has no job`,
      type: 'InternalServerException',
    });
  log.info(`${operation} created job ${job.jobID}`, { jobId: job.jobID });
  return toJobView(job);
}
