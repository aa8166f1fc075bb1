// drsReadiness: "if the region failed now, would this plan recover within its targets?" It reads,
// and changes nothing in DRS: the account answers (through the worker's assumed role), each server's
// replication, lag, newest point in time, launch configuration and active job, its last SUCCEEDED
// drill (the evidence store, else Temporal visibility), and the plan's quota headroom. The rule is common/readiness.ts.
// Outcome in DrsOutcome (READY, AT_RISK, NOT_READY) with DrsOperation "readiness", so the UI lists
// the latest NOT_READY runs; AT_RISK and NOT_READY notify, and so do stale drills.
import { patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  assessServer,
  drillIsStale,
  parseReadinessInput,
  quotaHeadroom,
  readinessOutcome,
  type LaunchGroup,
  type ReadinessInput,
  type ReadinessProgress,
  type ReadinessReport,
  type ReadinessSpec,
  type ServerFacts,
} from '../common/readiness';
import type { PlanNetwork } from '../common/inputs-networks';
import { assessNetworks, withNetworks, type NetworkReadiness } from '../common/readiness-networks';
import { DrsOutcome, DrsPhase, serverSearchAttributes } from '../common/search-attributes';
import { readinessProgressQuery } from './messages';
import { recordEndEvidence } from './end-evidence';
import { recordEvidence } from './evidence';
import { notify } from './notifications';
import { PATCHES } from './patches';
import { drsActivities, targetOf, validated } from './operation-support';

/** A server of the run, with the wave it belongs to when the input is a plan. */
interface Target {
  sourceServerId: string;
  wave?: string;
}

export async function drsReadiness(input: ReadinessInput): Promise<ReadinessReport> {
  const state: Omit<ReadinessProgress, 'operation'> = { phase: 'reading', servers: [] };
  setHandler(readinessProgressQuery, (): ReadinessProgress => ({ operation: 'readiness', ...state }));
  const startedAt = new Date().toISOString();
  const spec = await validated('readiness', parseReadinessInput, input);
  let ids: string[] = [];
  try {
    return await assess(spec, state, startedAt, (read) => (ids = read));
  } catch (err) {
    // a failed or cancelled check keeps its evidence too (workflows/end-evidence.ts)
    await recordEndEvidence('readiness', err, {
      ...targetOf(spec),
      servers: ids.map((sourceServerId) => ({ sourceServerId })),
    });
    throw err;
  }
}

async function assess(
  spec: ReadinessSpec,
  state: Omit<ReadinessProgress, 'operation'>,
  startedAt: string,
  noteServers: (ids: string[]) => void,
): Promise<ReadinessReport> {
  const targets = await serversOf(spec);
  const ids = targets.map((t) => t.sourceServerId);
  noteServers(ids);
  upsertSearchAttributes([...serverSearchAttributes('readiness', ids), { key: DrsPhase, value: 'reading' }]);

  const account = await drsActivities.checkAccountAccess(targetOf(spec));
  const unreachable = account.reachable ? undefined : `account ${spec.accountId ?? '(own)'} not reachable`;
  const facts = unreachable ? targets.map((t) => unread(t, unreachable)) : await readFacts(spec, targets);
  const usage = account.reachable ? await drsActivities.readQuotaUsage(targetOf(spec)) : undefined;
  const headroom = usage ? quotaHeadroom(launchGroups(spec, targets), usage.limits, usage) : undefined;

  // the staging accounts: roles, quota headroom, and where servers missing here replicate
  const estate =
    account.reachable && patched(PATCHES.readinessEstate.id)
      ? await drsActivities.readStagingEstate({
          ...targetOf(spec),
          missingServerIds: facts.filter((f) => !f.found).map((f) => f.sourceServerId),
        })
      : undefined;
  for (const f of facts)
    if (estate?.notExtended[f.sourceServerId]) f.notExtendedFrom = estate.notExtended[f.sourceServerId];
  const networks =
    account.reachable && spec.plan?.network ? await readNetworks(spec, spec.plan.network, ids) : undefined;

  const now = Date.now();
  const servers = facts.map((f) => assessServer(f, spec, now));
  const serverOutcome = withNetworks(readinessOutcome(servers, account.reachable, headroom), networks ?? []);
  const outcome = serverOutcome === 'READY' && estate?.warnings.length ? 'AT_RISK' : serverOutcome;
  const staleDrills = servers.filter((s) => drillIsStale(s, spec)).map((s) => s.sourceServerId);
  const report: ReadinessReport = {
    operation: 'readiness',
    workflowId: workflowInfo().workflowId,
    outcome,
    ...targetOf(spec),
    thresholds: {
      rpoSeconds: spec.rpoSeconds,
      maxSnapshotAgeSeconds: spec.maxSnapshotAgeSeconds,
      maxDaysSinceDrill: spec.maxDaysSinceDrill,
    },
    account,
    ...(headroom ? { headroom } : {}),
    ...(estate ? { estate } : {}),
    servers,
    ...(networks ? { networks } : {}),
    staleDrills,
    summary: [
      summarize(outcome, servers, account, headroom?.short ?? [], networks ?? []),
      ...(estate?.warnings ?? []),
    ].join('; '),
    errors: unreachable ? [`${unreachable}: ${account.error}`] : [],
    startedAt,
    finishedAt: new Date().toISOString(),
  };
  upsertSearchAttributes([
    { key: DrsPhase, value: 'done' },
    { key: DrsOutcome, value: outcome },
  ]);
  state.phase = 'done';
  state.servers = servers.map((s) => ({ sourceServerId: s.sourceServerId }));
  state.report = report;

  if (outcome !== 'READY')
    await notify({ kind: 'readiness', title: `readiness ${outcome}`, outcome, summary: report.summary });
  if (staleDrills.length > 0)
    await notify({
      kind: 'drill-stale',
      title: `no SUCCEEDED drill within ${spec.maxDaysSinceDrill} days`,
      summary: `${staleDrills.length} server(s): ${staleDrills.slice(0, 10).join(', ')}`,
      sourceServerIds: staleDrills.slice(0, 100),
    });
  await recordEvidence(report, 'COMPLETED');
  return report;
}

