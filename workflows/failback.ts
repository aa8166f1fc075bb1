// drsFailback: fail recovery instances back to the source. For the named recovery instances (or
// every instance a recovery job launched): refuse drill instances and states that cannot fail back,
// wait (with a deadline) until each is FAILBACK_READY_FOR_LAUNCH, StartFailbackLaunch once for the
// ready ones, follow that job, report per instance. Refusals happen before any mutating call.
import {
  ApplicationFailure,
  CancellationScope,
  patched,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { REFUSED } from '../common/failures';
import { parseFailbackInput, type FailbackInput, type FailbackSpec } from '../common/inputs-lifecycle';
import { failbackDisposition, refusals } from '../common/lifecycle-rules';
import { sourceServerAttributes } from '../common/search-attributes';
import type { Outcome } from '../common/types';
import type {
  FailbackInstance,
  FailbackInstanceReport,
  FailbackPhase,
  FailbackProgress,
  FailbackReport,
} from '../common/types-lifecycle';
import { CapacityWaiter } from './capacity-waiter';
import { untilDeadline } from './job-waits';
import { launchPlace, runJob, stageStart } from './launch';
import { failbackEc2, stopFailbacks } from './failback-ec2';
import { failbackProgressQuery } from './messages';
import { PATCHES } from './patches';
import { abortOnly } from './operator-messages';
import { runOperation } from './run-operation';
import {
  drsActivities,
  errorMessage,
  pollingActivities,
  releasingCapacity,
  targetOf,
  unlessAborted,
} from './operation-support';
import { OperationRecord, markOutcome, seconds } from './operation-record';

export class FailbackRecord extends OperationRecord<FailbackPhase, FailbackSpec, FailbackReport> {
  readonly instances = new Map<string, FailbackInstanceReport>();
  /** This run's place in the account's capacity queue for the failback job. */
  readonly capacity = new CapacityWaiter();
  failbackJobId?: string;
  /** StartFailbackLaunch (or the EC2 path's StartRecovery) was called: from here on an abort cannot stop anything. */
  launchRequested = false;
  /** Which failback this run does (the report states it). */
  path?: FailbackReport['path'];
  /** The EC2 path's recovery job in the origin region, and terminate job in the DR region. */
  originRecoveryJobId?: string;
  terminateJobId?: string;

  constructor(workflowId: string) {
    super(workflowId, 'validating-input');
  }

  /** `abort` stops the failback until its launch is requested (DRS cannot cancel a job). */
  abortRejection(): string | undefined {
    const closed = this.closedRejection();
    if (closed || !this.launchRequested) return closed;
    const job = this.failbackJobId ? ` (job ${this.failbackJobId})` : '';
    return `already finishing: the failback launch was requested${job}, and DRS cannot cancel a job`;
  }

  /** A launch failed as a whole: the run's error, and each of these entries still PENDING failed with it. */
  failPending(keys: string[], err: unknown): void {
    const message = errorMessage(err);
    this.errors.push(message);
    for (const key of keys) {
      const entry = this.instances.get(key);
      if (entry?.result !== 'PENDING') continue;
      entry.result = 'FAILED';
      entry.errors.push(message);
    }
  }

  note(instances: FailbackInstance[]): void {
    for (const i of instances)
      this.instances.set(i.recoveryInstanceId, {
        sourceServerId: i.sourceServerId,
        recoveryInstanceId: i.recoveryInstanceId,
        result: 'PENDING',
        failbackState: i.failbackState,
        errors: [],
      });
  }

  outcome(): Outcome {
    if (this.abortReason !== undefined) return 'ABORTED';
    const all = [...this.instances.values()];
    const good = all.filter((i) => ['LAUNCHED', 'SKIPPED', 'STOPPED'].includes(i.result)).length;
    if (all.length > 0 && good === all.length && this.errors.length === 0) return 'SUCCEEDED';
    return all.some((i) => i.result === 'LAUNCHED') ? 'PARTIAL' : 'FAILED';
  }

  finish(summary: string): FailbackReport {
    this.phases.enter('done');
    this.report = {
      operation: 'failback',
      workflowId: this.workflowId,
      outcome: this.outcome(),
      ...this.reportTarget(),
      ...(this.spec?.recoveryJobId ? { recoveryJobId: this.spec.recoveryJobId } : {}),
      failbackJobId: this.failbackJobId,
      ...(this.path ? { path: this.path } : {}),
      ...(this.originRecoveryJobId ? { originRecoveryJobId: this.originRecoveryJobId } : {}),
      ...(this.terminateJobId ? { terminateJobId: this.terminateJobId } : {}),
      servers: [...this.instances.values()],
      ...this.reportClosing(summary),
    };
    markOutcome(this.report.outcome);
    return this.report;
  }

  progress(): FailbackProgress {
    return this.progressOf('failback', {
      ...(this.capacity.status() ? { capacity: this.capacity.status() } : {}),
      failbackJobId: this.failbackJobId,
      servers: [...this.instances.values()].map((i) => ({ ...i, errors: [...i.errors] })),
    });
  }
}

export async function drsFailback(input: FailbackInput): Promise<FailbackReport> {
  const record = new FailbackRecord(workflowInfo().workflowId);
  return runOperation(input, {
    operation: 'failback',
    record,
    progressQuery: failbackProgressQuery,
    parse: parseFailbackInput,
    actions: () =>
      abortOnly(
        'the failback',
        record,
        () => record.abortRejection(),
        () => 'nothing launched: nothing to clean up',
      ),
    soFar: (spec) => ({
      ...targetOf(spec),
      ...(spec.recoveryJobId ? { recoveryJobId: spec.recoveryJobId } : {}),
      ...(record.failbackJobId ? { failbackJobId: record.failbackJobId } : {}),
      servers: [...record.instances.values()],
    }),
    run: (spec) => releasingCapacity(record.capacity, () => failback(spec, record)),
  });
}

async function failback(spec: FailbackSpec, record: FailbackRecord): Promise<FailbackReport> {
  // `stop` and named reversed servers exist only in inputs of builds with the EC2 path
  if (spec.stop) {
    await stopFailbacks(spec, record);
    return record.finish(summarize(record));
  }
  record.phases.enter('inspecting');
  if (spec.sourceServerIds.length > 0 && patched(PATCHES.ec2Failback.id)) return ec2(spec, record);
  const instances = await drsActivities.describeFailbackInstances({
    ...targetOf(spec),
    recoveryInstanceIds: spec.recoveryInstanceIds,
    recoveryJobId: spec.recoveryJobId,
  });
  // the path follows the instances' origin: EC2 in another region fails back by a recovery there
  if (instances.some((i) => i.originEnvironment === 'AWS') && patched(PATCHES.ec2Failback.id))
    return ec2(spec, record);
  record.path = 'ON_PREMISES';
  record.note(instances);
  upsertSearchAttributes(sourceServerAttributes(instances.map((i) => i.sourceServerId).filter(Boolean)));
  refuse(spec, record, instances);

  record.phases.enter('awaiting-readiness');
  const ready = await awaitReadiness(spec, record, instances);
  if (record.abortReason !== undefined)
    return record.finish(`aborted before failback launch: ${record.abortReason}; nothing was launched`);
  if (ready.length === 0) return record.finish(summarize(record));

  record.phases.enter('launching');
  await launch(spec, record, ready);
  return record.finish(summarize(record));
}

async function ec2(spec: FailbackSpec, record: FailbackRecord): Promise<FailbackReport> {
  await failbackEc2(spec, record);
  upsertSearchAttributes(sourceServerAttributes([...record.instances.values()].map((i) => i.sourceServerId)));
  return record.finish(summarize(record));
}

function refuse(spec: FailbackSpec, record: FailbackRecord, instances: FailbackInstance[]): void {
  const refused = refusals(instances, (i) => i.recoveryInstanceId, failbackDisposition);
  if (spec.recoveryJobId && instances.length === 0)
    refused.push(
      `${spec.recoveryJobId}: no recovery instances of this job (wrong job id, region or account?)`,
    );
  if (refused.length === 0) return;
  for (const i of instances) {
    const d = failbackDisposition(i);
    if (d.kind === 'refuse') record.instances.get(i.recoveryInstanceId)?.errors.push(d.reason);
  }
  const report = record.finish(`refused failback, nothing launched: ${refused.join('; ')}`);
  throw ApplicationFailure.nonRetryable(report.summary, REFUSED, report);
}

/** Waits for each instance in parallel; returns the ones FAILBACK_READY_FOR_LAUNCH by the deadline. */
async function awaitReadiness(
  spec: FailbackSpec,
  record: FailbackRecord,
  instances: FailbackInstance[],
): Promise<FailbackInstance[]> {
  const deadline = Date.now() + spec.readyTimeoutSeconds * 1000;
  const ready: FailbackInstance[] = [];
  await unlessAborted(
    () => record.abortReason !== undefined,
    () =>
      Promise.all(
        instances.map(async (instance) => {
          const entry = record.instances.get(instance.recoveryInstanceId);
          if (!entry) return;
          const disposition = failbackDisposition(instance);
          if (disposition.kind === 'skip') {
            entry.result = 'SKIPPED';
            entry.errors.length = 0;
            return;
          }
          try {
            const now = await untilDeadline(
              `not FAILBACK_READY_FOR_LAUNCH within ${spec.readyTimeoutSeconds}s`,
              deadline,
              (remainingMs) =>
                pollingActivities(remainingMs).awaitFailbackReady({
                  ...targetOf(spec),
                  recoveryInstanceId: instance.recoveryInstanceId,
                }),
            );
            entry.failbackState = now.failbackState;
            entry.readyAfterSeconds = seconds(Date.now() - record.startedAtMs);
            ready.push(now);
          } catch (err) {
            if (CancellationScope.current().consideredCancelled) throw err;
            entry.result = 'NOT_READY';
            entry.errors.push(errorMessage(err));
          }
        }),
      ),
  );
  return ready;
}

async function launch(spec: FailbackSpec, record: FailbackRecord, ready: FailbackInstance[]): Promise<void> {
  const reportOf = (sourceServerId: string) => {
    const entry = ready.find((i) => i.sourceServerId === sourceServerId);
    return entry && record.instances.get(entry.recoveryInstanceId);
  };
  try {
    const run = await runJob({
      ...launchPlace(record),
      target: targetOf(spec),
      step: 'failback-launch',
      sourceServerIds: ready.map((i) => i.sourceServerId),
      purpose: `failback launch of ${ready.length} instance(s)`,
      deadlineMs: Date.now() + spec.launchTimeoutSeconds * 1000,
      start: (notBeforeMs, calls) => {
        record.launchRequested = true;
        return calls.startFailbackLaunch({
          ...targetOf(spec),
          recoveryInstanceIds: ready.map((i) => i.recoveryInstanceId),
          sourceServerIds: ready.map((i) => i.sourceServerId),
          ...stageStart(record, 'failback-launch', spec.tagJobs, notBeforeMs),
        });
      },
      onJob: (job) => {
        record.failbackJobId = job.jobId;
        for (const s of job.servers) {
          const report = reportOf(s.sourceServerId);
          if (report && s.launchStatus === 'LAUNCHED') report.result = 'LAUNCHED';
        }
      },
    });
    if (!run) return; // aborted while waiting for capacity: nothing was launched
    if (run.error) throw run.error;
    for (const [sourceServerId, lines] of Object.entries(run.failures)) {
      const report = reportOf(sourceServerId);
      if (!report) continue;
      report.result = 'FAILED';
      report.errors.push(lines.join('; '));
    }
  } catch (err) {
    record.failPending(
      ready.map((i) => i.recoveryInstanceId),
      err,
    );
  }
  const after = await drsActivities.describeFailbackInstances({
    ...targetOf(spec),
    recoveryInstanceIds: ready.map((i) => i.recoveryInstanceId),
  });
  for (const i of after) {
    const report = record.instances.get(i.recoveryInstanceId);
    if (report) report.failbackState = i.failbackState;
  }
}

function summarize(record: FailbackRecord): string {
  const all = [...record.instances.values()];
  const count = (r: FailbackInstanceReport['result']) => all.filter((i) => i.result === r).length;
  if (record.path === 'STOP')
    return `${count('STOPPED')}/${all.length} failbacks stopped (StopFailback); ${count('SKIPPED')} had none in progress; ${count('FAILED')} failed`;
  const parts = [
    record.path === 'AWS'
      ? `${all.filter((i) => i.protectedAfterSeconds !== undefined).length}/${all.length} back in ${all[0]?.originRegion ?? 'the origin region'} and replicating in the original direction (EC2 path)`
      : `${count('LAUNCHED')}/${all.length} failed back`,
    `${count('NOT_READY')} not ready`,
    `${count('FAILED')} failed`,
    `${count('SKIPPED')} already done`,
  ];
  const first = all.find((i) => i.errors.length > 0);
  if (first) parts.push(`${first.recoveryInstanceId}: ${first.errors[0]}`);
  if (record.errors.length > 0) parts.push(record.errors[0]);
  return parts.join('; ');
}
