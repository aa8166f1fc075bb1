// drsPlan's record: its waves, children and servers as they go (PlanRecord, which answers
// `progress`, `approve` and `abort`), and the report built from it at the end (finish), or the
// minimal one of a plan that ended without it (planSoFar). The workflow is in plan.ts.
import type { ChildWorkflowHandle } from '@temporalio/workflow';
import { applyTargets, mergeTargets, rtoMeasureOf } from '../common/targets';
import type { PlanSpec, WavePlan } from '../common/inputs-plan';
import type { AbortRequest, Approval, DrillReport, DrillServerReport, Outcome } from '../common/types';
import type { RecoveryReport } from '../common/types-lifecycle';
import type {
  PlanChildReport,
  PlanPhase,
  PlanProgress,
  PlanReport,
  PlanServerReport,
  PlanWaveReport,
  WaveStatus,
} from '../common/types-plan';
import type { drsDrill } from './drill';
import { abortSignal, type AbortResult, type ApproveResult } from './messages';
import { closedRejection } from './operator-messages';
import { Approvers } from './approvals';
import { targetOf } from './operation-support';
import { markOutcome, PhaseClock } from './operation-record';
import type { RunSoFar } from './end-evidence';
import type { drsRecovery } from './recovery';

export type ChildWorkflow = typeof drsDrill | typeof drsRecovery;

export function forwardAbort(child: ChildWorkflowHandle<ChildWorkflow>, reason: string, by?: string): void {
  // a signal: workflow code cannot send updates. The child may have just finished: a failed
  // delivery changes nothing.
  void child
    .signal(abortSignal, { reason: `plan aborted: ${reason}`, ...(by ? { by } : {}) })
    .catch(() => undefined);
}

export class PlanRecord {
  readonly phases = new PhaseClock<PlanPhase>('validating-input');
  readonly startedAt = new Date().toISOString();
  readonly waves = new Map<string, PlanWaveReport>();
  readonly servers = new Map<string, PlanServerReport>();
  /** Waves whose gate was opened by `approve`. */
  readonly approved = new Set<string>();
  readonly approvals: Approval[] = [];
  /** Who may open a gate (workflows/approvals.ts). */
  readonly approvers = new Approvers('plan');
  readonly running = new Set<ChildWorkflowHandle<ChildWorkflow>>();
  /** Child workflows per wave, once the wave split its servers (a wave is healthy when all said so). */
  readonly childCounts = new Map<string, number>();
  /** Why nothing new starts: an operator's abort, or a gate's approval timeout. */
  abortReason?: string;
  abortRequest?: AbortRequest;
  report?: PlanReport;

  constructor(readonly workflowId: string) {}

  wave(name: string): PlanWaveReport {
    const wave = this.waves.get(name);
    if (!wave) throw new Error(`no wave ${name}`);
    return wave;
  }

  /** Waves at their gate that no `approve` opened yet. */
  private waitingAtGate(): PlanWaveReport[] {
    return [...this.waves.values()].filter(
      (w) => w.status === 'AWAITING_APPROVAL' && !this.approved.has(w.name),
    );
  }

  /**
   * Why an approve by `by` would open nothing now; `gated` are the waves with `pauseBefore`. A gate
   * before a recovery wave is a failover: not to be opened by whoever started the plan.
   */
  approveRejection(gated: string[], by: string): string | undefined {
    const closed = closedRejection(this.report, { reason: this.abortReason, request: this.abortRequest });
    if (closed) return closed;
    if (gated.length === 0) return 'not a plan that takes approvals: no wave has pauseBefore';
    const waiting = this.waitingAtGate();
    if (waiting.length > 0)
      return this.approvers.rejection(
        by,
        waiting.some((w) => w.action === 'recovery'),
      );
    const ahead = gated.filter((name) => this.wave(name).status === 'PENDING');
    if (ahead.length > 0)
      return `no gate open: ${ahead.map((name) => `wave "${name}"`).join(', ')} waits for approval once its dependencies are done`;
    return `already approved: every gate was passed (${this.approvals.map((a) => `${a.gate} by ${a.by}`).join('; ')})`;
  }

  /** Opens every gate waiting right now (an approve sent before a gate opens does not pre-approve it). */
  approve(approval: Omit<Approval, 'gate'>): ApproveResult {
    const waiting = this.waitingAtGate();
    for (const wave of waiting) this.approved.add(wave.name);
    const gate = waiting.map((w) => `wave "${w.name}"`).join(', ');
    this.approvals.push({ ...approval, gate });
    return { gate, message: `opened ${gate}: its child workflows start` };
  }

  /** Nothing new starts; running children get the abort too (`request`: an operator's). */
  abort(reason: string, request?: AbortRequest): AbortResult {
    const children = [...this.running];
    if (this.abortReason === undefined) {
      this.abortReason = reason;
      this.abortRequest = request;
      for (const child of children) forwardAbort(child, reason, request?.by);
    }
    const cleanup =
      children.length === 0
        ? 'no child workflow is running: nothing to clean up'
        : `the abort is passed to ${children.length} running child workflow(s) (${children.map((c) => c.workflowId).join(', ')}): drill children terminate their drill instances`;
    return { cleanup, message: `no new wave starts; ${cleanup}` };
  }

  progress(): PlanProgress {
    const waves = [...this.waves.values()];
    return {
      operation: 'plan',
      phase: this.phases.phase,
      waves,
      awaitingApproval: waves.filter((w) => w.status === 'AWAITING_APPROVAL').map((w) => w.name),
      abortReason: this.abortReason,
      report: this.report,
    };
  }
}

