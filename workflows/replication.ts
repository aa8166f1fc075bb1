// drsReplication: repair and control DRS replication for a set of source servers.
//   repair      RetryDataReplication for STALLED / DISCONNECTED / STOPPED servers (only those), then
//               wait until CONTINUOUS under the lag limit or the deadline;
//   stop        StopReplication (deletes snapshots, leaves the server unprotected: needs confirm);
//   start       DRS StartReplication for STOPPED servers, MGN StartReplication for SNAPSHOT_SHIPPING
//               agents; DRS servers are then waited for like a repair;
//   disconnect  DisconnectSourceServer (needs confirm; refused for a server with a Recovery Instance).
// Every server is inspected and judged (common/lifecycle-rules.ts) before the first mutating call:
// one refused server refuses the whole request and nothing is changed.
import { ApplicationFailure, patched, workflowInfo } from '@temporalio/workflow';
import { REFUSED } from '../common/failures';
import {
  parseReplicationInput,
  type ReplicationInput,
  type ReplicationSpec,
} from '../common/inputs-lifecycle';
import {
  isCaughtUp,
  refusals,
  type Disposition,
  replicationDisposition,
  replicationFingerprint,
} from '../common/lifecycle-rules';
import { serverSearchAttributes } from '../common/search-attributes';
import type { Outcome } from '../common/types';
import type {
  ReplicationPhase,
  ReplicationProgress,
  ReplicationReport,
  ReplicationServerReport,
  ReplicationTarget,
} from '../common/types-lifecycle';
import { DEADLINE_EXCEEDED, untilDeadline } from './job-waits';
import { replicationProgressQuery } from './messages';
import { PATCHES } from './patches';
import { abortOnly } from './operator-messages';
import { runOperation } from './run-operation';
import {
  drsActivities,
  errorMessage,
  failureType,
  pollingActivities,
  targetOf,
  unlessAborted,
} from './operation-support';
import { OperationRecord, markOutcome, seconds } from './operation-record';

class ReplicationRecord extends OperationRecord<ReplicationPhase, ReplicationSpec, ReplicationReport> {
  readonly servers = new Map<string, ReplicationServerReport>();

  constructor(workflowId: string) {
    super(workflowId, 'validating-input');
  }

  noteInspection(targets: ReplicationTarget[]): void {
    for (const t of targets) {
      this.servers.set(t.sourceServerId, {
        sourceServerId: t.sourceServerId,
        service: t.service ?? 'drs',
        result: 'FAILED',
        stateBefore: t.replicationState,
        statesSeen: [],
        replicationError: t.replicationError,
        stagingAccountId: t.stagingStatus === 'EXTENDED' ? t.stagingAccountId : undefined,
        errors: [],
      });
    }
  }

  /** Latest observation of each server; appends every new state to `statesSeen`. */
  noteStates(targets: ReplicationTarget[], actedAtMs: number, maxLagSeconds: number): void {
    for (const t of targets) {
      const server = this.servers.get(t.sourceServerId);
      if (!server) continue;
      server.stateAfter = t.replicationState;
      server.lagSecondsAfter = t.lagSeconds;
      server.replicationError = t.replicationError;
      const state = t.replicationState ?? 'unknown';
      if (server.statesSeen[server.statesSeen.length - 1] !== state) server.statesSeen.push(state);
      if (server.recoveredAfterSeconds === undefined && isCaughtUp(t, maxLagSeconds))
        server.recoveredAfterSeconds = seconds(Date.now() - actedAtMs);
    }
  }

  /**
   * `abort` stops a run before its calls, or its wait for CONTINUOUS; a stop or disconnect whose
   * calls are being made has nothing left to stop.
   */
  abortRejection(spec: ReplicationSpec): string | undefined {
    const closed = this.closedRejection();
    if (closed) return closed;
    const waits = spec.action === 'repair' || spec.action === 'start';
    if (this.phases.phase === 'acting' && !waits)
      return `already finishing: the ${spec.action} calls are being made and cannot be taken back`;
    return undefined;
  }

  /** What an abort leaves behind now (replication calls are not undone). */
  abortEffect(spec: ReplicationSpec): string {
    const phase = this.phases.phase;
    if (phase === 'validating-input' || phase === 'inspecting') return 'no change made yet: nothing to undo';
    return `the ${spec.action} calls already made stay made; the wait for CONTINUOUS stops`;
  }

  outcome(): Outcome {
    if (this.abortReason !== undefined) return 'ABORTED';
    const servers = [...this.servers.values()];
    const failed = servers.filter((s) => s.result === 'FAILED').length;
    if (failed === 0 && this.errors.length === 0) return 'SUCCEEDED';
    return failed === servers.length ? 'FAILED' : 'PARTIAL';
  }

