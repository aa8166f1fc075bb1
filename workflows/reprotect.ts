// drsReprotect: after a failover of servers that ran in EC2 in another region, reverse their
// protection. For the named recovery instances (or every instance a recovery job launched): refuse
// drill instances, unknown and terminated ones; skip instances that did not come from EC2 or are
// reversed already (each with its reason); all of it before any mutating call. Then
// ReverseReplication for each, and wait (batched, cheap polling) until the new source servers in
// the origin region replicate CONTINUOUS, or the deadline. `abort` while waiting stops the reverse
// replications this run started (StopFailback). Needs `confirm: true`.
import { ApplicationFailure, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { REFUSED } from '../common/failures';
import { parseReprotectInput, type ReprotectInput, type ReprotectSpec } from '../common/inputs-reprotect';
import { refusals } from '../common/lifecycle-rules';
import { parseServerArn, reprotectDisposition } from '../common/reprotect-rules';
import { sourceServerAttributes } from '../common/search-attributes';
import type { Outcome } from '../common/types';
import type {
  ReprotectInstance,
  ReprotectPhase,
  ReprotectProgress,
  ReprotectReport,
  ReprotectServerReport,
} from '../common/types-reprotect';
import { reprotectProgressQuery } from './messages';
import { abortOnly } from './operator-messages';
import { runOperation } from './run-operation';
import { drsActivities, errorMessage, targetOf, unlessAborted } from './operation-support';
import { OperationRecord, markOutcome } from './operation-record';
import { awaitReversedReplication, type ReverseWatch } from './reverse-wait';

class ReprotectRecord extends OperationRecord<ReprotectPhase, ReprotectSpec, ReprotectReport> {
  readonly servers = new Map<string, ReprotectServerReport>();
  readonly watches = new Map<string, ReverseWatch>();

  constructor(workflowId: string) {
    super(workflowId, 'validating-input');
  }

  note(instances: ReprotectInstance[]): void {
    for (const i of instances)
      this.servers.set(i.recoveryInstanceId, {
        sourceServerId: i.sourceServerId,
        recoveryInstanceId: i.recoveryInstanceId,
        ...(i.ec2InstanceId ? { ec2InstanceId: i.ec2InstanceId } : {}),
        result: 'PENDING',
        ...(i.originRegion ? { originRegion: i.originRegion } : {}),
        statesSeen: [],
        errors: [],
      });
  }

  /** Folds each wait's findings into the server reports. */
  settle(): void {
    for (const [id, watch] of this.watches) {
      const s = this.servers.get(id);
      if (!s) continue;
      s.replicationState = watch.replicationState;
      s.statesSeen = [...watch.statesSeen];
      if (watch.protectedAfterSeconds !== undefined) {
        s.result = 'PROTECTED';
        s.timeToProtectedSeconds = watch.protectedAfterSeconds;
      } else if (watch.ended === 'STOPPED') {
        s.result = 'STOPPED';
        s.errors.push(`reverse replication ${watch.replicationState ?? 'STOPPED'}: stopped (StopFailback)`);
      } else if (s.result === 'PENDING' || s.result === 'NOT_PROTECTED') {
        s.result = 'NOT_PROTECTED';
        const error = watch.replicationError ? ` (${watch.replicationError})` : '';
        const why =
          watch.ended === 'NOT_FOUND'
            ? `reversed server ${watch.arn} not found`
            : `reverse replication still ${watch.replicationState ?? 'unknown'}${error} at the ${this.spec?.timeoutSeconds}s deadline`;
        s.errors.push(why);
      }
    }
  }

  outcome(): Outcome {
    if (this.abortReason !== undefined) return 'ABORTED';
    const all = [...this.servers.values()];
    const good = all.filter((s) => s.result === 'PROTECTED' || s.result === 'SKIPPED').length;
    if (all.length > 0 && good === all.length && this.errors.length === 0) return 'SUCCEEDED';
    return all.some((s) => s.result === 'PROTECTED') ? 'PARTIAL' : 'FAILED';
  }

  finish(summary: string): ReprotectReport {
    this.phases.enter('done', false);
    this.report = {
      operation: 'reprotect',
      workflowId: this.workflowId,
      outcome: this.outcome(),
      ...this.reportTarget(),
      ...(this.spec?.recoveryJobId ? { recoveryJobId: this.spec.recoveryJobId } : {}),
      servers: [...this.servers.values()],
      ...this.reportClosing(summary),
    };
    markOutcome(this.report.outcome);
    return this.report;
  }

  progress(): ReprotectProgress {
    return this.progressOf('reprotect', {
      servers: [...this.servers.values()].map((s) => ({ ...s, errors: [...s.errors] })),
    });
  }
}

export async function drsReprotect(input: ReprotectInput): Promise<ReprotectReport> {
  const record = new ReprotectRecord(workflowInfo().workflowId);
  return runOperation(input, {
    operation: 'reprotect',
    record,
    progressQuery: reprotectProgressQuery,
    parse: parseReprotectInput,
    actions: () =>
      abortOnly(
        'the reprotect',
        record,
        () =>
          record.closedRejection() ??
          (record.phases.phase === 'stopping' ? 'already stopping the reverse replications' : undefined),
        () => 'StopFailback for every instance this run reversed that is not protected yet',
      ),
    run: (spec) => reprotect(spec, record),
  });
}

async function reprotect(spec: ReprotectSpec, record: ReprotectRecord): Promise<ReprotectReport> {
  record.phases.enter('inspecting');
  const instances = await drsActivities.describeReprotectInstances({
    ...targetOf(spec),
    recoveryInstanceIds: spec.recoveryInstanceIds,
    ...(spec.recoveryJobId ? { recoveryJobId: spec.recoveryJobId } : {}),
  });
  record.note(instances);
  upsertSearchAttributes(sourceServerAttributes(instances.map((i) => i.sourceServerId).filter(Boolean)));
  refuse(spec, record, instances);

  const toReverse = instances.filter((i) => {
    const d = reprotectDisposition(i);
    const s = record.servers.get(i.recoveryInstanceId);
    if (d.kind === 'skip' && s) {
      s.result = 'SKIPPED';
      s.note = d.reason;
      if (i.reversedDirectionSourceServerArn && i.replicationDirection !== 'FAILBACK')
        s.reversedSourceServerArn = i.reversedDirectionSourceServerArn;
    }
    return d.kind === 'act';
  });

  record.phases.enter('reversing');
  await unlessAborted(
    () => record.abortReason !== undefined,
    () => Promise.all(toReverse.map((i) => reverse(spec, record, i))),
  );
  if (record.watches.size > 0 && record.abortReason === undefined) {
    record.phases.enter('waiting');
    await unlessAborted(
      () => record.abortReason !== undefined,
      () =>
        awaitReversedReplication(
          spec,
          [...record.watches.values()],
          Date.now() + spec.timeoutSeconds * 1000,
          spec.maxReplicationLagSeconds,
        ),
    );
  }
  if (record.abortReason !== undefined) await stopUnprotected(spec, record);
  record.settle();
  return record.finish(summarize(record));
}

function refuse(spec: ReprotectSpec, record: ReprotectRecord, instances: ReprotectInstance[]): void {
  const refused = refusals(instances, (i) => i.recoveryInstanceId, reprotectDisposition);
  if (spec.recoveryJobId && instances.length === 0)
    refused.push(
      `${spec.recoveryJobId}: no recovery instances of this job (wrong job id, region or account?)`,
    );
  if (refused.length === 0) return;
  for (const i of instances) {
    const d = reprotectDisposition(i);
    const s = record.servers.get(i.recoveryInstanceId);
    if (d.kind === 'refuse' && s) {
      s.result = 'FAILED';
      s.errors.push(d.reason);
    }
  }
  const report = record.finish(`refused reprotect, nothing reversed: ${refused.join('; ')}`);
  throw ApplicationFailure.nonRetryable(report.summary, REFUSED, report);
}

async function reverse(spec: ReprotectSpec, record: ReprotectRecord, i: ReprotectInstance): Promise<void> {
  const s = record.servers.get(i.recoveryInstanceId);
  if (!s) return;
  const reversedAtMs = Date.now();
  try {
    const { reversedDirectionSourceServerArn: arn } = await drsActivities.reverseReplication({
      ...targetOf(spec),
      recoveryInstanceId: i.recoveryInstanceId,
    });
    s.reversedSourceServerArn = arn;
    s.reversedSourceServerId = parseServerArn(arn).sourceServerId;
    s.originRegion = parseServerArn(arn).region;
    record.watches.set(i.recoveryInstanceId, { arn, reversedAtMs, statesSeen: [] });
  } catch (err) {
    s.result = 'FAILED';
    s.errors.push(errorMessage(err));
  }
}

/** After an abort: StopFailback for the instances this run reversed that are not protected yet. */
async function stopUnprotected(spec: ReprotectSpec, record: ReprotectRecord): Promise<void> {
  record.phases.enter('stopping');
  await Promise.all(
    [...record.watches.entries()]
      .filter(([, w]) => w.protectedAfterSeconds === undefined)
      .map(async ([recoveryInstanceId, watch]) => {
        try {
          await drsActivities.stopFailback({ ...targetOf(spec), recoveryInstanceId });
          watch.ended = 'STOPPED';
          watch.replicationState = 'STOPPED';
          if (watch.statesSeen.at(-1) !== 'STOPPED') watch.statesSeen.push('STOPPED');
        } catch (err) {
          record.errors.push(`${recoveryInstanceId}: StopFailback failed: ${errorMessage(err)}`);
        }
      }),
  );
}

function summarize(record: ReprotectRecord): string {
  const all = [...record.servers.values()];
  const count = (r: ReprotectServerReport['result']) => all.filter((s) => s.result === r).length;
  const parts = [
    `${count('PROTECTED')}/${all.length} reversed and replicating CONTINUOUS`,
    `${count('NOT_PROTECTED')} not protected in time`,
    `${count('STOPPED')} stopped`,
    `${count('FAILED')} failed`,
    `${count('SKIPPED')} skipped`,
  ];
  if (record.abortReason !== undefined) parts.push(`aborted: ${record.abortReason}`);
  const first = all.find((s) => s.errors.length > 0);
  if (first) parts.push(`${first.recoveryInstanceId}: ${first.errors[0]}`);
  if (record.errors.length > 0) parts.push(record.errors[0]);
  return parts.join('; ');
}
