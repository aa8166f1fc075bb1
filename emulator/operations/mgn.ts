// The slice of Application Migration Service (MGN) that DR automation touches: StartReplication
// for SNAPSHOT_SHIPPING agents, and DescribeSourceServers to find them. Same wire protocol as DRS;
// the emulator tells the two apart by the SigV4 signing name.
import { iso } from '../clock';
import { drsErrors } from '../errors';
import type { MgnServerRecord } from '../model';
import { SOURCE_SERVER_ID, ACCOUNT_ID } from '../random';
import { RequestReader } from '../validation';
import { ok, type CallContext, type Handler, type OperationRoute } from './context';
import { listArgs, oneOf, listPage } from './drs-common';

// Fraction of a snapshot-shipping start spent INITIATING before SHIPPING_SNAPSHOT.
const INITIATING_UNTIL = 0.2;
const STARTABLE = new Set(['STOPPED', 'DISCONNECTED', 'PENDING_SNAPSHOT_SHIPPING']);

function settle(server: MgnServerRecord, now: number): string {
  if (!server.catchUp) return server.state;
  const { startedAt, endsAt } = server.catchUp;
  if (now >= endsAt) {
    server.state = 'CONTINUOUS';
    server.since = endsAt;
    server.lastSnapshotAt = endsAt;
    server.catchUp = undefined;
    return server.state;
  }
  return (now - startedAt) / (endsAt - startedAt) < INITIATING_UNTIL ? 'INITIATING' : 'SHIPPING_SNAPSHOT';
}

function toMgnSourceServer(server: MgnServerRecord, now: number) {
  const state = settle(server, now);
  return {
    sourceServerID: server.id,
    arn: server.arn,
    isArchived: false,
    tags: server.tags,
    replicationType: server.replicationType,
    dataReplicationInfo: {
      dataReplicationState: state,
      ...(server.catchUp ? { etaDateTime: iso(server.catchUp.endsAt) } : {}),
      ...(server.lastSnapshotAt !== undefined ? { lastSnapshotDateTime: iso(server.lastSnapshotAt) } : {}),
    },
    lifeCycle: { state: state === 'CONTINUOUS' ? 'READY_FOR_TEST' : 'NOT_READY' },
    sourceProperties: { identificationHints: { hostname: server.hostname } },
  };
}

const startReplication: Handler = (ctx: CallContext) => {
  const r = new RequestReader(ctx.body);
  const id = r.requiredString('sourceServerID', SOURCE_SERVER_ID);
  const accountID = r.optionalString('accountID', ACCOUNT_ID);
  r.done();
  const partition = accountID ? ctx.store.partition(accountID, ctx.partition.region) : ctx.partition;
  const server = partition.mgnServers.get(id);
  if (!server) throw drsErrors.notFound(`Source server ${id} not found`, id, 'SOURCE_SERVER');
  if (server.replicationType !== 'SNAPSHOT_SHIPPING') {
    throw drsErrors.validation(
      `Source server ${id} uses ${server.replicationType}; StartReplication is for SNAPSHOT_SHIPPING agents`,
    );
  }
  const state = settle(server, ctx.now);
  if (!STARTABLE.has(state)) {
    throw drsErrors.conflict(`Source server ${id} replication is already ${state}`, id, 'SOURCE_SERVER');
  }
  const scenario = ctx.store.scenarioFor('replicationCatchUp');
  const durationMs = scenario ? scenario.seconds * 1000 : ctx.store.duration((d) => d.replicationCatchUp);
  server.catchUp = { startedAt: ctx.now, endsAt: ctx.now + Math.max(1, durationMs) };
  server.state = 'INITIATING';
  server.since = ctx.now;
  return ok(toMgnSourceServer(server, ctx.now));
};

const REPLICATION_TYPES = ['AGENT_BASED', 'SNAPSHOT_SHIPPING'];
const LIFE_CYCLE_STATES = [
  'STOPPED',
  'NOT_READY',
  'READY_FOR_TEST',
  'TESTING',
  'READY_FOR_CUTOVER',
  'CUTTING_OVER',
  'CUTOVER',
  'DISCONNECTED',
  'DISCOVERED',
  'PENDING_INSTALLATION',
];
const APPLICATION_ID = /^app-[0-9a-zA-Z]{17}$/;

const describeSourceServers: Handler = (ctx: CallContext) => {
  const r = new RequestReader(ctx.body);
  const filters = r.optionalObject('filters') ?? {};
  const ids = oneOf(r.filterList('sourceServerIDs', { max: 200, pattern: SOURCE_SERVER_ID }, filters));
  const types = oneOf(
    r.filterList('replicationTypes', { max: 2, pattern: enumPattern(REPLICATION_TYPES) }, filters),
  );
  const states = oneOf(
    r.filterList('lifeCycleStates', { max: 10, pattern: enumPattern(LIFE_CYCLE_STATES) }, filters),
  );
  const applications = r.filterList('applicationIDs', { max: 200, pattern: APPLICATION_ID }, filters) ?? [];
  const archived = r.optionalBoolean('isArchived', filters, 'filters.isArchived');
  const accountID = r.optionalString('accountID', ACCOUNT_ID);
  const page = listArgs(r, 1000);
  r.done();
  // accountID lists another account's servers (MGN's multi-account view)
  const partition = accountID ? ctx.store.partition(accountID, ctx.partition.region) : ctx.partition;
  const servers = [...partition.mgnServers.values()]
    .map((s) => ({ seq: s.seq, item: toMgnSourceServer(s, ctx.now) }))
    .filter(
      ({ item }) =>
        ids(item.sourceServerID) &&
        types(item.replicationType) &&
        states(item.lifeCycle.state) &&
        // no emulated server belongs to an application, so any application filter matches none
        applications.length === 0 &&
        (archived === undefined || archived === item.isArchived),
    );
  return listPage(servers, page, (s) => s.item);
};

function enumPattern(values: string[]): RegExp {
  return new RegExp(`^(${values.join('|')})$`);
}

export const MGN_OPERATIONS: OperationRoute[] = [
  {
    name: 'mgn:StartReplication',
    method: 'POST',
    path: '/StartReplication',
    handler: startReplication,
    needsInitializedAccount: true,
  },
  {
    name: 'mgn:DescribeSourceServers',
    method: 'POST',
    path: '/DescribeSourceServers',
    handler: describeSourceServers,
    needsInitializedAccount: true,
  },
];
