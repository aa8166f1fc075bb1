// drsFailback: fail recovery instances back to the source. For the named recovery instances (or
// every instance a recovery job launched): refuse drill instances and states that cannot fail back,
// wait (with a deadline) until each is FAILBACK_READY_FOR_LAUNCH, StartFailbackLaunch once for the
// ready ones, follow that job, report per instance. Refusals happen before any mutating call.
import {
  ApplicationFailure,
  CancellationScope,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { REFUSED } from '../common/failures';
import { parseFailbackInput, type FailbackInput } from '../common/inputs-lifecycle';
import { failbackDisposition, refusals } from '../common/lifecycle-rules';
import { DrsOperation, DrsSourceServers } from '../common/search-attributes';
import type { Outcome } from '../common/types';
import type {
  FailbackInstance,
  FailbackInstanceReport,
  FailbackPhase,
  FailbackPlan,
  FailbackProgress,
  FailbackReport,
} from '../common/types-lifecycle';
import { followJob, untilDeadline } from './job-waits';
import { abortSignal, failbackProgressQuery } from './messages';
import {
  PhaseClock,
  drs,
  errorMessage,
  markOutcome,
  pollingCalls,
  seconds,
  targetOf,
  unlessAborted,
  validated,
} from './operation-support';

class FailbackRecord {
  readonly startedAtMs = Date.now();
  readonly phases = new PhaseClock<FailbackPhase>('validating-input');
  readonly instances = new Map<string, FailbackInstanceReport>();
  readonly errors: string[] = [];
  failbackJobId?: string;
  abortReason?: string;
  report?: FailbackReport;
  plan?: FailbackPlan;

  constructor(readonly workflowId: string) {}

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
    const good = all.filter((i) => i.result === 'LAUNCHED' || i.result === 'SKIPPED').length;
    if (all.length > 0 && good === all.length && this.errors.length === 0) return 'SUCCEEDED';
    return all.some((i) => i.result === 'LAUNCHED') ? 'PARTIAL' : 'FAILED';
  }

  finish(summary: string): FailbackReport {
    this.phases.enter('done');
    this.report = {
      operation: 'failback',
      workflowId: this.workflowId,
      outcome: this.outcome(),
      region: this.plan?.region ?? '',
      ...(this.plan?.accountId ? { accountId: this.plan.accountId } : {}),
      ...(this.plan?.recoveryJobId ? { recoveryJobId: this.plan.recoveryJobId } : {}),
      failbackJobId: this.failbackJobId,
      servers: [...this.instances.values()],
      phaseDurations: this.phases.durations,
      startedAt: new Date(this.startedAtMs).toISOString(),
      finishedAt: new Date().toISOString(),
      summary,
      errors: this.errors,
    };
    markOutcome(this.report.outcome);
    return this.report;
  }

  progress(): FailbackProgress {
    return {
      operation: 'failback',
      phase: this.phases.phase,
      failbackJobId: this.failbackJobId,
      servers: [...this.instances.values()].map((i) => ({ ...i, errors: [...i.errors] })),
      abortReason: this.abortReason,
      report: this.report,
    };
  }
}

export async function drsFailback(input: FailbackInput): Promise<FailbackReport> {
  const record = new FailbackRecord(workflowInfo().workflowId);
  setHandler(failbackProgressQuery, () => record.progress());
  setHandler(abortSignal, (args) => void (record.abortReason ??= args?.reason ?? 'aborted by operator'));

  const plan = validated(parseFailbackInput, input);
  record.plan = plan;
  upsertSearchAttributes([{ key: DrsOperation, value: 'failback' }]);

  record.phases.enter('inspecting');
  const instances = await drs.describeFailbackInstances({
    ...targetOf(plan),
    recoveryInstanceIds: plan.recoveryInstanceIds,
    recoveryJobId: plan.recoveryJobId,
  });
  record.note(instances);
  upsertSearchAttributes([
    { key: DrsSourceServers, value: instances.map((i) => i.sourceServerId).filter(Boolean) },
  ]);
  refuse(plan, record, instances);

  record.phases.enter('awaiting-readiness');
  const ready = await awaitReadiness(plan, record, instances);
  if (record.abortReason !== undefined)
    return record.finish(`aborted before failback launch: ${record.abortReason}; nothing was launched`);
  if (ready.length === 0) return record.finish(summarize(record));

  record.phases.enter('launching');
  await launch(plan, record, ready);
  return record.finish(summarize(record));
}

