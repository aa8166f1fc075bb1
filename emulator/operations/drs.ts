// The DRS operations (restJson1, API version 2020-02-26). Each handler validates its input the way
// the service model does, applies the service's rules and returns the model's response shape.
import { drsErrors } from '../errors';
import { startFailbackJob, startLaunchJob, startTerminateJob, type LaunchTarget } from '../jobs';
import type { JobRecord, Partition, RecoveryInstanceRecord, SourceServerRecord } from '../model';
import { paginate } from '../pagination';
import { ACCOUNT_ID, JOB_ID, RECOVERY_INSTANCE_ID, SOURCE_SERVER_ID } from '../random';
import { effective, setState, startCatchUp } from '../replication';
import { snapshotSlots, snapshotTime, toRecoverySnapshot } from '../snapshots';
import { toJob, toRecoveryInstance, toSourceServer } from '../serialize';
import { RequestReader, type Body } from '../validation';
import { deleteLaunchAction, listLaunchActions, putLaunchAction } from './launch-actions';
import { reverseReplication, stopFailback } from './reprotect';
import { breakExtensions, EXTENSION_OPERATIONS, requireReplicatingHeadroom } from './extension';
import { NETWORK_OPERATIONS } from './networks';
import { ok, type CallContext, type Handler, type OperationRoute } from './context';

const DEFAULT_PAGE = 1000;
const SNAPSHOT_ID = /^pit-[0-9a-zA-Z]{17}$/;
/** The model's SourceServerARN pattern (unanchored, as Smithy patterns are), with its parts captured. */
const SOURCE_SERVER_ARN =
  /arn:[0-9a-zA-Z_-]+:[0-9a-zA-Z_-]+:([0-9a-zA-Z_-]+):([0-9]{12,}):source-server\/(s-[0-9a-zA-Z]{17})/;
