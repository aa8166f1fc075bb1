// drsReadiness: its input (a list of servers, or a plan's waves as `drsctl plan --input` takes
// them), its report, and the rule that turns what the reads found into READY, AT_RISK or
// NOT_READY. Pure and deterministic: the workflow decides with it, tests check it without Temporal.
import { z } from 'zod';
import type { CapacityLimits } from './capacity';
import type { EstateReadiness } from './readiness-estate';
import { accountIdSchema, DAY, describeIssues, parseInput, regionSchema, secondsUpTo } from './inputs';
import { planInputSchema, planServerIdsSchema, parsePlanInput, type PlanSpec } from './inputs-plan';
import type { NetworkReadiness } from './readiness-networks';

/** READY: would recover now within its targets. AT_RISK: would recover, but a target or habit slips. */
export type ReadinessOutcome = 'READY' | 'AT_RISK' | 'NOT_READY';

export const readinessInputSchema = z
  .strictObject({
    region: regionSchema,
    accountId: accountIdSchema.optional(),
    sourceServerIds: planServerIdsSchema.optional(),
    /** A plan's waves (the plan file itself); checked by drsPlan's own schema. */
    waves: z.array(z.unknown()).optional(),
    // the rest of a plan file, accepted so the same file serves both; readiness launches nothing
    confirm: z.boolean().optional(),
    approvalTimeoutSeconds: z.number().optional(),
    /** A plan's network step: its source networks are checked too (common/readiness-networks.ts). */
    network: z.unknown().optional(),
    /** Replication lag above this misses the recovery point objective. */
    rpoSeconds: secondsUpTo(DAY).default(300),
    /** The newest point in time may be at most this old. */
    maxSnapshotAgeSeconds: secondsUpTo(7 * DAY).default(3600),
    /** A server's last SUCCEEDED drill may be at most this many days old. */
    maxDaysSinceDrill: z.number().int().min(1).max(366).default(30),
  })
  .superRefine((input, ctx) => {
    if (!input.sourceServerIds === !input.waves)
      ctx.addIssue({ code: 'custom', path: [], message: 'give either sourceServerIds or waves (a plan)' });
    if (!input.waves) return;
    const plan = planInputSchema.safeParse(planFields(input));
    if (!plan.success)
      for (const problem of describeIssues(plan.error.issues))
        ctx.addIssue({ code: 'custom', path: [], message: `plan: ${problem}` });
  });

export type ReadinessInput = z.input<typeof readinessInputSchema>;
export type ReadinessSpec = Omit<z.output<typeof readinessInputSchema>, 'waves'> & { plan?: PlanSpec };

function planFields(input: {
  region: string;
  accountId?: string;
  waves?: unknown[];
  confirm?: boolean;
  network?: unknown;
}) {
  return {
    region: input.region,
    ...(input.accountId ? { accountId: input.accountId } : {}),
    ...(input.confirm !== undefined ? { confirm: input.confirm } : {}),
    ...(input.network !== undefined ? { network: input.network } : {}),
    waves: input.waves,
  };
}

export function parseReadinessInput(raw: unknown): ReadinessSpec {
  const { waves, ...input } = parseInput('drsReadiness', readinessInputSchema, raw);
  return waves ? { ...input, plan: parsePlanInput(planFields({ ...input, waves })) } : input;
}

/** What the reads found about one server (DRS, and Temporal visibility for drills). */
export interface ServerFacts {
  sourceServerId: string;
  wave?: string;
  found: boolean;
  /** Why nothing could be read about it (its account did not answer); `found` is false then. */
  notRead?: string;
  replicationState?: string;
  lagSeconds?: number;
  replicationError?: string;
  activeJobId?: string;
  /** When the newest recovery snapshot was taken (ISO-8601). */
  latestSnapshotAt?: string;
  /** Why the launch configuration cannot launch the server; undefined when it can. */
  launchConfigurationProblem?: string;
  lastSucceededDrill?: { workflowId: string; closedAt: string };
  /** stagingArea.errorMessage when the server's extension is broken (EXTENSION_ERROR). */
  extensionError?: string;
  /** Not in the recovery account, but replicating in this staging account: never extended. */
  notExtendedFrom?: string;
}