/** The input's servers: the list, or every wave's (tag selectors resolved, read-only). */
async function serversOf(spec: ReadinessSpec): Promise<Target[]> {
  if (!spec.plan) return (spec.sourceServerIds ?? []).map((sourceServerId) => ({ sourceServerId }));
  const tagged = spec.plan.waves.filter((w) => w.tags);
  const resolved = tagged.length
    ? await drsActivities.resolveTaggedServers({
        ...targetOf(spec),
        selectors: tagged.map((w) => w.tags ?? {}),
      })
    : [];
  return spec.plan.waves.flatMap((wave) => {
    const ids = wave.sourceServerIds ?? resolved[tagged.indexOf(wave)] ?? [];
    return ids.map((sourceServerId) => ({ sourceServerId, wave: wave.name }));
  });
}

async function readFacts(spec: ReadinessSpec, targets: Target[]): Promise<ServerFacts[]> {
  const sourceServerIds = targets.map((t) => t.sourceServerId);
  const health = await drsActivities.inspectSourceServers({ ...targetOf(spec), sourceServerIds });
  const found = health.filter((h) => h.found).map((h) => h.sourceServerId);
  const recovery = found.length
    ? await drsActivities.readRecoveryReadiness({ ...targetOf(spec), sourceServerIds: found })
    : [];
  const drills = await drsActivities.lastSucceededDrills({ ...targetOf(spec), sourceServerIds });
  return targets.map((t, i) => {
    const h = health[i];
    const r = recovery.find((x) => x.sourceServerId === t.sourceServerId);
    const drill = drills[t.sourceServerId];
    return {
      ...t,
      found: h.found,
      replicationState: h.replicationState,
      lagSeconds: h.lagSeconds,
      replicationError: h.replicationError,
      activeJobId: h.activeJobId,
      ...(h.extensionError ? { extensionError: h.extensionError } : {}),
      latestSnapshotAt: r?.latestSnapshotAt,
      launchConfigurationProblem: r?.launchConfigurationProblem,
      ...(drill ? { lastSucceededDrill: drill } : {}),
    };
  });
}

/** The network step's networks (named, or those protecting the plan's servers), as readiness ranks them. */
async function readNetworks(
  spec: ReadinessSpec,
  network: PlanNetwork,
  sourceServerIds: string[],
): Promise<NetworkReadiness[]> {
  const ids =
    network.sourceNetworkIds ??
    (await drsActivities.sourceNetworksOfServers({ ...targetOf(spec), sourceServerIds }));
  if (ids.length === 0) return [];
  return assessNetworks(
    ids,
    await drsActivities.describeSourceNetworks({ ...targetOf(spec), sourceNetworkIds: ids }),
  );
}

/** A server of an account that could not be reached: nothing is known about it, and why. */
const unread = (t: Target, notRead: string): ServerFacts => ({ ...t, found: false, notRead });

/** How the run would launch: the plan's waves, or the list as drills of up to 100 servers. */
function launchGroups(spec: ReadinessSpec, targets: Target[]): LaunchGroup[] {
  if (!spec.plan)
    return [{ servers: targets.length, maxServersPerChild: 100, maxChildrenAtOnce: 1, drill: true }];
  return spec.plan.waves.map((w) => ({
    servers: targets.filter((t) => t.wave === w.name).length,
    maxServersPerChild: w.maxServersPerChild,
    maxChildrenAtOnce: w.maxChildrenAtOnce,
    drill: w.action === 'drill',
  }));
}

function summarize(
  outcome: string,
  servers: ReadinessReport['servers'],
  account: ReadinessReport['account'],
  short: string[],
  networks: NetworkReadiness[],
): string {
  if (!account.reachable) return `NOT_READY: account not reachable (${account.error})`;
  const count = (status: string) => servers.filter((s) => s.status === status).length;
  const parts = [`${count('READY')} ready, ${count('AT_RISK')} at risk, ${count('NOT_READY')} not ready`];
  const first = servers.find((s) => s.errors.length || s.warnings.length);
  if (first) parts.push(`${first.sourceServerId}: ${[...first.errors, ...first.warnings][0]}`);
  if (short.length) parts.push(`quota headroom short: ${short.join('; ')}`);
  const network =
    networks.find((n) => n.status === 'NOT_READY') ?? networks.find((n) => n.status === 'AT_RISK');
  if (network) parts.push(`network ${network.sourceNetworkId}: ${network.reason}`);
  return `${outcome}: ${parts.join('; ')}`;
}
