// Exactly-once for DRS calls that are not idempotent (StartRecovery, TerminateRecoveryInstances).
// Before a retried attempt reissues one, it looks for the job its step may already have created:
// an earlier try created the job but lost the response, or its worker crashed mid-call. The window
// starts at the step's first attempt (a time the workflow records before scheduling it), widened by
// a margin for clock skew between the worker and DRS.
import type { DrsClient, Job } from '@aws-sdk/client-drs';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { JobSummary } from '../common/types';
import { listJobs, summarizeJob } from './drs-reads';
import { drsCall } from './errors';

/** Clock skew tolerated between the Temporal clock and DRS's job timestamps. */
export const CLOCK_SKEW_MS = 10 * 60 * 1000;

export const TAG_WORKFLOW_ID = 'temporal-drs:workflow-id';
export const TAG_STEP = 'temporal-drs:step';
/** The Temporal namespace of the run that launched the job: the reconciler cleans up its own namespace's only. */
export const TAG_NAMESPACE = 'temporal-drs:namespace';

/** What identifies the job a step started. */
export interface StepJobMatch {
  /** Job type and initiator as DRS records them (e.g. LAUNCH / START_DRILL). */
  type: string;
  initiatedBy: string;
  /** The step's first attempt was scheduled at this time (ms since epoch). */
  notBeforeMs: number;
  /** The job's participating source servers must be exactly these. */
  sourceServerIds?: string[];
  /** ...or it involves at least one of these recovery instances (instance ids are unique to the
   * launch that created them, so a terminate job touching one of them belongs to this cleanup; a
   * retried cleanup may find some of them already gone, so the exact set is unknown). */
  recoveryInstancesAmong?: string[];
  /** Jobs known to predate the step (e.g. each server's last launch seen in preflight). */
  excludeJobIds?: string[];
  /** When the step tags its jobs: the tags must match too (makes the match exact). */
  tags?: Record<string, string>;
}

export function stepTags(workflowId: string, step: string): Record<string, string> {
  return { [TAG_WORKFLOW_ID]: workflowId, [TAG_STEP]: step };
}

const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && new Set([...a, ...b]).size === a.length;

export function jobMatchesStep(job: Job, match: StepJobMatch): boolean {
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
 * Whether an earlier attempt of this activity may have created the step's job: on any attempt but
 * the first. Each step calls its activity once (a workflow replayed after a crash does not schedule
 * it again), so the first attempt is the step's first call and skips the lookup, a DescribeJobs
 * listing of every job since the step began.
 */
export function mayHaveRunBefore(): boolean {
  return Context.current().info.attempt > 1;
}

/** The job this step already created, if any (the newest when several match). */
export async function findStepJob(client: DrsClient, match: StepJobMatch): Promise<Job | undefined> {
  const fromDate = new Date(match.notBeforeMs - CLOCK_SKEW_MS).toISOString();
  const jobs = await listJobs(client, { fromDate });
  return jobs
    .filter((job) => jobMatchesStep(job, match))
    .sort((a, b) => Date.parse(b.creationDateTime ?? '') - Date.parse(a.creationDateTime ?? ''))[0];
}

/**
 * A launch step's job, exactly once: the job an earlier attempt of the step created, else the one
 * `start` (StartRecovery, StartFailbackLaunch) creates now; a response without a job is a DRS fault.
 */
export async function startStepJobOnce(
  client: DrsClient,
  match: StepJobMatch,
  operation: string,
  start: () => Promise<{ job?: Job }>,
): Promise<JobSummary> {
  const existing = mayHaveRunBefore() ? await findStepJob(client, match) : undefined;
  if (existing) {
    log.info(`${operation}: job ${existing.jobID} was created by an earlier attempt of this step`, {
      jobId: existing.jobID,
    });
    return summarizeJob(existing);
  }
  const { job } = await drsCall(operation, start).catch(async (err: unknown) => {
    if (!isConflict(err)) throw err;
    // An attempt of this step that overlaps this one (its worker was taken for dead after a missed
    // heartbeat, but was not) created the job since the lookup, and DRS refuses a second job for
    // its servers: that job is the step's, if its tags say so. Untagged, it may as well be another
    // team's drill of the same servers, whose instances our cleanup would then terminate.
    if (!match.tags)
      throw ApplicationFailure.nonRetryable(
        `${(err as Error).message} (with tagJobs false the job holding these servers cannot be told apart from another run's, so it is not adopted; retry once it has ended)`,
        'ConflictException',
      );
    const created = await findStepJob(client, match);
    if (created) return { job: created };
    throw err;
  });
  if (!job?.jobID)
    throw ApplicationFailure.create({
      message: `${operation}: response has no job`,
      type: 'InternalServerException',
    });
  log.info(`${operation} created job ${job.jobID}`, { jobId: job.jobID });
  return summarizeJob(job);
}