/** The model's ISO8601DatetimeString: UTC (Z) only. */
const ISO_DATE_TIME =
  /[1-9][0-9]*-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([0-1][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?Z/;
/** Minutes DRS takes to delete a disconnected server's replication resources (and snapshots). */
const DISCONNECT_CLEANUP_MS = 90 * 60_000;

function sourceServer(partition: Partition, id: string): SourceServerRecord {
  const server = partition.servers.get(id);
  if (!server) throw drsErrors.notFound(`Source server ${id} not found`, id, 'SOURCE_SERVER');
  return server;
}

function recoveryInstance(partition: Partition, id: string): RecoveryInstanceRecord {
  const instance = partition.recoveryInstances.get(id);
  if (!instance) throw drsErrors.notFound(`Recovery instance ${id} not found`, id, 'RECOVERY_INSTANCE');
  return instance;
}

function activeJobOf(partition: Partition, sourceServerID: string): JobRecord | undefined {
  for (const job of partition.activeJobs) {
    if (job.participants.some((p) => p.sourceServerID === sourceServerID)) return job;
  }
  return undefined;
}

function hasRecoveryInstance(partition: Partition, server: SourceServerRecord): boolean {
  if (server.recoveryInstanceId) return true;
  for (const r of partition.recoveryInstances.values()) if (r.sourceServerID === server.id) return true;
  return false;
}

function requireNotBusy(partition: Partition, server: SourceServerRecord): void {
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
function requireJobQuota(ctx: CallContext, serverCount: number): void {
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

/** maxResults (StrictlyPositiveInteger: no maximum unless the operation's model sets one) and nextToken. */
function listArgs(r: RequestReader, max?: number): { maxResults?: number; nextToken?: string } {
  return {
    maxResults: r.optionalInt('maxResults', 1, max),
    nextToken: r.boundedString('nextToken', { max: 2048 }),
  };
}

const startRecovery: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const requested = r.objectList('sourceServers', { min: 1, max: 200 }, (entry: Body, label) => {
    const inner = new RequestReader(entry);
    const id = typeof entry.sourceServerID === 'string' ? entry.sourceServerID : undefined;
    if (!id || !SOURCE_SERVER_ID.test(id))
      r.problem(`${label}.sourceServerID`, `must match ${SOURCE_SERVER_ID.source}`);
    const snapshot = entry.recoverySnapshotID;
    if (snapshot !== undefined && (typeof snapshot !== 'string' || !SNAPSHOT_ID.test(snapshot))) {
      r.problem(`${label}.recoverySnapshotID`, `must match ${SNAPSHOT_ID.source}`);
    }
    inner.done();
    return {
      sourceServerID: id ?? '',
      recoverySnapshotID: typeof snapshot === 'string' ? snapshot : undefined,
    };
  });
  const isDrill = r.optionalBoolean('isDrill') ?? false;
  const tags = r.tags();
  const seen = new Set<string>();
  requested.forEach((s, i) => {
    if (seen.has(s.sourceServerID))
      r.problem(`sourceServers[${i}].sourceServerID`, 'is listed more than once');
    seen.add(s.sourceServerID);
  });
  r.done();

  const targets: LaunchTarget[] = requested.map((s) => {
    const server = sourceServer(ctx.partition, s.sourceServerID);
    if (s.recoverySnapshotID === undefined) return { server };
    const snapshotAt = snapshotTime(server, s.recoverySnapshotID, ctx.now);
    if (snapshotAt === undefined) {
      throw drsErrors.notFound(
        `Recovery snapshot ${s.recoverySnapshotID} of source server ${server.id} not found`,
        s.recoverySnapshotID,
        'RECOVERY_SNAPSHOT',
      );
    }
    return { server, recoverySnapshotID: s.recoverySnapshotID, snapshotAt };
  });
  requireJobQuota(ctx, targets.length);
  for (const { server } of targets) {
    requireNotBusy(ctx.partition, server);
    const existing = server.recoveryInstanceId
      ? ctx.partition.recoveryInstances.get(server.recoveryInstanceId)
      : undefined;
    if (existing && !existing.isDrill) {
      throw drsErrors.conflict(
        `Source server ${server.id} has recovery instance ${existing.id} from a recovery launch; terminate or disconnect it first`,
        server.id,
        'SOURCE_SERVER',
      );
    }
  }
  const job = startLaunchJob(ctx.store, ctx.partition, targets, isDrill, tags, ctx.now);
  return ok({ job: toJob(job) }, 202);
};

/** A DRS id filter: an absent or empty list means "all" (undefined), otherwise the set to match. */
function idFilter(ids: string[] | undefined): Set<string> | undefined {
  return ids && ids.length > 0 ? new Set(ids) : undefined;
}

const describeJobs: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const filters = r.optionalObject('filters') ?? {};
  const jobIDs = r.stringList('jobIDs', { max: 1000, pattern: JOB_ID }, filters, 'filters.jobIDs');
  const from = dateFilter(r, filters, 'fromDate');
  const to = dateFilter(r, filters, 'toDate');
  const page = listArgs(r);
  r.done();
  const wanted = idFilter(jobIDs);
  const jobs = [...ctx.partition.jobs.values()]
    .filter(
      (j) =>
        (!wanted || wanted.has(j.id)) &&
        (from === undefined || j.createdAt >= from) &&
        (to === undefined || j.createdAt <= to),
    )
    .reverse(); // newest first, as DRS lists jobs
  const result = paginate(jobs, 'desc', page.maxResults, page.nextToken, DEFAULT_PAGE);
  return ok({ items: result.items.map(toJob), ...tokenOf(result) });
};

function dateFilter(r: RequestReader, filters: Body, name: string): number | undefined {
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

function tokenOf(page: { nextToken?: string }): { nextToken?: string } {
  return page.nextToken ? { nextToken: page.nextToken } : {};
}

const describeJobLogItems: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const jobID = r.requiredString('jobID', JOB_ID);
  const page = listArgs(r);
  r.done();
  const job = ctx.partition.jobs.get(jobID);
  if (!job) throw drsErrors.notFound(`Job ${jobID} not found`, jobID, 'JOB');
  const items = job.log.map((item, i) => ({ seq: i + 1, item }));
  const result = paginate(items, 'asc', page.maxResults, page.nextToken, DEFAULT_PAGE);
  return ok({ items: result.items.map((i) => i.item), ...tokenOf(result) });
};

const describeSourceServers: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const filters = r.optionalObject('filters') ?? {};
  const ids = r.stringList(
    'sourceServerIDs',
    { max: 200, pattern: SOURCE_SERVER_ID },
    filters,
    'filters.sourceServerIDs',
  );
  const staging = r.stringList(
    'stagingAccountIDs',
    { max: 200, pattern: ACCOUNT_ID },
    filters,
    'filters.stagingAccountIDs',
  );
  const hardwareId = r.boundedString('hardwareId', { max: 256 }, filters, 'filters.hardwareId');
  const page = listArgs(r);
  r.done();
  const wanted = idFilter(ids);
  const stagingWanted = idFilter(staging);
  const servers = [...ctx.partition.servers.values()].filter(
    (s) =>
      (!wanted || wanted.has(s.id)) &&
      (!stagingWanted || stagingWanted.has(s.staging.stagingAccountID)) &&
      (!hardwareId || matchesHardware(s, hardwareId)),
  );
  const result = paginate(servers, 'asc', page.maxResults, page.nextToken, DEFAULT_PAGE);
  return ok({ items: result.items.map((s) => toSourceServer(s, ctx.now)), ...tokenOf(result) });
};

function matchesHardware(s: SourceServerRecord, hardwareId: string): boolean {
  const hints = s.sourceProperties.identificationHints;
  return (
    hints?.awsInstanceID === hardwareId ||
    hints?.vmWareUuid === hardwareId ||
    (s.sourceProperties.networkInterfaces ?? []).some((n) => n.macAddress === hardwareId)
  );
}

const describeRecoveryInstances: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const filters = r.optionalObject('filters') ?? {};
  const ids = r.stringList(
    'recoveryInstanceIDs',
    { max: 200, pattern: RECOVERY_INSTANCE_ID },
    filters,
    'filters.recoveryInstanceIDs',
  );
  const sources = r.stringList(
    'sourceServerIDs',
    { max: Number.MAX_SAFE_INTEGER, pattern: SOURCE_SERVER_ID },
    filters,
    'filters.sourceServerIDs',
  );
  const page = listArgs(r);
  r.done();
  const wanted = idFilter(ids);
  const sourcesWanted = idFilter(sources);
  const instances = [...ctx.partition.recoveryInstances.values()].filter(
    (i) => (!wanted || wanted.has(i.id)) && (!sourcesWanted || sourcesWanted.has(i.sourceServerID)),
  );
  const result = paginate(instances, 'asc', page.maxResults, page.nextToken, DEFAULT_PAGE);
  return ok({
    items: result.items.map((i) => toRecoveryInstance(i, ctx.partition.servers.get(i.sourceServerID))),
    ...tokenOf(result),
  });
};

