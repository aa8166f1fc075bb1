// DRS source servers: listing, replication control, disconnect, extended servers and snapshots.
import { drsErrors } from '../errors';
import type { SourceServerRecord } from '../model';
import { paginate } from '../pagination';
import { ACCOUNT_ID, SOURCE_SERVER_ID } from '../random';
import { effective, setState, startCatchUp } from '../replication';
import { snapshotSlots, toRecoverySnapshot } from '../snapshots';
import { toSourceServer } from '../serialize';
import { RequestReader, type Body } from '../validation';
import { breakExtensions, requireReplicatingHeadroom } from './extension';
import { ok, type CallContext, type Handler } from './context';
import {
  sourceServer,
  hasRecoveryInstance,
  requireNotBusy,
  listArgs,
  oneOf,
  listPage,
  dateFilter,
  tokenOf,
  serverArg,
} from './drs-common';

/** The model's SourceServerARN pattern (unanchored, as Smithy patterns are), with its parts captured. */
const SOURCE_SERVER_ARN =
  /arn:[0-9a-zA-Z_-]+:[0-9a-zA-Z_-]+:([0-9a-zA-Z_-]+):([0-9]{12,}):source-server\/(s-[0-9a-zA-Z]{17})/;

/** Minutes DRS takes to delete a disconnected server's replication resources (and snapshots). */
const DISCONNECT_CLEANUP_MS = 90 * 60_000;

export const describeSourceServers: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const filters = r.optionalObject('filters') ?? {};
  const wanted = oneOf(r.filterList('sourceServerIDs', { max: 200, pattern: SOURCE_SERVER_ID }, filters));
  const staging = oneOf(r.filterList('stagingAccountIDs', { max: 200, pattern: ACCOUNT_ID }, filters));
  const hardwareId = r.boundedString('hardwareId', { max: 256 }, filters, 'filters.hardwareId');
  const page = listArgs(r);
  r.done();
  const servers = [...ctx.partition.servers.values()].filter(
    (s) =>
      wanted(s.id) && staging(s.staging.stagingAccountID) && (!hardwareId || matchesHardware(s, hardwareId)),
  );
  return listPage(servers, page, (s) => toSourceServer(s, ctx.now));
};

function matchesHardware(s: SourceServerRecord, hardwareId: string): boolean {
  const hints = s.sourceProperties.identificationHints;
  return (
    hints?.awsInstanceID === hardwareId ||
    hints?.vmWareUuid === hardwareId ||
    (s.sourceProperties.networkInterfaces ?? []).some((n) => n.macAddress === hardwareId)
  );
}

/** The seed rule: RetryDataReplication works only for a STALLED, DISCONNECTED or STOPPED server. */
const RETRYABLE_STATES = new Set(['STALLED', 'DISCONNECTED', 'STOPPED']);

function catchUpMs(ctx: CallContext): number {
  const scenario = ctx.store.scenarioFor('replicationCatchUp');
  return scenario ? scenario.seconds * 1000 : ctx.store.duration((d) => d.replicationCatchUp);
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

export const retryDataReplication: Handler = (ctx) => {
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

export const stopReplication: Handler = (ctx) => {
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

export const startReplication: Handler = (ctx) => {
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

export const disconnectSourceServer: Handler = (ctx) => {
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

export const listStagingAccounts: Handler = (ctx) => {
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

export const listExtensibleSourceServers: Handler = (ctx) => {
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
  return listPage(extensible, page, (s) => ({ arn: s.arn, hostname: s.hostname, tags: s.tags }));
};

export const createExtendedSourceServer: Handler = (ctx) => {
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

export const describeRecoverySnapshots: Handler = (ctx) => {
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
  return listPage(ordered, page, (slot) => toRecoverySnapshot(server, slot, ctx.now), {
    order: order === 'DESC' ? 'desc' : 'asc',
  });
};