/** What a plan that ended without its report knew: its waves, their children and servers. */
export function planSoFar(record: PlanRecord, plan: PlanSpec): RunSoFar {
  const waves = [...record.waves.values()];
  return {
    ...targetOf(plan),
    waves: waves.map(({ sourceServerIds: _servers, ...wave }) => wave),
    servers: waves.flatMap((w) =>
      w.sourceServerIds.map((sourceServerId) => ({ sourceServerId, wave: w.name })),
    ),
  };
}

export function settle(report: PlanWaveReport, status: WaveStatus, reason?: string): void {
  report.status = status;
  if (reason) report.reason = reason;
  if (report.startedAt) report.finishedAt = new Date().toISOString();
}

export function childSummaries(report: PlanWaveReport): string {
  return report.children
    .filter((c) => c.outcome !== 'SUCCEEDED')
    .map((c) => `${c.workflowId}: ${c.outcome}${c.summary ? ` (${c.summary})` : ''}`)
    .join('; ');
}

export function noteChildReport(
  record: PlanRecord,
  wave: WavePlan,
  child: PlanChildReport,
  report: DrillReport | RecoveryReport,
): void {
  child.outcome = report.outcome;
  child.summary = report.summary;
  if (report.launchJobId) child.launchJobId = report.launchJobId;
  for (const server of report.servers)
    record.servers.set(server.sourceServerId, serverReport(server, wave.name, child.workflowId));
}

function serverReport(server: DrillServerReport, wave: string, childWorkflowId: string): PlanServerReport {
  return {
    sourceServerId: server.sourceServerId,
    wave,
    childWorkflowId,
    launchStatus: server.launchStatus,
    recoveryInstanceId: server.recoveryInstanceId,
    ec2InstanceId: server.ec2InstanceId,
    timeToLaunchSeconds: server.timeToLaunchSeconds,
    ...(server.timeToHealthySeconds === undefined
      ? {}
      : { timeToHealthySeconds: server.timeToHealthySeconds }),
    ...(server.boot
      ? {
          boot: { result: server.boot.result, ...(server.boot.reason ? { reason: server.boot.reason } : {}) },
        }
      : {}),
    dataAgeSeconds: server.dataAgeSeconds,
    terminated: server.terminated,
    errors: server.errors,
  };
}

export function notLaunched(
  sourceServerId: string,
  wave: string,
  why: string,
  childWorkflowId?: string,
): PlanServerReport {
  return {
    sourceServerId,
    wave,
    ...(childWorkflowId ? { childWorkflowId } : {}),
    launchStatus: 'NOT_LAUNCHED',
    errors: [why],
  };
}

function planOutcome(record: PlanRecord): Outcome {
  const statuses = [...record.waves.values()].map((w) => w.status);
  if (statuses.every((s) => s === 'SUCCEEDED')) return 'SUCCEEDED';
  if (record.abortReason !== undefined) return 'ABORTED';
  if (statuses.some((s) => s === 'SUCCEEDED' || s === 'PARTIAL')) return 'PARTIAL';
  return 'FAILED';
}

/** A server's report row without what is empty or gone (errors, a terminated drill instance's ids). */
function leanServer(server: PlanServerReport): PlanServerReport {
  const { errors, recoveryInstanceId, ec2InstanceId, ...row } = server;
  return {
    ...row,
    ...(server.terminated ? {} : { recoveryInstanceId, ec2InstanceId }),
    ...(errors?.length ? { errors } : {}),
  };
}

export function finish(record: PlanRecord, plan: PlanSpec, refusal?: string): PlanReport {
  const waves = [...record.waves.values()];
  const servers = waves.flatMap((wave) =>
    wave.sourceServerIds.map(
      (id) => record.servers.get(id) ?? notLaunched(id, wave.name, wave.reason ?? refusal ?? 'wave not run'),
    ),
  );
  const outcome = refusal ? 'FAILED' : planOutcome(record);
  const rows = servers.map(leanServer);
  const waveTargets = new Map(plan.waves.map((w) => [w.name, w.targets]));
  const rtoMeasure = rtoMeasureOf(rows);
  const targetsMet = applyTargets(
    rows,
    (row) => mergeTargets(plan.targets, waveTargets.get(row.wave), plan.serverTargets?.[row.sourceServerId]),
    rtoMeasure,
  );
  record.phases.enter('done', false); // markOutcome sets DrsPhase with the outcome
  record.report = {
    operation: 'plan',
    workflowId: record.workflowId,
    outcome,
    region: plan.region,
    ...(plan.accountId ? { accountId: plan.accountId } : {}),
    waves: waves.map(({ sourceServerIds: _servers, children, ...wave }) => ({
      ...wave,
      children: children.map(({ sourceServerIds: _ids, ...child }) => child),
    })),
    servers: rows,
    approvals: record.approvals,
    ...(record.abortRequest ? { abort: record.abortRequest } : {}),
    phaseDurations: record.phases.durations,
    ...(targetsMet === undefined ? {} : { targetsMet }),
    ...(rows.some((r) => r.boot) ? { rtoMeasure } : {}),
    ...(record.abortReason !== undefined ? { abortReason: record.abortReason } : {}),
    startedAt: record.startedAt,
    finishedAt: new Date().toISOString(),
    summary: refusal ?? waves.map((w) => `${w.name}: ${w.status}`).join(', '),
  };
  markOutcome(outcome);
  return record.report;
}