function refuse(plan: FailbackPlan, record: FailbackRecord, instances: FailbackInstance[]): void {
  const refused = refusals(instances, (i) => i.recoveryInstanceId, failbackDisposition);
  if (plan.recoveryJobId && instances.length === 0)
    refused.push(
      `${plan.recoveryJobId}: no recovery instances of this job (wrong job id, region or account?)`,
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
  plan: FailbackPlan,
  record: FailbackRecord,
  instances: FailbackInstance[],
): Promise<FailbackInstance[]> {
  const deadline = Date.now() + plan.readyTimeoutSeconds * 1000;
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
              `not FAILBACK_READY_FOR_LAUNCH within ${plan.readyTimeoutSeconds}s`,
              deadline,
              (remainingMs) =>
                pollingCalls(remainingMs).awaitFailbackReady({
                  ...targetOf(plan),
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

async function launch(plan: FailbackPlan, record: FailbackRecord, ready: FailbackInstance[]): Promise<void> {
  const notBeforeMs = Date.now();
  try {
    // Non-cancellable: once StartFailbackLaunch is sent DRS may have created the job.
    const job = await CancellationScope.nonCancellable(() =>
      drs.startFailbackLaunch({
        ...targetOf(plan),
        recoveryInstanceIds: ready.map((i) => i.recoveryInstanceId),
        sourceServerIds: ready.map((i) => i.sourceServerId),
        workflowId: record.workflowId,
        step: 'failback-launch',
        tagJobs: plan.tagJobs,
        notBeforeMs,
      }),
    );
    record.failbackJobId = job.jobId;
    const deadline = notBeforeMs + plan.launchTimeoutSeconds * 1000;
    const done = await followJob(targetOf(plan), job.jobId, deadline, (j) => {
      for (const s of j.servers) {
        const entry = ready.find((i) => i.sourceServerId === s.sourceServerId);
        const report = entry && record.instances.get(entry.recoveryInstanceId);
        if (report && s.launchStatus === 'LAUNCHED') report.result = 'LAUNCHED';
      }
    });
    const failed = done.servers.filter((s) => s.launchStatus !== 'LAUNCHED');
    const messages =
      failed.length > 0 ? await drs.describeJobFailures({ ...targetOf(plan), jobId: job.jobId }) : {};
    for (const s of failed) {
      const entry = ready.find((i) => i.sourceServerId === s.sourceServerId);
      const report = entry && record.instances.get(entry.recoveryInstanceId);
      if (!report) continue;
      report.result = 'FAILED';
      report.errors.push(
        messages[s.sourceServerId]?.join('; ') ||
          `failback launch ended ${s.launchStatus ?? 'without a status'}`,
      );
    }
  } catch (err) {
    record.errors.push(errorMessage(err));
    for (const i of ready) {
      const report = record.instances.get(i.recoveryInstanceId);
      if (report && report.result === 'PENDING') {
        report.result = 'FAILED';
        report.errors.push(errorMessage(err));
      }
    }
  }
  const after = await drs.describeFailbackInstances({
    ...targetOf(plan),
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
  const parts = [
    `${count('LAUNCHED')}/${all.length} failed back`,
    `${count('NOT_READY')} not ready`,
    `${count('FAILED')} failed`,
    `${count('SKIPPED')} already done`,
  ];
  const first = all.find((i) => i.errors.length > 0);
  if (first) parts.push(`${first.recoveryInstanceId}: ${first.errors[0]}`);
  if (record.errors.length > 0) parts.push(record.errors[0]);
  return parts.join('; ');
}