const terminateRecoveryInstances: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const ids = r.stringList('recoveryInstanceIDs', { min: 1, max: 200, pattern: RECOVERY_INSTANCE_ID }) ?? [];
  if (new Set(ids).size !== ids.length) r.problem('recoveryInstanceIDs', 'lists an instance more than once');
  r.done();
  const instances = ids.map((id) => recoveryInstance(ctx.partition, id));
  for (const instance of instances) {
    const busy = activeJobOf(ctx.partition, instance.sourceServerID);
    if (instance.terminatingJobID || busy) {
      throw drsErrors.conflict(
        `Recovery instance ${instance.id} is participating in active job ${instance.terminatingJobID ?? busy?.id}`,
        instance.id,
        'RECOVERY_INSTANCE',
      );
    }
  }
  const { quotas } = ctx.store.config;
  if (ctx.partition.activeJobs.size >= quotas.maxConcurrentJobs) {
    throw drsErrors.quota(`At most ${quotas.maxConcurrentJobs} jobs may be in progress`, 'CONCURRENT_JOBS');
  }
  const job = startTerminateJob(ctx.store, ctx.partition, instances, ctx.now);
  return ok({ job: toJob(job) });
};

/** The seed rule: RetryDataReplication works only for a STALLED, DISCONNECTED or STOPPED server. */
const RETRYABLE_STATES = new Set(['STALLED', 'DISCONNECTED', 'STOPPED']);

