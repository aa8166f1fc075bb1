// The control API under /_emulator/: reset, state, config, scenarios, faults, audit, clock and
// extra servers. Plain JSON; EmulatorControl (control-client.ts) is its typed client.
import type { DataReplicationState } from '@aws-sdk/client-drs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { iso } from './clock';
import type { Emulator } from './emulator';
import { DEFAULT_ACCOUNT, DEFAULT_REGION } from './inventory';
import { beginFailbackReplication, jobUsage } from './jobs';
import { markExtensionError } from './operations/extension';
import { attachToNetwork, failNetworkRecoveries } from './networks';
import { setState } from './replication';

const REPLICATION_STATES = [
  'STOPPED',
  'INITIATING',
  'INITIAL_SYNC',
  'BACKLOG',
  'CREATING_SNAPSHOT',
  'CONTINUOUS',
  'PAUSED',
  'RESCAN',
  'STALLED',
  'DISCONNECTED',
] as const satisfies readonly DataReplicationState[];

const REPLICATION_ERRORS = [
  'AGENT_NOT_SEEN',
  'SNAPSHOTS_FAILURE',
  'NOT_CONVERGING',
  'UNSTABLE_NETWORK',
  'FAILED_TO_CREATE_SECURITY_GROUP',
  'FAILED_TO_LAUNCH_REPLICATION_SERVER',
  'FAILED_TO_BOOT_REPLICATION_SERVER',
  'FAILED_TO_AUTHENTICATE_WITH_SERVICE',
  'FAILED_TO_DOWNLOAD_REPLICATION_SOFTWARE',
  'FAILED_TO_CREATE_STAGING_DISKS',
  'FAILED_TO_ATTACH_STAGING_DISKS',
  'FAILED_TO_PAIR_REPLICATION_SERVER_WITH_AGENT',
  'FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER',
  'FAILED_TO_START_DATA_TRANSFER',
] as const;

const seconds = z.number().min(0);
const idList = z.array(z.string()).min(1);

const scenarioSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('jobStuckPending'), seconds, sourceServerIds: idList.optional() }),
  z.object({ type: z.literal('launchFailure'), sourceServerIds: idList, error: z.string().optional() }),
  z.object({
    type: z.literal('replicationState'),
    sourceServerIds: idList,
    state: z.enum(REPLICATION_STATES),
    error: z.enum(REPLICATION_ERRORS).optional(),
  }),
  z.object({ type: z.literal('replicationCatchUp'), seconds }),
  z.object({ type: z.literal('recoveryInstanceIdDelay'), seconds }),
  z.object({ type: z.literal('failbackReadyAfter'), seconds, recoveryInstanceIds: idList.optional() }),
  z.object({
    type: z.literal('reverseReplication'),
    seconds: seconds.optional(),
    stall: z.boolean().optional(),
    recoveryInstanceIds: idList.optional(),
  }),
  z.object({
    type: z.literal('bootFailure'),
    sourceServerIds: idList,
    console: z.string().max(64_000).optional(),
  }),
  z.object({ type: z.literal('ssmAgentMissing'), sourceServerIds: idList }),
  z.object({
    type: z.literal('commandFailure'),
    sourceServerIds: idList,
    exitCode: z.number().int().min(1).max(255).optional(),
    output: z.string().max(100_000).optional(),
  }),
  z.object({ type: z.literal('commandTimeout'), sourceServerIds: idList }),
  z.object({
    type: z.literal('networkRecoveryFailure'),
    sourceNetworkIds: idList,
    reason: z.string().max(256).optional(),
  }),
  z.object({
    type: z.literal('launchActionFailure'),
    sourceServerIds: idList,
    // DRS's LaunchActionName
    actionName: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 /_-]{0,255}$/)
      .optional(),
    optional: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('extensionError'),
    sourceServerIds: idList,
    message: z.string().min(1).max(1000).optional(),
  }),
  z.object({
    type: z.literal('accessDenied'),
    operations: z.array(z.string().min(1)).min(1),
    accountIds: z
      .array(z.string().regex(/^\d{12}$/))
      .min(1)
      .optional(),
  }),
]);

