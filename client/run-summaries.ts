// What the Temporal UI shows on a run drsctl or a schedule started, before anyone opens its input:
// a one-line summary ("drill of 3 servers in us-east-1 (validation: hold 10m)") and Markdown
// details (servers, account, region, deadlines, who started it). Temporal keeps them as the run's
// user metadata (`staticSummary` / `staticDetails`, fixed at start). One function per workflow
// type, each from the validated input.
import { hostname, userInfo } from 'node:os';
import type { DrillSpec } from '../common/inputs';
import type { FailbackSpec, RecoverySpec, ReplicationSpec } from '../common/inputs-lifecycle';
import type { ReprotectSpec } from '../common/inputs-reprotect';
import type { ReadinessSpec } from '../common/readiness';
import type { ExtendSpec } from '../common/extend';
import type { ReconcileSpec } from '../common/reconcile';
import { namedServerIds, type PlanSpec } from '../common/inputs-plan';
import type { PointInTime } from '../common/point-in-time';

/** The start options Temporal stores as the run's user metadata. */
export interface RunSummary {
  staticSummary: string;
  staticDetails: string;
}

/** Ids listed in the details; the rest are counted (every id is in the run's input). */
const LISTED_IDS = 25;

/** `90` → `90s`, `600` → `10m`, `86400` → `24h`, `5400` → `1h30m`. */
export function briefDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].filter(Boolean);
  return parts.join('') || '0s';
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function where(target: { region: string; accountId?: string }): string {
  return target.accountId ? `${target.region}, account ${target.accountId}` : target.region;
}