function catchUpMs(ctx: CallContext): number {
  const scenario = ctx.store.scenarioFor('replicationCatchUp');
  return scenario ? scenario.seconds * 1000 : ctx.store.duration((d) => d.replicationCatchUp);
}

function serverArg(ctx: CallContext): SourceServerRecord {
  const r = new RequestReader(ctx.body);
  const id = r.requiredString('sourceServerID', SOURCE_SERVER_ID);
  r.done();
  return sourceServer(ctx.partition, id);
}

function replicatingHere(server: SourceServerRecord, action: string): void {
  if (server.extendedFrom) {
    throw drsErrors.conflict(
      `${action} is not possible on extended source server ${server.id}; act on ${server.staging.stagingSourceServerArn} in the staging account`,
      server.id,
      'SOURCE_SERVER',
    );
  }
}

const retryDataReplication: Handler = (ctx) => {
  const server = serverArg(ctx);
  if (server.extendedFrom) {
    throw drsErrors.validation(
      `Source server ${server.id} is extended; retry replication in the staging account`,
    );
  }
  const state = effective(server.replication, ctx.now).state;
  if (!RETRYABLE_STATES.has(state)) {
    throw drsErrors.validation(
      `Source server ${server.id} replication is ${state}; RetryDataReplication works only when it is STALLED, DISCONNECTED or STOPPED`,
    );
  }
  startCatchUp(server.replication, ctx.now, catchUpMs(ctx));
  return ok(toSourceServer(server, ctx.now));
};

const stopReplication: Handler = (ctx) => {
  const server = serverArg(ctx);
  replicatingHere(server, 'StopReplication');
  const state = effective(server.replication, ctx.now).state;
  if (state === 'STOPPED' || state === 'DISCONNECTED') {
    throw drsErrors.conflict(
      `Source server ${server.id} replication is already ${state}`,
      server.id,
      'SOURCE_SERVER',
    );
  }
  requireNotBusy(ctx.partition, server);
  // Stopping makes the server unprotected and deletes its snapshots: nothing left to launch from.
  setState(server.replication, ctx.now, 'STOPPED');
  server.replication.dataAsOf = undefined;
  server.replication.snapshotsFrom = undefined;
  return ok({ sourceServer: toSourceServer(server, ctx.now) });
};

const startReplication: Handler = (ctx) => {
  const server = serverArg(ctx);
  replicatingHere(server, 'StartReplication');
  const state = effective(server.replication, ctx.now).state;
  if (state !== 'STOPPED') {
    throw drsErrors.conflict(
      `Source server ${server.id} replication is ${state}; StartReplication starts a STOPPED server`,
      server.id,
      'SOURCE_SERVER',
    );
  }
  requireReplicatingHeadroom(ctx, server);
  startCatchUp(server.replication, ctx.now, catchUpMs(ctx));
  return ok({ sourceServer: toSourceServer(server, ctx.now) });
};

const disconnectSourceServer: Handler = (ctx) => {
  const server = serverArg(ctx);
  if (hasRecoveryInstance(ctx.partition, server)) {
    throw drsErrors.conflict(
      `Cannot disconnect source server ${server.id} while it has a recovery instance`,
      server.id,
      'SOURCE_SERVER',
    );
  }
  requireNotBusy(ctx.partition, server);
  // An extended server stops mirroring its staging server (which keeps replicating there).
  if (server.extendedFrom) server.replication = { ...server.replication, catchUp: undefined };
  // Documented side effects: DISCONNECTED, totalStorageBytes zeroed, lag and ETA nullified;
  // replication resources (and so snapshots) are deleted within 90 minutes.
  const rep = server.replication;
  setState(rep, ctx.now, 'DISCONNECTED');
  rep.error = undefined;
  rep.disksZeroed = true;
  if (!server.extendedFrom) breakExtensions(ctx.store, server, 'was disconnected');
  const since = rep.since;
  ctx.store.schedule(ctx.now + DISCONNECT_CLEANUP_MS, () => {
    if (rep.state === 'DISCONNECTED' && rep.since === since && !rep.catchUp) {
      rep.dataAsOf = undefined;
      rep.snapshotsFrom = undefined;
    }
  });
  return ok(toSourceServer(server, ctx.now));
};