const rate = z.number().min(0).max(1);
const faultSchema = z.object({
  operation: z.string().min(1),
  throttleRate: rate.optional(),
  errorRate: rate.optional(),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  dropResponses: z.number().int().min(0).optional(),
});

const configSchema = z.object({
  timeScale: z.number().positive().optional(),
  durations: z.enum(['demo', 'realistic']).optional(),
  quotas: z
    .object({
      maxServersPerJob: z.number().int().positive(),
      maxConcurrentJobs: z.number().int().positive(),
      maxServersInActiveJobs: z.number().int().positive(),
      maxSourceServers: z.number().int().positive(),
      maxReplicatingServers: z.number().int().positive(),
    })
    .partial()
    .optional(),
});

const resetSchema = z.object({
  seed: z.number().int().optional(),
  inventory: z.enum(['default', 'empty']).optional(),
});
const advanceSchema = z.object({ seconds: z.number().min(0) });
const addServersSchema = z.object({
  count: z.number().int().min(1).max(10_000),
  accountId: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  region: z.string().min(1).optional(),
  replicationState: z.enum(REPLICATION_STATES).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  /** Servers of EC2 instances in another region (ReverseReplication applies to their recovery instances). */
  ec2Origin: z.boolean().optional(),
});

class ControlError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const text = typeof body === 'string' && body.trim() !== '' ? body : '{}';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ControlError(400, 'body is not valid JSON');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new ControlError(
      400,
      result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  return result.data;
}