  finish(summary: string): ReplicationReport {
    this.phases.enter('done');
    this.report = {
      operation: 'replication',
      action: this.spec?.action ?? 'repair',
      workflowId: this.workflowId,
      outcome: this.outcome(),
      ...this.reportTarget(),
      servers: [...this.servers.values()],
      ...this.reportClosing(summary),
    };
    markOutcome(this.report.outcome);
    return this.report;
  }

  progress(): ReplicationProgress {
    return this.progressOf('replication', {
      action: this.spec?.action,
      servers: [...this.servers.values()].map((s) => ({ ...s, statesSeen: [...s.statesSeen] })),
    });
  }
}

export async function drsReplication(input: ReplicationInput): Promise<ReplicationReport> {
  const record = new ReplicationRecord(workflowInfo().workflowId);
  return runOperation(input, {
    operation: 'replication',
    record,
    progressQuery: replicationProgressQuery,
    parse: parseReplicationInput,
    actions: (spec) =>
      abortOnly(
        spec.action,
        record,
        () => record.abortRejection(spec),
        () => record.abortEffect(spec),
      ),
    searchAttributes: (spec) => serverSearchAttributes(`replication-${spec.action}`, spec.sourceServerIds),
    soFar: (spec) => ({ ...targetOf(spec), action: spec.action, servers: [...record.servers.values()] }),
    run: (spec) => replicate(spec, record),
  });
}

async function replicate(spec: ReplicationSpec, record: ReplicationRecord): Promise<ReplicationReport> {
  record.phases.enter('inspecting');
  const targets = await drsActivities.inspectReplicationTargets({
    ...targetOf(spec),
    sourceServerIds: spec.sourceServerIds,
    includeMgn: spec.action === 'start',
  });
  record.noteInspection(targets);
  // Extended servers replicate in their staging account: act there (runs recorded before refused them).
  const inStaging =
    targets.some((t) => t.stagingStatus === 'EXTENDED' || t.stagingStatus === 'EXTENSION_ERROR') &&
    patched(PATCHES.replicationInStagingAccount.id);
  const decide = (t: ReplicationTarget) => replicationDisposition(spec.action, t, inStaging);
  refuseIfAnyRefused(spec, record, targets, decide);
  if (record.abortReason !== undefined)
    return record.finish(`aborted before any change: ${record.abortReason}`);

  record.phases.enter('acting');
  const actedAtMs = Date.now();
  const toWaitFor = await act(spec, record, targets, decide, inStaging);

  if (toWaitFor.length > 0 && spec.waitForContinuous) {
    record.phases.enter('waiting');
    await waitUntilCaughtUp(spec, record, toWaitFor, actedAtMs);
  }
  return record.finish(summarize(record));
}

type Decide = (t: ReplicationTarget) => Disposition;

function refuseIfAnyRefused(
  spec: ReplicationSpec,
  record: ReplicationRecord,
  targets: ReplicationTarget[],
  decide: Decide,
): void {
  const refused = refusals(targets, (t) => t.sourceServerId, decide);
  if (refused.length === 0) return;
  for (const t of targets) {
    const d = decide(t);
    if (d.kind === 'refuse') record.servers.get(t.sourceServerId)?.errors.push(d.reason);
  }
  const report = record.finish(`refused ${spec.action}, nothing changed: ${refused.join('; ')}`);
  throw ApplicationFailure.nonRetryable(report.summary, REFUSED, report);
}

/** Makes the action's call for every server it applies to; returns the DRS servers to wait for. */
async function act(
  spec: ReplicationSpec,
  record: ReplicationRecord,
  targets: ReplicationTarget[],
  decide: Decide,
  inStaging: boolean,
): Promise<string[]> {
  const toWaitFor: string[] = [];
  await Promise.all(
    targets.map(async (t) => {
      const server = record.servers.get(t.sourceServerId);
      if (!server) return;
      const disposition = decide(t);
      if (disposition.kind !== 'act') {
        server.result = 'SKIPPED';
        server.note = disposition.kind === 'skip' ? disposition.reason : undefined;
        server.stateAfter = t.replicationState;
        return;
      }
      const call = callTarget(spec, t, inStaging);
      if (call.sourceServerId !== t.sourceServerId && call.accountId)
        server.actedIn = { accountId: call.accountId, sourceServerId: call.sourceServerId };
      try {
        const after = await callFor(spec, t, call);
        server.stateAfter = after.replicationState;
        server.result = 'DONE';
        const waits = (spec.action === 'repair' || spec.action === 'start') && t.service === 'drs';
        if (waits) toWaitFor.push(t.sourceServerId);
      } catch (err) {
        server.result = 'FAILED';
        server.errors.push(errorMessage(err));
      }
    }),
  );
  return toWaitFor;
}