const disconnectRecoveryInstance: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const id = r.requiredString('recoveryInstanceID', RECOVERY_INSTANCE_ID);
  r.done();
  const instance = recoveryInstance(ctx.partition, id);
  if (instance.terminatingJobID || activeJobOf(ctx.partition, instance.sourceServerID)) {
    throw drsErrors.conflict(
      `Recovery instance ${id} is participating in an active job`,
      id,
      'RECOVERY_INSTANCE',
    );
  }
  instance.replicationState = 'DISCONNECTED';
  instance.failback = { ...instance.failback, state: 'FAILBACK_NOT_STARTED', readyAt: undefined };
  return { statusCode: 200 };
};

function instanceArg(ctx: CallContext): RecoveryInstanceRecord {
  const r = new RequestReader(ctx.body);
  const id = r.requiredString('recoveryInstanceID', RECOVERY_INSTANCE_ID);
  r.done();
  return recoveryInstance(ctx.partition, id);
}

const startFailbackLaunch: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const ids = r.stringList('recoveryInstanceIDs', { min: 1, max: 200, pattern: RECOVERY_INSTANCE_ID }) ?? [];
  const tags = r.tags();
  r.done();
  const instances = ids.map((id) => recoveryInstance(ctx.partition, id));
  for (const instance of instances) {
    if (instance.failback.state !== 'FAILBACK_READY_FOR_LAUNCH') {
      throw drsErrors.conflict(
        `Recovery instance ${instance.id} failback state is ${instance.failback.state}; it must be FAILBACK_READY_FOR_LAUNCH`,
        instance.id,
        'RECOVERY_INSTANCE',
      );
    }
    if (instance.terminatingJobID || activeJobOf(ctx.partition, instance.sourceServerID)) {
      throw drsErrors.conflict(
        `Recovery instance ${instance.id} is participating in an active job`,
        instance.id,
        'RECOVERY_INSTANCE',
      );
    }
  }
  requireJobQuota(ctx, instances.length);
  const job = startFailbackJob(ctx.store, ctx.partition, instances, tags, ctx.now);
  return ok({ job: toJob(job) });
};

const getLaunchConfiguration: Handler = (ctx) => ok(serverArg(ctx).launchConfiguration);

const listStagingAccounts: Handler = (ctx) => {
  const r = new RequestReader(queryAsBody(ctx.query));
  const page = listArgs(r, 50);
  r.done();
  const accounts = [
    ...new Set(
      [...ctx.partition.servers.values()]
        .filter((s) => s.extendedFrom)
        .map((s) => s.staging.stagingAccountID),
    ),
  ]
    .sort()
    .map((accountID, i) => ({ seq: i + 1, accountID }));
  const result = paginate(accounts, 'asc', page.maxResults, page.nextToken, 50);
  return ok({ accounts: result.items.map((a) => ({ accountID: a.accountID })), ...tokenOf(result) });
};

function queryAsBody(query: CallContext['query']): Body {
  const body: Body = {};
  for (const [key, value] of Object.entries(query)) {
    const v = Array.isArray(value) ? value[0] : value;
    if (v === undefined) continue;
    body[key] = key === 'maxResults' && /^-?\d+$/.test(v) ? Number(v) : v;
  }
  return body;
}

const listExtensibleSourceServers: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const stagingAccountID = r.requiredString('stagingAccountID', ACCOUNT_ID);
  const page = listArgs(r, 300);
  r.done();
  const staging = ctx.store.partition(stagingAccountID, ctx.partition.region);
  const alreadyExtended = new Set(
    [...ctx.partition.servers.values()].filter((s) => s.extendedFrom).map((s) => s.extendedFrom as string),
  );
  const extensible = [...staging.servers.values()].filter(
    (s) => !s.extendedFrom && !alreadyExtended.has(s.id),
  );
  const result = paginate(extensible, 'asc', page.maxResults, page.nextToken, DEFAULT_PAGE);
  return ok({
    items: result.items.map((s) => ({ arn: s.arn, hostname: s.hostname, tags: s.tags })),
    ...tokenOf(result),
  });
};