export interface ServerReadiness {
  sourceServerId: string;
  wave?: string;
  status: ReadinessOutcome;
  replicationState?: string;
  lagSeconds?: number;
  snapshotAgeSeconds?: number;
  launchConfiguration: 'usable' | 'not usable';
  activeJobId?: string;
  lastSucceededDrillAt?: string;
  lastSucceededDrillWorkflowId?: string;
  daysSinceDrill?: number;
  /** NOT_READY reasons. */
  errors: string[];
  /** AT_RISK reasons. */
  warnings: string[];
}

/** What a plan (or the list of servers as one DRS job per 100) needs at once, against the quotas. */
export interface QuotaHeadroom {
  limits: CapacityLimits;
  jobsInProgress: number;
  serversInActiveJobs: number;
  /** The most jobs and servers in active jobs the run would hold at once. */
  jobsNeededAtOnce: number;
  serversNeededAtOnce: number;
  /** Launch and (for drills) terminate jobs over the whole run. */
  jobsNeededInAll: number;
  /** Why the headroom is short; empty when it fits. */
  short: string[];
}

export interface ReadinessThresholds {
  rpoSeconds: number;
  maxSnapshotAgeSeconds: number;
  maxDaysSinceDrill: number;
}

export interface ReadinessReport {
  operation: 'readiness';
  workflowId: string;
  outcome: ReadinessOutcome;
  region: string;
  accountId?: string;
  thresholds: ReadinessThresholds;
  /** The staging account (accountId) answered a call with the worker's assumed role. */
  account: { reachable: boolean; error?: string };
  headroom?: QuotaHeadroom;
  /** The staging accounts of the recovery account: reachable, replicating servers, headroom. */
  estate?: EstateReadiness;
  servers: ServerReadiness[];
  /** The plan's network step: each source network's replication (common/readiness-networks.ts). */
  networks?: NetworkReadiness[];
  /** Servers whose last SUCCEEDED drill is older than maxDaysSinceDrill, or that never had one. */
  staleDrills: string[];
  summary: string;
  errors: string[];
  startedAt: string;
  finishedAt: string;
}

/** The `progress` query's answer. */
export interface ReadinessProgress {
  operation: 'readiness';
  phase: 'reading' | 'done';
  servers: { sourceServerId: string }[];
  report?: ReadinessReport;
}

const DAY_MS = DAY * 1000;

/**
 * The rule, per server. NOT_READY: not read (its account did not answer), not found, replication not CONTINUOUS (STALLED, DISCONNECTED, …),
 * no usable launch configuration. AT_RISK: lag above the RPO target, newest point in time older than
 * maxSnapshotAgeSeconds (or none), no SUCCEEDED drill within maxDaysSinceDrill, already in an
 * active job (a recovery now would be refused until it ends). Otherwise READY.
 */
export function assessServer(facts: ServerFacts, t: ReadinessThresholds, nowMs: number): ServerReadiness {
  const errors: string[] = [];
  const warnings: string[] = [];
  const snapshotAgeSeconds = facts.latestSnapshotAt
    ? Math.max(0, Math.round((nowMs - Date.parse(facts.latestSnapshotAt)) / 1000))
    : undefined;
  const drill = facts.lastSucceededDrill;
  const daysSinceDrill = drill
    ? Math.floor(((nowMs - Date.parse(drill.closedAt)) / DAY_MS) * 10) / 10
    : undefined;
  if (facts.notRead) errors.push(`not read: ${facts.notRead}`);
  else if (!facts.found && facts.notExtendedFrom)
    errors.push(
      `not extended into the account the plan recovers in: it replicates in staging account ${facts.notExtendedFrom} (extend it with drsExtend)`,
    );
  else if (!facts.found) errors.push('source server not found');
  else {
    if (facts.replicationState !== 'CONTINUOUS') {
      const why = facts.replicationError ? ` (${facts.replicationError})` : '';
      errors.push(`replication is ${facts.replicationState ?? 'unknown'}, not CONTINUOUS${why}`);
    } else if (facts.lagSeconds !== undefined && facts.lagSeconds > t.rpoSeconds)
      warnings.push(`replication lag ${facts.lagSeconds}s is above the RPO target of ${t.rpoSeconds}s`);
    if (facts.extensionError) errors.push(`extension broken (EXTENSION_ERROR): ${facts.extensionError}`);
    if (facts.launchConfigurationProblem)
      errors.push(`launch configuration not usable: ${facts.launchConfigurationProblem}`);
    if (snapshotAgeSeconds === undefined) warnings.push('no recovery snapshot yet');
    else if (snapshotAgeSeconds > t.maxSnapshotAgeSeconds)
      warnings.push(`newest point in time is ${snapshotAgeSeconds}s old (limit ${t.maxSnapshotAgeSeconds}s)`);
    if (facts.activeJobId) warnings.push(`already takes part in active job ${facts.activeJobId}`);
  }
  if (daysSinceDrill === undefined)
    warnings.push(`no SUCCEEDED drill found within ${t.maxDaysSinceDrill} days`);
  else if (daysSinceDrill > t.maxDaysSinceDrill)
    warnings.push(`last SUCCEEDED drill ${daysSinceDrill} days ago (limit ${t.maxDaysSinceDrill} days)`);
  return {
    sourceServerId: facts.sourceServerId,
    ...(facts.wave ? { wave: facts.wave } : {}),
    status: errors.length ? 'NOT_READY' : warnings.length ? 'AT_RISK' : 'READY',
    replicationState: facts.replicationState,
    lagSeconds: facts.lagSeconds,
    snapshotAgeSeconds,
    launchConfiguration: facts.launchConfigurationProblem || !facts.found ? 'not usable' : 'usable',
    activeJobId: facts.activeJobId,
    lastSucceededDrillAt: drill?.closedAt,
    lastSucceededDrillWorkflowId: drill?.workflowId,
    daysSinceDrill,
    errors,
    warnings,
  };
}

