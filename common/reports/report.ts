// The report shape every workflow returns (DESIGN: `outcome` and `servers[]` with
// `sourceServerId`), read generically so one set of writers serves every operation.
import type { ReadinessOutcome } from '../readiness';
import type { TargetResult, TargetResults } from '../targets';
import { excerptText } from '../boot-evidence';
import { textOf } from './escape';
import type { AbortRequest, Approval, Outcome, ServerBootReport } from '../types';

export interface ServerResult {
  sourceServerId: string;
  errors?: string[];
  [field: string]: unknown;
}

export interface OperationReport {
  operation: string;
  workflowId: string;
  outcome: Outcome | ReadinessOutcome;
  servers: ServerResult[];
  summary?: string;
  errors?: string[];
  startedAt?: string;
  finishedAt?: string;
  [field: string]: unknown;
}

/** The outcomes that pass (exit code 0, no failed JUnit case): a drill's and a readiness check's. */
export const PASSING_OUTCOMES: readonly string[] = ['SUCCEEDED', 'READY'];

/** Statuses a launch ends in when it worked (a drill instance is TERMINATED after cleanup). */
const GOOD_LAUNCH = new Set(['LAUNCHED', 'TERMINATED']);

/** Why this server counts as failed, or undefined when it passed. */
export function serverFailure(server: ServerResult): string | undefined {
  if (server.errors?.length) return server.errors.join('; ');
  if (typeof server.launchStatus === 'string' && !GOOD_LAUNCH.has(server.launchStatus)) {
    return `launch status ${server.launchStatus}`;
  }
  if (server.status === 'FAILED') return 'status FAILED';
  if (server.healthy === false) return 'health checks failed';
  return undefined;
}

/** Seconds the server took (time to launch when known), for the JUnit `time` attribute. */
export function serverSeconds(server: ServerResult): number {
  const t = server.timeToLaunchSeconds ?? server.durationSeconds;
  return typeof t === 'number' && Number.isFinite(t) ? t : 0;
}

export function reportSeconds(report: OperationReport): number {
  if (!report.startedAt || !report.finishedAt) return 0;
  const ms = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}

/** A report for a run that ended without one (failed, cancelled, terminated): every server failed. */
export function reportForFailedRun(
  operation: string,
  workflowId: string,
  sourceServerIds: string[],
  message: string,
  outcome: Outcome = 'FAILED',
): OperationReport {
  return {
    operation,
    workflowId,
    outcome,
    servers: sourceServerIds.map((sourceServerId) => ({ sourceServerId, errors: [message] })),
    summary: message,
    errors: [message],
  };
}

/** One target as text reports show it: "RTO 412s > 300s: MISSED". */
export function describeTarget(name: 'RTO' | 'RPO', t: TargetResult): string {
  const measured = t.measuredSeconds === undefined ? 'not measured' : `${t.measuredSeconds}s`;
  return t.met
    ? `${name} ${measured} ≤ ${t.targetSeconds}s: met`
    : `${name} ${measured} ${t.measuredSeconds === undefined ? 'vs' : '>'} ${t.targetSeconds}s: MISSED`;
}

/** The server's targets by name (RTO, RPO), those it has. */
export function serverTargets(server: ServerResult): [name: 'RTO' | 'RPO', result: TargetResult][] {
  const targets = server.targets as TargetResults | undefined;
  return [
    ...(targets?.rto ? [['RTO', targets.rto] as ['RTO', TargetResult]] : []),
    ...(targets?.rpo ? [['RPO', targets.rpo] as ['RPO', TargetResult]] : []),
  ];
}

/** The targets this server missed, described; empty when it met them or had none. */
export function targetMisses(server: ServerResult): string[] {
  return serverTargets(server)
    .filter(([, t]) => !t.met)
    .map(([name, t]) => describeTarget(name, t));
}

/** Per-server fields shown in text reports, in this order, when any server has them: field → title. */
const SERVER_TITLES: Record<string, string> = {
  wave: 'Wave',
  childWorkflowId: 'Child workflow',
  launchStatus: 'Launch',
  status: 'Status',
  recoveryInstanceId: 'Recovery instance',
  ec2InstanceId: 'EC2 instance',
  pointInTime: 'Point in time',
  timeToLaunchSeconds: 'Time to launch',
  timeToHealthySeconds: 'Time to healthy',
  steps: 'Steps (DRS job log)',
  dataAgeSeconds: 'Data age (RPO)',
  // drsReadiness
  replicationState: 'Replication',
  lagSeconds: 'Lag',
  snapshotAgeSeconds: 'Newest point in time age',
  launchConfiguration: 'Launch configuration',
  activeJobId: 'Active job',
  daysSinceDrill: 'Days since SUCCEEDED drill',
  lastSucceededDrillWorkflowId: 'Last SUCCEEDED drill',
  lastSucceededDrillAt: 'Drill closed',
  warnings: 'Warnings',
  boot: 'Boot evidence',
  healthy: 'Healthy',
  terminated: 'Cleaned up',
  targets: 'Targets',
};

/** The columns of SERVER_TITLES; a field counted in seconds (its name ends so) shows its unit. */
export const SERVER_COLUMNS: { field: string; title: string; unit?: string }[] = Object.entries(
  SERVER_TITLES,
).map(([field, title]) => (field.endsWith('Seconds') ? { field, title, unit: 's' } : { field, title }));