const createExtendedSourceServer: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const arn = r.requiredString('sourceServerArn', SOURCE_SERVER_ARN);
  if (arn.length > 2048) r.problem('sourceServerArn', 'must have at most 2048 characters');
  const tags = r.tags();
  r.done();
  const [, region, accountId, id] = SOURCE_SERVER_ARN.exec(arn) as RegExpExecArray;
  const staging = ctx.store.partition(accountId, region).servers.get(id);
  if (!staging) throw drsErrors.notFound(`Source server ${arn} not found`, id, 'SOURCE_SERVER');
  if (accountId === ctx.partition.accountId) {
    throw drsErrors.validation(
      `Source server ${arn} is in this account already; extend a server of another (staging) account`,
    );
  }
  if (staging.extendedFrom) {
    throw drsErrors.validation(`Source server ${arn} is itself an extended source server`);
  }
  if ([...ctx.partition.servers.values()].some((s) => s.extendedFrom === staging.id)) {
    throw drsErrors.validation(
      `Source server ${arn} is already extended into account ${ctx.partition.accountId}`,
    );
  }
  if (ctx.partition.servers.size >= ctx.store.config.quotas.maxSourceServers) {
    throw drsErrors.quota(
      `At most ${ctx.store.config.quotas.maxSourceServers} source servers per account`,
      'SOURCE_SERVERS',
    );
  }
  const server = ctx.store.addSourceServer(ctx.partition, {
    hostname: staging.hostname,
    state: 'CONTINUOUS',
    tags: { ...staging.tags, ...tags },
    disksGiB: [],
    extendedFrom: staging.id,
  });
  server.sourceProperties = staging.sourceProperties;
  return ok({ sourceServer: toSourceServer(server, ctx.now) }, 201);
};

const describeRecoverySnapshots: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const id = r.requiredString('sourceServerID', SOURCE_SERVER_ID);
  const filters = r.optionalObject('filters') ?? {};
  const from = dateFilter(r, filters, 'fromDateTime');
  const to = dateFilter(r, filters, 'toDateTime');
  const order = r.boundedString('order', { max: 4, pattern: /^(ASC|DESC)$/ }) ?? 'ASC';
  const page = listArgs(r);
  r.done();
  const server = sourceServer(ctx.partition, id);
  const slots = snapshotSlots(server, ctx.now).filter(
    (slot) => (from === undefined || slot.at >= from) && (to === undefined || slot.at <= to),
  );
  const ordered = order === 'DESC' ? slots.reverse() : slots;
  const direction = order === 'DESC' ? 'desc' : 'asc';
  const result = paginate(ordered, direction, page.maxResults, page.nextToken, DEFAULT_PAGE);
  return ok({
    items: result.items.map((slot) => toRecoverySnapshot(server, slot, ctx.now)),
    ...tokenOf(result),
  });
};

/** The model's rule: a recovery instance must be disconnected before it can be deleted. */
const deleteRecoveryInstance: Handler = (ctx) => {
  const instance = instanceArg(ctx);
  if (instance.terminatingJobID || activeJobOf(ctx.partition, instance.sourceServerID)) {
    throw drsErrors.conflict(
      `Recovery instance ${instance.id} is participating in an active job`,
      instance.id,
      'RECOVERY_INSTANCE',
    );
  }
  if (instance.replicationState !== 'DISCONNECTED') {
    throw drsErrors.conflict(
      `Recovery instance ${instance.id} must be disconnected (DisconnectRecoveryInstance) before it is deleted`,
      instance.id,
      'RECOVERY_INSTANCE',
    );
  }
  ctx.partition.recoveryInstances.delete(instance.id);
  ctx.store.recoveryInstances.delete(instance.id);
  const server = ctx.partition.servers.get(instance.sourceServerID);
  if (server?.recoveryInstanceId === instance.id) server.recoveryInstanceId = undefined;
  return { statusCode: 200 };
};