/**
 * Where the action's call goes: the run's account, or for an extended server (a decision only made
 * under the patch) its staging server in its staging account, with that account's role.
 */
function callTarget(
  spec: ReplicationSpec,
  t: ReplicationTarget,
  inStaging: boolean,
): { region: string; accountId?: string; sourceServerId: string } {
  if (inStaging && t.stagingStatus === 'EXTENDED' && t.stagingAccountId && t.stagingSourceServerId)
    return { region: spec.region, accountId: t.stagingAccountId, sourceServerId: t.stagingSourceServerId };
  return { ...targetOf(spec), sourceServerId: t.sourceServerId };
}

async function callFor(
  spec: ReplicationSpec,
  t: ReplicationTarget,
  call: { region: string; accountId?: string; sourceServerId: string },
): Promise<{ replicationState?: string }> {
  switch (spec.action) {
    case 'repair':
      return drsActivities.retryDataReplication(call);
    case 'stop':
      return drsActivities.stopReplication(call);
    case 'start':
      return t.service === 'mgn'
        ? drsActivities.startMgnReplication(call)
        : drsActivities.startReplication(call);
    case 'disconnect':
      return drsActivities.disconnectSourceServer(call);
  }
}

/**
 * Follows replication through INITIATING / INITIAL_SYNC / BACKLOG / CREATING_SNAPSHOT until every
 * server is CONTINUOUS under the lag limit. One activity per state change (retry-as-poll between),
 * so history grows with transitions, not with hours. Past the deadline each server still behind is
 * reported FAILED with its state and replication error.
 */
async function waitUntilCaughtUp(
  spec: ReplicationSpec,
  record: ReplicationRecord,
  sourceServerIds: string[],
  actedAtMs: number,
): Promise<void> {
  const deadline = actedAtMs + spec.timeoutSeconds * 1000;
  let waiting = sourceServerIds;
  let seen: string | undefined;
  try {
    await unlessAborted(
      () => record.abortReason !== undefined,
      async () => {
        while (waiting.length > 0) {
          const targets = await untilDeadline('replication did not catch up', deadline, (remainingMs) =>
            pollingActivities(remainingMs).pollReplicationStates({
              ...targetOf(spec),
              sourceServerIds: waiting,
              maxLagSeconds: spec.maxReplicationLagSeconds,
              seen,
            }),
          );
          record.noteStates(targets, actedAtMs, spec.maxReplicationLagSeconds);
          const behind = targets.filter((t) => !isCaughtUp(t, spec.maxReplicationLagSeconds));
          waiting = behind.map((t) => t.sourceServerId);
          seen = replicationFingerprint(behind);
        }
      },
    );
  } catch (err) {
    if (failureType(err) !== DEADLINE_EXCEEDED) throw err;
    // Past the deadline: one last look, so the report shows where each server stands.
    const last = await drsActivities.inspectReplicationTargets({
      ...targetOf(spec),
      sourceServerIds: waiting,
    });
    record.noteStates(last, actedAtMs, spec.maxReplicationLagSeconds);
    waiting = last.filter((t) => !isCaughtUp(t, spec.maxReplicationLagSeconds)).map((t) => t.sourceServerId);
  }
  for (const id of waiting) {
    const server = record.servers.get(id);
    if (!server) continue;
    server.result = 'FAILED';
    const lag = server.lagSecondsAfter === undefined ? '' : `, lag ${server.lagSecondsAfter}s`;
    const error = server.replicationError ? `, replication error ${server.replicationError}` : '';
    const why =
      record.abortReason !== undefined ? 'aborted while' : `not recovered within ${spec.timeoutSeconds}s:`;
    server.errors.push(
      `${why} replication ${server.stateAfter ?? 'unknown'}${lag}${error} (wanted CONTINUOUS, lag ≤ ${spec.maxReplicationLagSeconds}s)`,
    );
  }
}

function summarize(record: ReplicationRecord): string {
  const servers = [...record.servers.values()];
  const count = (r: ReplicationServerReport['result']) => servers.filter((s) => s.result === r).length;
  const parts = [
    `${record.spec?.action}: ${count('DONE')} done, ${count('SKIPPED')} skipped, ${count('FAILED')} failed`,
  ];
  if (record.abortReason !== undefined) parts.push(`aborted: ${record.abortReason}`);
  const firstError = servers.find((s) => s.errors.length > 0);
  if (firstError) parts.push(`${firstError.sourceServerId}: ${firstError.errors[0]}`);
  return parts.join('; ');
}
