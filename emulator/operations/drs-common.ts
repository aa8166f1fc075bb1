// Lookups, checks, list arguments and list pages shared by the DRS operation files.
import { drsErrors } from '../errors';
import type { JobRecord, Partition, RecoveryInstanceRecord, SourceServerRecord } from '../model';
import { paginate } from '../pagination';
import { RECOVERY_INSTANCE_ID, SOURCE_SERVER_ID } from '../random';
import { RequestReader, type Body } from '../validation';
import { ok, type CallContext, type OperationResult } from './context';

/** Items on a page when the request sets no maxResults (an operation may set its own). */
const DEFAULT_PAGE = 1000;

/** The model's ISO8601DatetimeString: UTC (Z) only. */
const ISO_DATE_TIME =
  /[1-9][0-9]*-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([0-1][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?Z/;

export function sourceServer(partition: Partition, id: string): SourceServerRecord {
  const server = partition.servers.get(id);
  if (!server) throw drsErrors.notFound(`Source server ${id} not found`, id, 'SOURCE_SERVER');
  return server;
}

export function recoveryInstance(partition: Partition, id: string): RecoveryInstanceRecord {
  const instance = partition.recoveryInstances.get(id);
  if (!instance) throw drsErrors.notFound(`Recovery instance ${id} not found`, id, 'RECOVERY_INSTANCE');
  return instance;
}

export function activeJobOf(partition: Partition, sourceServerID: string): JobRecord | undefined {
  for (const job of partition.activeJobs) {
    if (job.participants.some((p) => p.sourceServerID === sourceServerID)) return job;
  }
  return undefined;
}

export function hasRecoveryInstance(partition: Partition, server: SourceServerRecord): boolean {
  if (server.recoveryInstanceId) return true;
  for (const r of partition.recoveryInstances.values()) if (r.sourceServerID === server.id) return true;
  return false;
}

export function requireNotBusy(partition: Partition, server: SourceServerRecord): void {
  const job = activeJobOf(partition, server.id);
  if (job) {
    throw drsErrors.conflict(
      `Source server ${server.id} is participating in active job ${job.id}`,
      server.id,
      'SOURCE_SERVER',
    );
  }
}

/** Concurrency quotas for a new job over `serverCount` servers. */
export function requireJobQuota(ctx: CallContext, serverCount: number): void {
  const { quotas } = ctx.store.config;
  const { partition } = ctx;
  if (serverCount > quotas.maxServersPerJob) {
    throw drsErrors.quota(
      `A job may include at most ${quotas.maxServersPerJob} source servers (requested ${serverCount})`,
      'SERVERS_PER_JOB',
    );
  }
  if (partition.activeJobs.size >= quotas.maxConcurrentJobs) {
    throw drsErrors.quota(`At most ${quotas.maxConcurrentJobs} jobs may be in progress`, 'CONCURRENT_JOBS');
  }
  let inJobs = 0;
  for (const job of partition.activeJobs) inJobs += job.participants.length;
  if (inJobs + serverCount > quotas.maxServersInActiveJobs) {
    throw drsErrors.quota(
      `At most ${quotas.maxServersInActiveJobs} source servers may be in active jobs (${inJobs} already are)`,
      'SERVERS_IN_ACTIVE_JOBS',
    );
  }
}

interface ListArgs {
  maxResults?: number;
  nextToken?: string;
}

/** maxResults (StrictlyPositiveInteger: no maximum unless the operation's model sets one) and nextToken. */
export function listArgs(r: RequestReader, max?: number): ListArgs {
  return {
    maxResults: r.optionalInt('maxResults', 1, max),
    nextToken: r.boundedString('nextToken', { max: 2048 }),
  };
}

/** What a DRS list filter lets through: everything when the list is absent or empty, else only its values. */
export function oneOf(values: string[] | undefined): (value: string) => boolean {
  const wanted = values && values.length > 0 ? new Set(values) : undefined;
  return (value) => !wanted || wanted.has(value);
}

/**
 * The page of `items` (already in listing order) that `page` asks for, answered as the model's
 * `{ items, nextToken? }`. `pageSize` is the operation's page when the request sets no maxResults.
 */
export function listPage<T extends { seq: number }>(
  items: readonly T[],
  page: ListArgs,
  toItem: (item: T) => unknown,
  { order = 'asc', pageSize = DEFAULT_PAGE }: { order?: 'asc' | 'desc'; pageSize?: number } = {},
): OperationResult {
  const result = paginate(items, order, page.maxResults, page.nextToken, pageSize);
  return ok({ items: result.items.map(toItem), ...tokenOf(result) });
}

export function dateFilter(r: RequestReader, filters: Body, name: string): number | undefined {
  const value = r.boundedString(
    name,
    { min: 19, max: 32, pattern: ISO_DATE_TIME },
    filters,
    `filters.${name}`,
  );
  if (value === undefined) return undefined;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) {
    r.problem(`filters.${name}`, 'must be an ISO-8601 date and time');
    return undefined;
  }
  return parsed;
}

export function tokenOf(page: { nextToken?: string }): { nextToken?: string } {
  return page.nextToken ? { nextToken: page.nextToken } : {};
}

export function serverArg(ctx: CallContext): SourceServerRecord {
  const r = new RequestReader(ctx.body);
  const id = r.requiredString('sourceServerID', SOURCE_SERVER_ID);
  r.done();
  return sourceServer(ctx.partition, id);
}

export function instanceArg(ctx: CallContext): RecoveryInstanceRecord {
  const r = new RequestReader(ctx.body);
  const id = r.requiredString('recoveryInstanceID', RECOVERY_INSTANCE_ID);
  r.done();
  return recoveryInstance(ctx.partition, id);
}