const getReplicationConfiguration: Handler = (ctx) => ok(serverArg(ctx).replicationConfiguration);

const LAUNCH_DISPOSITION = /^(STOPPED|STARTED)$/;
const RIGHT_SIZING = /^(NONE|BASIC|IN_AWS)$/;
const RECOVERY_MODE = /^(FAST|OPTIMAL)$/;
const EC2_INSTANCE_ID = /i-[0-9a-fA-F]{8,}/;

const updateLaunchConfiguration: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const id = r.requiredString('sourceServerID', SOURCE_SERVER_ID);
  const update = {
    name: r.boundedString('name', { max: 128 }),
    launchDisposition: r.boundedString('launchDisposition', { max: 7, pattern: LAUNCH_DISPOSITION }),
    targetInstanceTypeRightSizingMethod: r.boundedString('targetInstanceTypeRightSizingMethod', {
      max: 6,
      pattern: RIGHT_SIZING,
    }),
    copyPrivateIp: r.optionalBoolean('copyPrivateIp'),
    copyTags: r.optionalBoolean('copyTags'),
    postLaunchEnabled: r.optionalBoolean('postLaunchEnabled'),
    recoveryMode: r.boundedString('recoveryMode', { max: 7, pattern: RECOVERY_MODE }),
  };
  const licensing = r.optionalObject('licensing');
  const osByol = licensing && r.optionalBoolean('osByol', licensing, 'licensing.osByol');
  const launchInto = r.optionalObject('launchIntoInstanceProperties');
  const launchIntoEC2InstanceID =
    launchInto &&
    r.boundedString(
      'launchIntoEC2InstanceID',
      { max: 255, pattern: EC2_INSTANCE_ID },
      launchInto,
      'launchIntoInstanceProperties.launchIntoEC2InstanceID',
    );
  r.done();
  const server = sourceServer(ctx.partition, id);
  requireNotBusy(ctx.partition, server);
  const config = server.launchConfiguration;
  for (const [key, value] of Object.entries(update)) {
    if (value !== undefined) Object.assign(config, { [key]: value });
  }
  if (licensing) config.licensing = osByol === undefined ? {} : { osByol };
  if (launchInto)
    config.launchIntoInstanceProperties = launchIntoEC2InstanceID ? { launchIntoEC2InstanceID } : {};
  return ok(config);
};

const LAUNCH_CONFIGURATION_TEMPLATE_ID = /^lct-[0-9a-zA-Z]{17}$/;

const describeLaunchConfigurationTemplates: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const ids = r.stringList('launchConfigurationTemplateIDs', {
    max: 1,
    pattern: LAUNCH_CONFIGURATION_TEMPLATE_ID,
  });
  const page = listArgs(r, 1000);
  r.done();
  const templates = ctx.partition.launchConfigurationTemplates;
  for (const id of ids ?? []) {
    if (!templates.has(id))
      throw drsErrors.notFound(
        `Launch configuration template ${id} not found`,
        id,
        'LAUNCH_CONFIGURATION_TEMPLATE',
      );
  }
  const wanted = idFilter(ids);
  const listed = [...templates.values()].filter(
    (t) => !wanted || wanted.has(t.launchConfigurationTemplateID as string),
  );
  const result = paginate(listed, 'asc', page.maxResults, page.nextToken, DEFAULT_PAGE);
  return ok({ items: result.items.map(({ seq: _seq, ...template }) => template), ...tokenOf(result) });
};

const initializeService: Handler = (ctx) => {
  ctx.partition.initialized = true;
  return { statusCode: 204 };
};

/** Tagging: ListTagsForResource, TagResource, UntagResource on source servers, jobs and recovery instances. */
function taggable(ctx: CallContext): { tags: Record<string, string> } {
  const arn = ctx.resourceArn ?? '';
  // the model's ARN shape: 20–2048 characters matching arn:.{16,2044}
  const r = new RequestReader({ resourceArn: arn });
  r.boundedString('resourceArn', { min: 20, max: 2048, pattern: /arn:.{16,2044}/ });
  r.done();
  const id = arn.slice(arn.lastIndexOf('/') + 1);
  // Only the caller's own account and region: another account's ARN is not found, as in DRS.
  const { partition } = ctx;
  const resource = partition.servers.get(id) ?? partition.jobs.get(id) ?? partition.recoveryInstances.get(id);
  if (!resource || resource.arn !== arn)
    throw drsErrors.notFound(`Resource ${arn} not found`, arn, 'RESOURCE');
  return resource;
}