export function registerControlRoutes(app: FastifyInstance, emulator: Emulator): void {
  const route = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    run: (body: unknown, query: Record<string, string>) => unknown,
  ) =>
    app.route({
      method,
      url: `/_emulator/${url}`,
      handler: async (req, reply: FastifyReply) => {
        try {
          const result = run(req.body, (req.query ?? {}) as Record<string, string>);
          return reply
            .header('content-type', 'application/json')
            .send(JSON.stringify(result ?? { ok: true }));
        } catch (err) {
          const status = err instanceof ControlError ? err.statusCode : 500;
          return reply.code(status).send({ message: err instanceof Error ? err.message : String(err) });
        }
      },
    });

  route('GET', 'health', () => ({ ok: true, now: iso(emulator.clock.now()) }));
  route('POST', 'reset', (body) => {
    emulator.reset(parse(resetSchema, body));
    return { ok: true };
  });
  route('GET', 'state', () => ({ ...emulator.store.snapshot(), faults: emulator.faults.list() }));
  // Jobs in progress now and at most, per account and region: how a test or the bench proves that
  // callers stayed under the concurrency quotas without reading the whole state.
  route('GET', 'usage', () =>
    emulator.store.allPartitions().map((p) => ({
      accountId: p.accountId,
      region: p.region,
      ...jobUsage(p),
      peak: { ...p.peak },
    })),
  );
  route('GET', 'config', () => emulator.store.config);
  route('POST', 'config', (body) => {
    const update = parse(configSchema, body);
    const current = emulator.store.config;
    emulator.store.config = {
      timeScale: update.timeScale ?? current.timeScale,
      durations: update.durations ?? current.durations,
      quotas: { ...current.quotas, ...update.quotas },
    };
    return emulator.store.config;
  });
  route('POST', 'scenario', (body) => {
    const scenario = parse(scenarioSchema, body);
    const store = emulator.store;
    const now = store.now();
    if ('sourceServerIds' in scenario && scenario.sourceServerIds) {
      const missing = scenario.sourceServerIds.filter((id) => !store.servers.has(id));
      if (missing.length > 0) throw new ControlError(404, `unknown source servers: ${missing.join(', ')}`);
    }
    if (scenario.type === 'networkRecoveryFailure') {
      const unknown = failNetworkRecoveries(store, scenario);
      if (unknown.length > 0) throw new ControlError(404, `unknown source networks: ${unknown.join(', ')}`);
    }
    if (scenario.type === 'replicationState') {
      for (const id of scenario.sourceServerIds) {
        applyReplicationState(emulator, id, scenario.state, scenario.error, now);
      }
    } else if (scenario.type === 'extensionError') {
      const servers = scenario.sourceServerIds.map((id) => store.servers.get(id));
      const notExtended = scenario.sourceServerIds.filter((_, i) => !servers[i]?.extendedFrom);
      if (notExtended.length > 0)
        throw new ControlError(400, `not extended source servers: ${notExtended.join(', ')}`);
      const message =
        scenario.message ?? 'AccessDenied: the staging account no longer trusts this account (emulated)';
      for (const server of servers) if (server) markExtensionError(server, message);
    } else {
      if (scenario.type === 'failbackReadyAfter') startFailbackScenario(emulator, scenario, now);
      store.scenarios.push(scenario);
    }
    return { ok: true, scenarios: store.scenarios };
  });
  route('DELETE', 'scenarios', () => {
    emulator.store.scenarios = [];
    return { ok: true };
  });
  route('POST', 'faults', (body) => {
    emulator.faults.set(parse(faultSchema, body));
    return { ok: true, faults: emulator.faults.list() };
  });
  route('DELETE', 'faults', () => {
    emulator.faults.clear();
    return { ok: true };
  });
  route('GET', 'audit', (_body, query) => emulator.audit.list({ operation: query.operation }));
  route('GET', 'in-flight', () => emulator.audit.inFlight());
  route('DELETE', 'audit', () => {
    emulator.audit.clear();
    return { ok: true };
  });
  route('POST', 'clock/advance', (body) => {
    const { seconds: s } = parse(advanceSchema, body);
    emulator.clock.advance(s);
    return { now: iso(emulator.store.now()) };
  });
  route('POST', 'servers', (body) => {
    const request = parse(addServersSchema, body);
    const store = emulator.store;
    const now = store.now();
    const partition = store.partition(request.accountId ?? DEFAULT_ACCOUNT, request.region ?? DEFAULT_REGION);
    if (partition.servers.size + request.count > store.config.quotas.maxSourceServers) {
      throw new ControlError(
        400,
        `would exceed the maxSourceServers quota (${store.config.quotas.maxSourceServers})`,
      );
    }
    const created: string[] = [];
    for (let i = 0; i < request.count; i++) {
      const hostname = `bulk-${String(partition.servers.size + 1).padStart(5, '0')}`;
      const server = store.addSourceServer(partition, {
        hostname,
        state: 'CONTINUOUS',
        tags: { Name: hostname, ...request.tags },
        disksGiB: [20],
        ec2Origin: request.ec2Origin,
      });
      attachToNetwork(partition, server);
      if (request.replicationState && request.replicationState !== 'CONTINUOUS') {
        applyReplicationState(emulator, server.id, request.replicationState, undefined, now);
      }
      created.push(server.id);
    }
    return { sourceServerIDs: created };
  });
}

function applyReplicationState(
  emulator: Emulator,
  id: string,
  state: DataReplicationState,
  error: (typeof REPLICATION_ERRORS)[number] | undefined,
  now: number,
): void {
  const server = emulator.store.servers.get(id);
  if (!server) throw new ControlError(404, `unknown source server ${id}`);
  setState(server.replication, now, state, error);
}

function startFailbackScenario(
  emulator: Emulator,
  scenario: { seconds: number; recoveryInstanceIds?: string[] },
  now: number,
): void {
  const store = emulator.store;
  const targets = scenario.recoveryInstanceIds
    ? scenario.recoveryInstanceIds.map((id) => {
        const instance = store.recoveryInstances.get(id);
        if (!instance) throw new ControlError(404, `unknown recovery instance ${id}`);
        return instance;
      })
    : [...store.recoveryInstances.values()].filter((r) => !r.isDrill);
  for (const instance of targets) beginFailbackReplication(store, instance, now, scenario.seconds * 1000);
}