/** True when the server's drill habit slipped: no SUCCEEDED drill within the window. */
export function drillIsStale(server: ServerReadiness, t: ReadinessThresholds): boolean {
  return server.daysSinceDrill === undefined || server.daysSinceDrill > t.maxDaysSinceDrill;
}

/** One group of servers a run launches together: a plan wave, or the whole list. */
export interface LaunchGroup {
  servers: number;
  maxServersPerChild: number;
  maxChildrenAtOnce: number;
  /** A drill also creates a terminate job per launch job. */
  drill: boolean;
}

/**
 * What a run of `groups` needs from the quotas, one group at a time (waves run in order), against
 * the limits and what the account's active jobs already hold.
 */
export function quotaHeadroom(
  groups: LaunchGroup[],
  limits: CapacityLimits,
  usage: { jobsInProgress: number; serversInActiveJobs: number },
): QuotaHeadroom {
  let jobsNeededAtOnce = 0;
  let serversNeededAtOnce = 0;
  let jobsNeededInAll = 0;
  for (const g of groups) {
    const jobs = Math.ceil(g.servers / g.maxServersPerChild);
    jobsNeededInAll += jobs * (g.drill ? 2 : 1);
    jobsNeededAtOnce = Math.max(jobsNeededAtOnce, Math.min(jobs, g.maxChildrenAtOnce));
    serversNeededAtOnce = Math.max(
      serversNeededAtOnce,
      Math.min(g.servers, g.maxChildrenAtOnce * g.maxServersPerChild),
    );
  }
  const freeJobs = limits.maxConcurrentJobs - usage.jobsInProgress;
  const freeServers = limits.maxServersInActiveJobs - usage.serversInActiveJobs;
  const short: string[] = [];
  if (jobsNeededAtOnce > freeJobs)
    short.push(
      `needs ${jobsNeededAtOnce} jobs at once, ${freeJobs} of ${limits.maxConcurrentJobs} free (${usage.jobsInProgress} in progress)`,
    );
  if (serversNeededAtOnce > freeServers)
    short.push(
      `needs ${serversNeededAtOnce} servers in active jobs at once, ${freeServers} of ${limits.maxServersInActiveJobs} free`,
    );
  return { limits, ...usage, jobsNeededAtOnce, serversNeededAtOnce, jobsNeededInAll, short };
}

/** The run's outcome: the worst server, NOT_READY when the account cannot be reached, AT_RISK when headroom is short. */
export function readinessOutcome(
  servers: ServerReadiness[],
  accountReachable: boolean,
  headroom: QuotaHeadroom | undefined,
): ReadinessOutcome {
  if (!accountReachable || servers.some((s) => s.status === 'NOT_READY')) return 'NOT_READY';
  if ((headroom?.short.length ?? 0) > 0 || servers.some((s) => s.status === 'AT_RISK')) return 'AT_RISK';
  return 'READY';
}
