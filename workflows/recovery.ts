// drsRecovery: a real failover (StartRecovery isDrill=false). Preflight, a confirmation gate, launch
// exactly once, wait for the launch job, resolve the recovery instances, report as for drills.
// It never terminates what it launched: recovery instances are the production copy now.
//
// Confirmation: `confirm: true` in the input, or an `approve` message before
// `approvalTimeoutSeconds`. Without either the run fails with ConfirmationRequired and DRS never
// sees a mutating call. An `abort` before launch ends it ABORTED, also without a launch.
import {
  ApplicationFailure,
  condition,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { preflightProblems, type SourceServerHealth } from '../common/drill-rules';
import { CONFIRMATION_REQUIRED, PREFLIGHT_FAILED } from '../common/failures';
import { parseRecoveryInput, type RecoveryInput, type RecoveryPlan } from '../common/inputs-lifecycle';
import { serverSearchAttributes } from '../common/search-attributes';
import type { RecoveryProgress, RecoveryReport } from '../common/types-lifecycle';
import { DrillRecord, launchServers, noteLaunched } from './drill-report';
import { approveSignal, recoveryProgressQuery } from './messages';
import { drsActivities, errorMessage, markOutcome, targetOf, validated } from './operation-support';
import { choosePointInTime } from './point-in-time';

class RecoveryState {
  approvedBy?: string;
  awaitingApproval = false;
  readonly warnings: string[] = [];
  report?: RecoveryReport;
}

export async function drsRecovery(input: RecoveryInput): Promise<RecoveryReport> {
  const record = new DrillRecord(workflowInfo().workflowId);
  const state = new RecoveryState();
  setHandler(recoveryProgressQuery, () => progress(record, state));
  setHandler(approveSignal, (args) => {
    record.approved = true;
    state.approvedBy ??= args?.by ?? 'approve message';
  });
  record.acceptAbort();

  const plan = validated(parseRecoveryInput, input);
  record.start(plan);
  upsertSearchAttributes(serverSearchAttributes('recovery', plan.sourceServerIds));
  try {
    return await recover(plan, record, state);
  } finally {
    await record.capacity.releaseAll();
  }
}

async function recover(
  plan: RecoveryPlan,
  record: DrillRecord,
  state: RecoveryState,
): Promise<RecoveryReport> {
  record.enterPhase('preflight');
  await preflight(plan, record, state);

  if (!(await confirmed(plan, record, state))) {
    if (record.abortReason !== undefined)
      return finish(record, state, `aborted before launch: ${record.abortReason}; nothing was launched`);
    const report = finish(
      record,
      state,
      `not confirmed: no "confirm": true and no approve message within ${plan.approvalTimeoutSeconds}s; nothing was launched`,
    );
    throw ApplicationFailure.nonRetryable(report.summary, CONFIRMATION_REQUIRED, report);
  }

  record.enterPhase('launching');
  const launch = await launchServers(record, plan, 'recovery', (request, calls) =>
    calls.startRecoveryJob(request),
  );
  if (!launch)
    return finish(record, state, `aborted before launch: ${record.abortReason}; nothing was launched`);

  try {
    if (launch.error) throw launch.error;
    await noteLaunched(record, plan, 'recovery', launch);
  } catch (err) {
    record.errors.push(errorMessage(err));
  }
  return finish(record, state, summarize(record));
}

/**
 * Servers exist and are in no active job (DRS allows one per server). Replication problems refuse
 * only with `requireHealthyReplication`; otherwise they are warnings: a failover exists for the day
 * the source is unreachable.
 */
async function preflight(plan: RecoveryPlan, record: DrillRecord, state: RecoveryState): Promise<void> {
  const health = await drsActivities.inspectSourceServers({
    ...targetOf(plan),
    sourceServerIds: plan.sourceServerIds,
  });
  record.notePreflight(health);
  const blocking: string[] = [];
  for (const h of health) {
    for (const problem of preflightProblems(h, plan.maxReplicationLagSeconds)) {
      const line = `${h.sourceServerId}: ${problem}`;
      if (blocksRecovery(h, plan)) {
        blocking.push(line);
        record.serverError(h.sourceServerId, problem);
      } else state.warnings.push(line);
    }
  }
  if (plan.pointInTime) {
    // the launch (recoveryLaunch) reads the chosen ids from the plan
    const found = health.filter((h) => h.found).map((h) => h.sourceServerId);
    const choice = await choosePointInTime({ ...plan, pointInTime: plan.pointInTime }, found, record);
    blocking.push(...choice.problems);
    plan.recoverySnapshotIds = choice.recoverySnapshotIds;
  }
  if (plan.pointInTime) {
    // the launch (launchServers) reads the chosen ids from the plan
    const found = health.filter((h) => h.found).map((h) => h.sourceServerId);
    const choice = await choosePointInTime({ ...plan, pointInTime: plan.pointInTime }, found, record);
    blocking.push(...choice.problems);
    plan.recoverySnapshotIds = choice.recoverySnapshotIds;
  }
  if (blocking.length === 0) return;
  const report = finish(record, state, `preflight failed, nothing was launched: ${blocking.join('; ')}`);
  throw ApplicationFailure.nonRetryable(report.summary, PREFLIGHT_FAILED, report);
}

function blocksRecovery(h: SourceServerHealth, plan: RecoveryPlan): boolean {
  return !h.found || h.activeJobId !== undefined || plan.requireHealthyReplication;
}

/** True once confirmed by input or by `approve`; false on abort or when the approval deadline passes. */
async function confirmed(plan: RecoveryPlan, record: DrillRecord, state: RecoveryState): Promise<boolean> {
  if (record.abortReason !== undefined) return false;
  if (plan.confirm) {
    state.approvedBy = 'input confirm';
    return true;
  }
  record.enterPhase('awaiting-approval');
  state.awaitingApproval = true;
  await condition(
    () => record.approved || record.abortReason !== undefined,
    plan.approvalTimeoutSeconds * 1000,
  );
  state.awaitingApproval = false;
  return record.approved && record.abortReason === undefined;
}

function finish(record: DrillRecord, state: RecoveryState, summary: string): RecoveryReport {
  const { operation: _drill, terminateJobId: _none, ...report } = record.finish(summary);
  state.report = {
    ...report,
    operation: 'recovery',
    ...(state.approvedBy ? { approvedBy: state.approvedBy } : {}),
    warnings: state.warnings,
  };
  markOutcome(state.report.outcome);
  return state.report;
}

function progress(record: DrillRecord, state: RecoveryState): RecoveryProgress {
  const p = record.progress();
  return {
    operation: 'recovery',
    phase: p.phase,
    ...(p.capacity ? { capacity: p.capacity } : {}),
    launchJobId: p.launchJobId,
    launchJobStatus: p.launchJobStatus,
    servers: p.servers,
    awaitingApproval: state.awaitingApproval,
    approved: p.approved,
    abortReason: p.abortReason,
    report: state.report,
  };
}

function summarize(record: DrillRecord): string {
  const servers = [...record.servers.values()];
  const launched = servers.filter((s) => s.launchStatus === 'LAUNCHED').length;
  const parts = [`${launched}/${servers.length} servers recovered (recovery instances left running)`];
  if (record.abortReason !== undefined)
    parts.push(`abort received after launch (${record.abortReason}): DRS jobs cannot be cancelled`);
  if (record.errors.length > 0) parts.push(record.errors[0]);
  return parts.join('; ');
}
