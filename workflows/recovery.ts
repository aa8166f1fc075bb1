// drsRecovery: a real failover (StartRecovery isDrill=false). Preflight, a confirmation gate, launch
// exactly once, wait for the launch job, resolve the recovery instances and follow their boots,
// report (RecoveryRecord). It never terminates what it launched: recovery instances are the
// production copy now.
//
// Confirmation: `confirm: true` in the input, or an `approve` message before
// `approvalTimeoutSeconds`. Without either the run fails with ConfirmationRequired and DRS never
// sees a mutating call. An `abort` before launch ends it ABORTED, also without a launch.
import { ApplicationFailure, condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { PreemptedDrill } from '../common/capacity';
import { preflightProblems, type SourceServerHealth } from '../common/drill-rules';
import { CONFIRMATION_REQUIRED, PREFLIGHT_FAILED } from '../common/failures';
import { parseRecoveryInput, type RecoveryInput, type RecoverySpec } from '../common/inputs-lifecycle';
import type { RecoveryReport } from '../common/types-lifecycle';
import { RecoveryRecord } from './recovery-record';
import { launchServers, resolveLaunchedInstances, runLaunchOperation } from './launch';
import { recoveryProgressQuery } from './messages';
import type { OperatorActions } from './operator-messages';
import { Approvers } from './approvals';
import { PATCHES } from './patches';
import { drsActivities, errorMessage, targetOf, validated } from './operation-support';
import { awaitingApproval, notify } from './notifications';
import { choosePointInTime } from './point-in-time';
import { followBoots, refuseDisallowedGuestChecks } from './boot';
import { declaredGuestChecks } from '../common/inputs-boot';

export async function drsRecovery(input: RecoveryInput): Promise<RecoveryReport> {
  const record = new RecoveryRecord(workflowInfo().workflowId);
  record.approvers = new Approvers('recovery');
  setHandler(recoveryProgressQuery, () => record.progress());

  const spec = await validated('recovery', parseRecoveryInput, input);
  await refuseDisallowedGuestChecks('recovery', declaredGuestChecks(spec), spec);
  return runLaunchOperation('recovery', spec, record, operatorActions(spec, record), () =>
    recover(spec, record),
  );
}

/**
 * `approve` opens the confirmation gate (no `confirm: true`) while it waits after preflight; `abort`
 * stops the failover until its launch is requested (DRS cannot cancel a job).
 */
function operatorActions(spec: RecoverySpec, record: RecoveryRecord): OperatorActions {
  const servers = `${spec.sourceServerIds.length} server(s)`;
  return {
    approve: {
      rejection: ({ by }) => {
        const closed = record.closedRejection();
        if (closed) return closed;
        if (spec.confirm) return 'already approved: the input has "confirm": true';
        if (record.approval) return `already approved by ${record.approval.by} at ${record.approval.at}`;
        if (record.openGate) return record.approvers?.rejection(by, true);
        if (record.phase === 'done') return 'already finishing (done)';
        return `no gate open: the confirmation gate opens after preflight (now ${record.phase})`;
      },
      act: (approval) => {
        record.approval = { ...approval, gate: 'confirmation' };
        return {
          gate: 'confirmation',
          message: `opened the confirmation gate: the failover of ${servers} launches`,
        };
      },
    },
    abort: {
      rejection: () =>
        record.closedRejection() ??
        (record.launchRequestedAtMs !== undefined
          ? `already finishing: the failover launch was requested${record.launchJob ? ` (job ${record.launchJob.jobId})` : ''}, and DRS cannot cancel a job`
          : undefined),
      act: (request) => {
        record.abort(request);
        const cleanup = 'nothing launched: nothing to clean up';
        return {
          cleanup,
          message: `aborting the failover of ${servers} in phase ${record.phase}; ${cleanup}`,
        };
      },
    },
  };
}

async function recover(spec: RecoverySpec, record: RecoveryRecord): Promise<RecoveryReport> {
  record.enterPhase('preflight');
  await preflight(spec, record);

  if (!(await confirmed(spec, record))) {
    if (record.abortReason !== undefined)
      return record.finish(`aborted before launch: ${record.abortReason}; nothing was launched`);
    const report = record.finish(
      `not confirmed: no "confirm": true and no approve message within ${spec.approvalTimeoutSeconds}s; nothing was launched`,
    );
    throw ApplicationFailure.nonRetryable(report.summary, CONFIRMATION_REQUIRED, report);
  }

  record.enterPhase('launching');
  const preempt = spec.preemptDrills && {
    afterMs: spec.preemptDrills.afterSeconds * 1000,
    onPreempted: (drills: PreemptedDrill[]) =>
      record.preemptedDrills.push(...drills.map((d) => d.workflowId)),
  };
  const launch = await launchServers(
    record,
    spec,
    'recovery',
    (request, calls) => calls.startRecoveryJob(request),
    preempt ? { preempt } : {},
  );
  if (!launch) return record.finish(`aborted before launch: ${record.abortReason}; nothing was launched`);

  try {
    if (launch.error) throw launch.error;
    const instances = await resolveLaunchedInstances(record, spec, 'recovery', launch);
    // the failover's own instances, followed until booted and checked (nothing is terminated)
    if (instances && patched(PATCHES.bootEvidence.id)) {
      record.bootEvidence = true;
      await followBoots(record, spec, instances, () => false);
    }
  } catch (err) {
    record.errors.push(errorMessage(err));
  }
  return record.finish(summarize(record));
}

/**
 * Servers exist and are in no active job (DRS allows one per server). Replication problems refuse
 * only with `requireHealthyReplication`; otherwise they are warnings: a failover exists for the day
 * the source is unreachable.
 */
async function preflight(spec: RecoverySpec, record: RecoveryRecord): Promise<void> {
  const health = await drsActivities.inspectSourceServers({
    ...targetOf(spec),
    sourceServerIds: spec.sourceServerIds,
  });
  record.notePreflight(health);
  const blocking: string[] = [];
  for (const h of health) {
    for (const problem of preflightProblems(h, spec.maxReplicationLagSeconds)) {
      const line = `${h.sourceServerId}: ${problem}`;
      if (blocksRecovery(h, spec)) {
        blocking.push(line);
        record.serverError(h.sourceServerId, problem);
      } else record.warnings.push(line);
    }
  }
  const { pointInTime } = spec;
  if (pointInTime) {
    // runs recorded before the fix chose twice, naming a refused server twice: they replay so
    const choices = patched(PATCHES.pointInTimeOnce.id) ? 1 : 2;
    for (let i = 0; i < choices; i++) {
      // the launch (launchServers) reads the chosen ids from the spec
      const found = health.filter((h) => h.found).map((h) => h.sourceServerId);
      const choice = await choosePointInTime({ ...spec, pointInTime }, found, record);
      blocking.push(...choice.problems);
      spec.recoverySnapshotIds = choice.recoverySnapshotIds;
    }
  }
  if (blocking.length === 0) return;
  const report = record.finish(`preflight failed, nothing was launched: ${blocking.join('; ')}`);
  throw ApplicationFailure.nonRetryable(report.summary, PREFLIGHT_FAILED, report);
}

function blocksRecovery(h: SourceServerHealth, spec: RecoverySpec): boolean {
  return !h.found || h.activeJobId !== undefined || spec.requireHealthyReplication;
}

/** True once confirmed by input or by `approve`; false on abort or when the approval deadline passes. */
async function confirmed(spec: RecoverySpec, record: RecoveryRecord): Promise<boolean> {
  if (record.abortReason !== undefined) return false;
  if (spec.confirm) return (record.confirmedByInput = true);
  record.enterPhase('awaiting-approval');
  await record.approvers?.load();
  record.openGate = 'confirmation';
  const notified = notify(awaitingApproval('confirmation', spec.sourceServerIds));
  await condition(
    () => record.approval !== undefined || record.abortReason !== undefined,
    spec.approvalTimeoutSeconds * 1000,
  );
  record.openGate = undefined;
  await notified;
  return record.approval !== undefined && record.abortReason === undefined;
}

function summarize(record: RecoveryRecord): string {
  const servers = [...record.servers.values()];
  const launched = servers.filter((s) => s.launchStatus === 'LAUNCHED').length;
  const parts = [`${launched}/${servers.length} servers recovered (recovery instances left running)`];
  if (record.preemptedDrills.length > 0)
    parts.push(`aborted drill(s) to get capacity: ${record.preemptedDrills.join(', ')}`);
  if (record.abortReason !== undefined)
    parts.push(`abort received after launch (${record.abortReason}): DRS jobs cannot be cancelled`);
  if (record.errors.length > 0) parts.push(record.errors[0]);
  return parts.join('; ');
}