const listTagsForResource: Handler = (ctx) => ok({ tags: taggable(ctx).tags });

const tagResource: Handler = (ctx) => {
  const resource = taggable(ctx);
  const r = new RequestReader(ctx.body);
  const tags = r.tags();
  if (!ctx.body.tags) r.problem('tags', 'is required');
  r.done();
  Object.assign(resource.tags, tags);
  return { statusCode: 200 };
};

const untagResource: Handler = (ctx) => {
  const resource = taggable(ctx);
  const keys = ctx.query.tagKeys;
  const list = Array.isArray(keys) ? keys : keys === undefined ? [] : [keys];
  if (list.length === 0) {
    throw drsErrors.validation('tagKeys is required', [{ name: 'tagKeys', message: 'tagKeys is required' }]);
  }
  if (list.some((key) => key.length > 256)) {
    throw drsErrors.validation('tagKeys have at most 256 characters', [
      { name: 'tagKeys', message: 'tagKeys have at most 256 characters' },
    ]);
  }
  for (const key of list) delete resource.tags[key];
  return { statusCode: 200 };
};

const post = (name: string, handler: Handler): OperationRoute => ({
  name,
  method: 'POST',
  path: `/${name}`,
  handler,
  needsInitializedAccount: true,
});

export const DRS_OPERATIONS: OperationRoute[] = [
  post('StartRecovery', startRecovery),
  post('DescribeJobs', describeJobs),
  post('DescribeJobLogItems', describeJobLogItems),
  post('TerminateRecoveryInstances', terminateRecoveryInstances),
  post('DescribeRecoveryInstances', describeRecoveryInstances),
  post('DescribeSourceServers', describeSourceServers),
  post('RetryDataReplication', retryDataReplication),
  post('StopReplication', stopReplication),
  post('StartReplication', startReplication),
  post('DisconnectSourceServer', disconnectSourceServer),
  post('DisconnectRecoveryInstance', disconnectRecoveryInstance),
  post('StartFailbackLaunch', startFailbackLaunch),
  post('ReverseReplication', reverseReplication),
  post('StopFailback', stopFailback),
  post('ListExtensibleSourceServers', listExtensibleSourceServers),
  post('CreateExtendedSourceServer', createExtendedSourceServer),
  post('GetLaunchConfiguration', getLaunchConfiguration),
  post('UpdateLaunchConfiguration', updateLaunchConfiguration),
  post('GetReplicationConfiguration', getReplicationConfiguration),
  post('DescribeLaunchConfigurationTemplates', describeLaunchConfigurationTemplates),
  post('DescribeRecoverySnapshots', describeRecoverySnapshots),
  post('DeleteRecoveryInstance', deleteRecoveryInstance),
  post('PutLaunchAction', putLaunchAction),
  post('ListLaunchActions', listLaunchActions),
  post('DeleteLaunchAction', deleteLaunchAction),
  ...EXTENSION_OPERATIONS,
  { ...post('InitializeService', initializeService), needsInitializedAccount: false },
  {
    name: 'ListStagingAccounts',
    method: 'GET',
    path: '/ListStagingAccounts',
    handler: listStagingAccounts,
    needsInitializedAccount: true,
  },
  {
    name: 'ListTagsForResource',
    method: 'GET',
    path: '/tags/',
    handler: listTagsForResource,
    // the tagging operations declare no UninitializedAccountException
    needsInitializedAccount: false,
  },
  {
    name: 'TagResource',
    method: 'POST',
    path: '/tags/',
    handler: tagResource,
    needsInitializedAccount: false,
  },
  {
    name: 'UntagResource',
    method: 'DELETE',
    path: '/tags/',
    handler: untagResource,
    needsInitializedAccount: false,
  },
  ...NETWORK_OPERATIONS,
];
