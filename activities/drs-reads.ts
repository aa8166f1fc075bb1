// Read-only DRS lookups shared by the activities: listings through the SDK's paginators, mapped to
// the small plain shapes the workflows receive (activity results go into workflow history, so
// they carry only what a workflow decides on).
import {
  paginateDescribeJobLogItems,
  paginateDescribeJobs,
  paginateDescribeRecoveryInstances,
  paginateDescribeSourceServers,
  type DescribeSourceServersRequestFilters,
  type DrsClient,
  type Job,
  type JobLog,
  type RecoveryInstance,
  type SourceServer,
} from '@aws-sdk/client-drs';
import { jobTimeline, type JobTimeline } from '../common/job-log';
import type { JobView } from '../common/types';
import { drsCall } from './errors';

/** What the product keeps of a DRS job (small: it goes into history); `timeline` when its log was read. */
export function toJobView(job: Job, timeline?: JobTimeline): JobView {
  return {
    jobId: job.jobID ?? '',
    type: job.type,
    initiatedBy: job.initiatedBy,
    status: job.status ?? 'PENDING',
    creationDateTime: job.creationDateTime,
    endDateTime: job.endDateTime,
    servers: (job.participatingServers ?? []).map((s) => ({
      sourceServerId: s.sourceServerID ?? '',
      launchStatus: s.launchStatus,
      recoveryInstanceId: s.recoveryInstanceID,
    })),
    tags: job.tags ?? {},
    ...(timeline ? { timeline } : {}),
  };
}

/** Every item of a paginated listing, as one classified DRS call (`operation` names it in errors). */
export function allItems<T>(operation: string, pages: () => AsyncIterable<{ items?: T[] }>): Promise<T[]> {
  return drsCall(operation, async () => {
    const items: T[] = [];
    for await (const page of pages()) items.push(...(page.items ?? []));
    return items;
  });
}

/** Jobs by filter; `pageSize` (up to 1,000) to read a known number of ids in one call. */
export function listJobs(
  client: DrsClient,
  filters: { jobIDs?: string[]; fromDate?: string },
  pageSize?: number,
): Promise<Job[]> {
  return allItems('DescribeJobs', () => paginateDescribeJobs({ client, pageSize }, { filters }));
}

export function listSourceServers(client: DrsClient, sourceServerIds: string[]): Promise<SourceServer[]> {
  return listAllSourceServers(client, { sourceServerIDs: sourceServerIds });
}

/** Every source server of the account and region, or those the filter names (DRS has no tag filter). */
export function listAllSourceServers(
  client: DrsClient,
  filters: DescribeSourceServersRequestFilters = {},
): Promise<SourceServer[]> {
  return allItems('DescribeSourceServers', () => paginateDescribeSourceServers({ client }, { filters }));
}

/**
 * Each source server's active (not COMPLETED) job; DRS allows one per server. Every job is listed,
 * with no date filter: a PENDING job may be old.
 */
export async function activeJobsByServer(client: DrsClient): Promise<Map<string, string>> {
  const activeJobs = new Map<string, string>();
  for (const job of await listJobs(client, {})) {
    if (job.status === 'COMPLETED') continue;
    for (const p of job.participatingServers ?? [])
      if (p.sourceServerID) activeJobs.set(p.sourceServerID, job.jobID ?? '');
  }
  return activeJobs;
}

export function listRecoveryInstances(
  client: DrsClient,
  sourceServerIds: string[],
): Promise<RecoveryInstance[]> {
  const filters = { sourceServerIDs: sourceServerIds };
  return allItems('DescribeRecoveryInstances', () =>
    paginateDescribeRecoveryInstances({ client }, { filters }),
  );
}

/** Every log item of a job, oldest first as DRS pages them. */
export function jobLogItems(client: DrsClient, jobId: string): Promise<JobLog[]> {
  return allItems('DescribeJobLogItems', () => paginateDescribeJobLogItems({ client }, { jobID: jobId }));
}

/** LAUNCH_FAILED / CONVERSION_FAIL / … messages of a job, per source server. */
export async function jobFailureMessages(client: DrsClient, jobId: string): Promise<Map<string, string[]>> {
  const byServer = new Map<string, string[]>();
  for (const item of await jobLogItems(client, jobId)) {
    const event = item.event ?? '';
    if (!/FAIL/.test(event)) continue;
    const serverId = item.eventData?.sourceServerID ?? '';
    const text = item.eventData?.rawError ? `${event}: ${item.eventData.rawError}` : event;
    byServer.set(serverId, [...(byServer.get(serverId) ?? []), text]);
  }
  return byServer;
}

/** A job's timeline from DRS's own record (its log and timestamps). */
export async function readJobTimeline(client: DrsClient, job: Job): Promise<JobTimeline | undefined> {
  if (!job.creationDateTime) return undefined;
  const servers = (job.participatingServers ?? []).map((p) => p.sourceServerID ?? '');
  return jobTimeline(
    job.creationDateTime,
    servers,
    await jobLogItems(client, job.jobID ?? ''),
    job.endDateTime,
  );
}

/** A DRS or MGN source server's replication state, lag and error, as the workflows see them. */
export function replicationInfo(
  info:
    | {
        dataReplicationState?: string;
        lagDuration?: string;
        dataReplicationError?: { error?: string; rawError?: string };
      }
    | undefined,
): { replicationState?: string; lagSeconds?: number; replicationError?: string } {
  const error = info?.dataReplicationError;
  return {
    replicationState: info?.dataReplicationState,
    lagSeconds: isoDurationSeconds(info?.lagDuration),
    replicationError: error ? [error.error, error.rawError].filter(Boolean).join(': ') : undefined,
  };
}

/** ISO-8601 duration (PT1H2M3.5S, P1DT2H) in seconds; undefined when absent or unparseable. */
export function isoDurationSeconds(duration: string | undefined): number | undefined {
  if (!duration) return undefined;
  const m =
    /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      duration,
    );
  if (!m) return undefined;
  const [, d, h, min, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  return d * 86400 + h * 3600 + min * 60 + s;
}