function idList(ids: readonly string[]): string {
  const shown = ids.slice(0, LISTED_IDS).map((id) => `\`${id}\``);
  const more = ids.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** Markdown: a bold label per line, in the order given; undefined lines are left out. */
function details(lines: [label: string, value: string | undefined][]): string {
  return lines
    .filter((line): line is [string, string] => line[1] !== undefined)
    .map(([label, value]) => `**${label}:** ${value}  `)
    .join('\n');
}

function targetLines(target: { region: string; accountId?: string }): [string, string][] {
  return [
    ['Region', target.region],
    ['Account', target.accountId ?? "the worker's own"],
  ];
}

/** Failback and reprotect name their instances the same way: by recovery job, or one by one. */
type RecoveryInstancesChoice = Pick<FailbackSpec, 'recoveryJobId' | 'recoveryInstanceIds'>;

function recoveryInstancesPhrase(spec: RecoveryInstancesChoice): string {
  return spec.recoveryJobId
    ? `the recovery instances of job ${spec.recoveryJobId}`
    : count(spec.recoveryInstanceIds.length, 'recovery instance');
}

function recoveryInstancesLine(spec: RecoveryInstancesChoice): [string, string] {
  return spec.recoveryJobId
    ? ['Recovery job', `\`${spec.recoveryJobId}\``]
    : [`Recovery instances (${spec.recoveryInstanceIds.length})`, idList(spec.recoveryInstanceIds)];
}

function pointInTime(spec: { pointInTime?: PointInTime; recoverySnapshotIds: Record<string, string> }) {
  if (spec.pointInTime)
    return 'atOrBefore' in spec.pointInTime
      ? `newest snapshot at or before ${spec.pointInTime.atOrBefore}`
      : `newest snapshot at least ${briefDuration(spec.pointInTime.secondsAgo)} old`;
  const named = Object.keys(spec.recoverySnapshotIds).length;
  return named > 0
    ? `a named snapshot for ${count(named, 'server')}, latest data for the rest`
    : 'latest data';
}

function validation(v: DrillSpec['validation']): string {
  switch (v.mode) {
    case 'none':
      return 'none';
    case 'hold':
      return `hold ${briefDuration(v.holdSeconds)}`;
    case 'approval':
      return `approval within ${briefDuration(v.timeoutSeconds)}, else ${v.onTimeout}`;
    case 'healthChecks':
      return `${count(v.checks.length, 'health check')} within ${briefDuration(v.timeoutSeconds)}`;
  }
}

export function drillSummary(spec: DrillSpec, startedBy: string): RunSummary {
  return {
    staticSummary: `drill of ${count(spec.sourceServerIds.length, 'server')} in ${where(spec)} (validation: ${validation(spec.validation)})`,
    staticDetails: details([
      [`Servers (${spec.sourceServerIds.length})`, idList(spec.sourceServerIds)],
      ...targetLines(spec),
      ['Point in time', pointInTime(spec)],
      ['Validation', validation(spec.validation)],
      [
        'Deadlines',
        `launch ${briefDuration(spec.launchTimeoutSeconds)}, cleanup ${briefDuration(spec.cleanupTimeoutSeconds)}` +
          (spec.repairReplication ? `, replication repair ${briefDuration(spec.repairTimeoutSeconds)}` : ''),
      ],
      ['Started by', startedBy],
    ]),
  };
}

export function recoverySummary(spec: RecoverySpec, startedBy: string): RunSummary {
  const approval = spec.confirm
    ? 'confirmed at start'
    : `approve within ${briefDuration(spec.approvalTimeoutSeconds)}`;
  return {
    staticSummary: `FAILOVER of ${count(spec.sourceServerIds.length, 'server')} in ${where(spec)} (approval: ${approval})`,
    staticDetails: details([
      [`Servers (${spec.sourceServerIds.length})`, idList(spec.sourceServerIds)],
      ...targetLines(spec),
      ['Point in time', pointInTime(spec)],
      ['Approval', approval],
      ['Replication', spec.requireHealthyReplication ? 'must be healthy' : 'problems are warnings'],
      ['Deadlines', `launch ${briefDuration(spec.launchTimeoutSeconds)}`],
      [
        'Capacity',
        spec.preemptDrills
          ? `ahead of drills; aborts drills holding places after ${briefDuration(spec.preemptDrills.afterSeconds)}`
          : 'ahead of drills',
      ],
      ['Started by', startedBy],
    ]),
  };
}

export function failbackSummary(spec: FailbackSpec, startedBy: string): RunSummary {
  return {
    staticSummary: `failback of ${recoveryInstancesPhrase(spec)} in ${where(spec)}`,
    staticDetails: details([
      recoveryInstancesLine(spec),
      ...targetLines(spec),
      [
        'Deadlines',
        `ready for failback ${briefDuration(spec.readyTimeoutSeconds)}, launch ${briefDuration(spec.launchTimeoutSeconds)}`,
      ],
      ['Started by', startedBy],
    ]),
  };
}

export function reprotectSummary(spec: ReprotectSpec, startedBy: string): RunSummary {
  return {
    staticSummary: `reprotect (ReverseReplication) of ${recoveryInstancesPhrase(spec)} in ${where(spec)}`,
    staticDetails: details([
      recoveryInstancesLine(spec),
      ...targetLines(spec),
      ['Deadline', `CONTINUOUS within ${briefDuration(spec.timeoutSeconds)}`],
      ['Started by', startedBy],
    ]),
  };
}

export function replicationSummary(spec: ReplicationSpec, startedBy: string): RunSummary {
  const waits = (spec.action === 'repair' || spec.action === 'start') && spec.waitForContinuous;
  return {
    staticSummary: `replication ${spec.action} of ${count(spec.sourceServerIds.length, 'server')} in ${where(spec)}${spec.confirm ? ' (confirmed)' : ''}`,
    staticDetails: details([
      [`Servers (${spec.sourceServerIds.length})`, idList(spec.sourceServerIds)],
      ...targetLines(spec),
      ['Action', spec.action],
      [
        'Deadlines',
        waits
          ? `CONTINUOUS with lag ≤ ${briefDuration(spec.maxReplicationLagSeconds)} within ${briefDuration(spec.timeoutSeconds)}`
          : undefined,
      ],
      ['Started by', startedBy],
    ]),
  };
}

export function planSummary(spec: PlanSpec, startedBy: string): RunSummary {
  const recoveries = spec.waves.filter((w) => w.action === 'recovery').length;
  const waveLine = (w: PlanSpec['waves'][number]) => {
    const named = namedServerIds(w);
    const selector = [
      ...(w.tags
        ? [
            `tagged ${Object.entries(w.tags)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}`,
          ]
        : []),
      ...(w.stagingAccountIds ? [`extended from ${w.stagingAccountIds.join(', ')}`] : []),
    ];
    const servers = named ? count(named.length, 'server') : `servers ${selector.join(' and ')}`;
    const placement =
      w.accountId || w.region
        ? ` in ${where({ region: w.region ?? spec.region, accountId: w.accountId ?? spec.accountId })}`
        : '';
    const after = w.dependsOn.length > 0 ? `, after ${w.dependsOn.join(', ')}` : '';
    return `${w.name} (${w.action}, ${servers}${placement}${after}${w.pauseBefore ? ', approval first' : ''})`;
  };
  return {
    staticSummary: `plan of ${count(spec.waves.length, 'wave')} in ${where(spec)}: ${spec.waves.map((w) => w.name).join(' → ')}${recoveries > 0 ? ` (${count(recoveries, 'FAILOVER wave')})` : ''}`,
    staticDetails: details([
      [`Waves (${spec.waves.length})`, spec.waves.map(waveLine).join('; ')],
      ...targetLines(spec),
      ['Deadlines', `approval gates ${briefDuration(spec.approvalTimeoutSeconds)}`],
      ['Started by', startedBy],
    ]),
  };
}

export function readinessSummary(spec: ReadinessSpec, startedBy: string): RunSummary {
  const what = spec.plan
    ? count(spec.plan.waves.length, 'plan wave')
    : count(spec.sourceServerIds?.length ?? 0, 'server');
  return {
    staticSummary: `readiness check of ${what} in ${where(spec)} (read-only)`,
    staticDetails: details([
      ['Servers', spec.sourceServerIds ? idList(spec.sourceServerIds) : undefined],
      ['Waves', spec.plan?.waves.map((w) => w.name).join(', ')],
      ...targetLines(spec),
      [
        'Thresholds',
        `RPO ${briefDuration(spec.rpoSeconds)}, newest point in time ≤ ${briefDuration(spec.maxSnapshotAgeSeconds)} old, a SUCCEEDED drill within ${spec.maxDaysSinceDrill} days`,
      ],
      ['Started by', startedBy],
    ]),
  };
}

export function reconcileSummary(spec: ReconcileSpec, startedBy: string): RunSummary {
  return {
    staticSummary: `reconcile leaked drill instances in ${where(spec)}${spec.dryRun ? ' (dry run)' : ''}`,
    staticDetails: details([
      ...targetLines(spec),
      [
        'Rule',
        `terminate drill instances of this product's closed drills after ${briefDuration(spec.graceSeconds)}; report untagged ones older than ${briefDuration(spec.untaggedMaxAgeSeconds)}`,
      ],
      ['Started by', startedBy],
    ]),
  };
}

export function extendSummary(spec: ExtendSpec, startedBy: string): RunSummary {
  const what = spec.sourceServerArns
    ? `${spec.sourceServerArns.length} named server(s)`
    : `${spec.tags ? 'tagged' : 'all'} extensible servers of ${spec.stagingAccountIds?.join(', ') ?? 'every staging account'}`;
  return {
    staticSummary: `extend ${what} into ${where(spec)}${spec.confirm ? '' : ' (dry run)'}`,
    staticDetails: details([
      ...targetLines(spec),
      ...(spec.tags ? [['Tags', JSON.stringify(spec.tags)] as [string, string]] : []),
      ['Started by', startedBy],
    ]),
  };
}

/** Who is starting a run from this process: the OS user and host, and the CI job when there is one. */
export function localStarter(env: NodeJS.ProcessEnv = process.env): string {
  let user = env.USER ?? env.USERNAME ?? 'unknown user';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): the environment's name stands
  }
  const ci =
    env.GITHUB_ACTIONS === 'true' && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `, GitHub Actions ${env.GITHUB_REPOSITORY} run ${env.GITHUB_RUN_ID}${env.GITHUB_ACTOR ? ` by ${env.GITHUB_ACTOR}` : ''}`
      : '';
  return `drsctl as ${user}@${hostname()}${ci}`;
}