export function formatValue(value: unknown, unit = ''): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return `${Math.round(value * 10) / 10}${unit}`;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.join('; ');
  if (typeof value === 'object' && isTargets(value)) return formatTargets(value);
  if (typeof value === 'object' && isBoot(value)) return bootSummary(value);
  if (typeof value === 'object') return formatSteps(value as Record<string, { seconds?: number }>);
  return textOf(value);
}

function isBoot(value: object): value is ServerBootReport {
  return typeof (value as ServerBootReport).result === 'string';
}

/** What the RTO targets were judged on, as text reports say it. */
export function rtoMeasureText(report: OperationReport): string | undefined {
  if (report.rtoMeasure === 'timeToHealthy')
    return 'RTO judged on time to healthy (StartRecovery request until every check passed)';
  if (report.rtoMeasure === 'timeToLaunch')
    return 'RTO judged on time to launch (no boot or in-guest checks ran)';
  return undefined;
}

/** "PASSED: status checks ok, 1 launch action, 1 in-guest check" / "FAILED: <reason>" / "not checked (…)". */
export function bootSummary(boot: ServerBootReport): string {
  if (boot.result === 'NOT_CHECKED') return `not checked${boot.reason ? ` (${boot.reason})` : ''}`;
  if (boot.result === 'FAILED') return `FAILED: ${boot.reason ?? 'no reason given'}`;
  const parts = [boot.statusChecks ? 'status checks ok' : 'status checks not checked'];
  if (boot.launchActions?.length) parts.push(`${boot.launchActions.length} launch action(s)`);
  if (boot.checks?.length) parts.push(`${boot.checks.length} in-guest check(s) passed`);
  return `PASSED: ${parts.join(', ')}`;
}

/** Every piece of a server's boot evidence, one line each (outputs and the console as indented blocks). */
export function bootDetails(boot: ServerBootReport): string[] {
  const lines = [`Boot evidence: ${bootSummary(boot)}`];
  const sc = boot.statusChecks;
  if (sc)
    lines.push(
      `EC2 status checks: system ${sc.system ?? '?'}, instance ${sc.instance ?? '?'}${sc.passedAt ? `, passed at ${sc.passedAt}` : ''}${sc.impairedAt ? `, impaired at ${sc.impairedAt}` : ''}`,
    );
  if (boot.ssmAgent)
    lines.push(
      `SSM agent: ${[
        boot.ssmAgent.discoveredAt ? `discovered by DRS at ${boot.ssmAgent.discoveredAt}` : '',
        boot.ssmAgent.onlineAt ? `${boot.ssmAgent.pingStatus ?? 'Online'} at ${boot.ssmAgent.onlineAt}` : '',
      ]
        .filter(Boolean)
        .join(', ')}`,
    );
  for (const a of boot.launchActions ?? [])
    lines.push(
      `Launch action ${a.actionName}${a.optional ? ' (optional)' : ''}: ${a.status}${a.failureReason ? ` (${a.failureReason})` : ''}`,
    );
  for (const c of boot.checks ?? []) {
    const exit = c.exitCode === undefined ? '' : `, exit ${c.exitCode} (expected ${c.expectedExitCode})`;
    const took = c.durationSeconds === undefined ? '' : `, ${c.durationSeconds}s`;
    lines.push(
      `In-guest check ${c.name}: ${c.passed ? 'passed' : 'FAILED'} (${c.document} ${c.status ?? ''}${exit}${took})${c.error ? `: ${c.error}` : ''}`,
      ...c.commands.map((cmd) => `  $ ${cmd}`),
      ...(c.output ? indent(excerptText(c.output)) : []),
    );
  }
  if (boot.console) lines.push('Console output (last lines):', ...indent(excerptText(boot.console)));
  return lines;
}

const indent = (text: string) => text.split('\n').map((line) => `  | ${line}`);

function isTargets(value: object): value is TargetResults {
  return Object.values(value).some((v) => typeof (v as TargetResult)?.met === 'boolean');
}

/** "RTO 120s ≤ 300s: met, RPO 400s > 60s: MISSED". */
function formatTargets(targets: TargetResults): string {
  return serverTargets({ sourceServerId: '', targets })
    .map(([name, t]) => describeTarget(name, t))
    .join(', ');
}

/** A server's steps from the job log: "snapshot 37s, conversion 120s, launch 52s". */
function formatSteps(steps: Record<string, { seconds?: number }>): string {
  return Object.entries(steps)
    .map(([step, t]) => (t.seconds === undefined ? `${step} …` : `${step} ${t.seconds}s`))
    .join(', ');
}

/** Who approved (every gate: a plan may have several) and who aborted, one line each, for text reports. */
export function operatorLines(report: OperationReport): string[] {
  const approvals = [
    ...(Array.isArray(report.approvals) ? (report.approvals as Approval[]) : []),
    ...(report.approval ? [report.approval as Approval] : []),
  ];
  const lines = approvals.map(
    (a) => `Approved by ${a.by} at ${a.at} (${a.gate})${a.note ? `: ${a.note}` : ''}`,
  );
  const abort = report.abort as AbortRequest | undefined;
  if (abort) lines.push(`Aborted by ${abort.by} at ${abort.at}: ${abort.reason}`);
  return lines;
}
