// drsReconcile: heals what a drill could not clean up itself. A drill terminated from the UI or the
// CLI, reset, or past both deadlines leaves its drill instances running, and nothing in that run
// will ever come back for them. On a schedule (every 30 minutes by default), this lists the
// account's drill instances, and terminates those that a job tagged by this product launched for
// a workflow that is closed or gone, once the grace period after their launch is over. Untagged
// drill instances are someone else's: reported when old, never touched. The rule: common/reconcile.ts.
//
// Each launch job's instances are terminated as a drill's cleanup would: a place in the capacity
// queue's cleanup lane (it goes before launches), TerminateRecoveryInstances exactly once for the
// drill instances of that job only, the terminate job followed to its end, then a check of what is left.
import { setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  parseReconcileInput,
  type ReconcileInput,
  type ReconcileProgress,
  type ReconcileReport,
  type ReconcileSpec,
  type ReconciledInstance,
} from '../common/reconcile';
import { DrsOperation } from '../common/search-attributes';
import type { Outcome } from '../common/types';
import { CapacityWaiter } from './capacity-waiter';
import { capacityPhases, runJob, terminateJob } from './launch';
import { reconcileProgressQuery } from './messages';
import { notify } from './notifications';
import { drsActivities, errorMessage, targetOf, validated } from './operation-support';
import { markOutcome, PhaseClock } from './operation-record';

type Phase = ReconcileProgress['phase'];

export async function drsReconcile(input: ReconcileInput): Promise<ReconcileReport> {
  const phases = new PhaseClock<Phase>('listing');
  const done: { report?: ReconcileReport } = {};
  setHandler(reconcileProgressQuery, () => ({ operation: 'reconcile', phase: phases.phase, ...done }));
  const startedAt = new Date().toISOString();
  const spec = await validated('reconcile', parseReconcileInput, input);
  upsertSearchAttributes([{ key: DrsOperation, value: 'reconcile' }]);

  const capacity = new CapacityWaiter();
  let instances: ReconciledInstance[];
  let runningDrillInstances: number;
  const errors: string[] = [];
  try {
    ({ instances, runningDrillInstances } = await drsActivities.findLeakedDrillInstances({
      ...targetOf(spec),
      graceSeconds: spec.graceSeconds,
      untaggedMaxAgeSeconds: spec.untaggedMaxAgeSeconds,
      dryRun: spec.dryRun,
      nowMs: Date.now(),
    }));
    if (!spec.dryRun) await terminate(spec, instances, phases, capacity, errors);
  } catch (err) {
    await notify({
      kind: 'run-ended',
      title: 'reconcile FAILED',
      outcome: 'FAILED',
      summary: errorMessage(err),
    });
    throw err;
  } finally {
    await capacity.releaseAll();
  }
  phases.enter('done', false);

  const terminated = instances.filter((i) => i.terminated === true);
  const outcome: Outcome = errors.length === 0 ? 'SUCCEEDED' : terminated.length > 0 ? 'PARTIAL' : 'FAILED';
  const report: ReconcileReport = {
    operation: 'reconcile',
    workflowId: workflowInfo().workflowId,
    outcome,
    ...targetOf(spec),
    dryRun: spec.dryRun,
    graceSeconds: spec.graceSeconds,
    untaggedMaxAgeSeconds: spec.untaggedMaxAgeSeconds,
    servers: instances,
    runningDrillInstances,
    terminateJobIds: [...new Set(instances.flatMap((i) => i.terminateJobId ?? []))],
    summary: summarize(spec, instances, runningDrillInstances, errors),
    errors,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
  done.report = report;
  markOutcome(outcome);
  // a run that found nothing to do says nothing: a schedule every 30 minutes would be noise
  if (terminated.length > 0 || errors.length > 0)
    await notify({
      kind: 'run-ended',
      title: `reconcile ${outcome}: ${terminated.length} leaked drill instance(s) terminated`,
      outcome,
      summary: report.summary,
      sourceServerIds: terminated.map((i) => i.sourceServerId).slice(0, 100),
    });
  return report;
}

/** Terminates the instances marked `terminate`, one terminate job per launch job, side by side. */
async function terminate(
  spec: ReconcileSpec,
  instances: ReconciledInstance[],
  phases: PhaseClock<Phase>,
  capacity: CapacityWaiter,
  errors: string[],
): Promise<void> {
  const byLaunchJob = new Map<string, ReconciledInstance[]>();
  for (const i of instances.filter((x) => x.action === 'terminate'))
    byLaunchJob.set(i.launchJobId ?? '', [...(byLaunchJob.get(i.launchJobId ?? '') ?? []), i]);
  if (byLaunchJob.size === 0) return;
  phases.enter('terminating');
  const deadlineMs = Date.now() + spec.cleanupTimeoutSeconds * 1000;
  const target = targetOf(spec);
  await Promise.all(
    [...byLaunchJob].map(async ([launchJobId, rows]) => {
      const drill = { ...target, launchJobId, sourceServerIds: rows.map((r) => r.sourceServerId) };
      try {
        const run = await runJob({
          ...capacityPhases(phases, 'waiting-for-capacity', 'terminating'),
          target,
          step: `cleanup-${launchJobId}`,
          sourceServerIds: drill.sourceServerIds,
          purpose: `reconcile: terminate ${rows.length} leaked drill instance(s) of job ${launchJobId}`,
          deadlineMs,
          capacity,
          ...terminateJob(async (notBeforeMs, calls) => {
            const result = await calls.terminateDrillInstances({
              ...drill,
              knownRecoveryInstanceIds: rows.map((r) => r.recoveryInstanceId),
              notBeforeMs,
            });
            for (const r of rows) if (result.jobId) r.terminateJobId = result.jobId;
            return result.jobId;
          }),
        });
        if (run?.error) throw run.error;
        const remaining = await drsActivities.remainingDrillInstances(drill);
        for (const r of rows)
          r.terminated = !remaining.some((x) => x.recoveryInstanceId === r.recoveryInstanceId);
        const left = rows.filter((r) => !r.terminated).map((r) => r.recoveryInstanceId);
        if (left.length > 0)
          errors.push(`drill instances still up after job ${launchJobId}: ${left.join(', ')}`);
      } catch (err) {
        errors.push(`terminating the drill instances of job ${launchJobId} failed: ${errorMessage(err)}`);
      }
    }),
  );
}

function summarize(
  spec: ReconcileSpec,
  instances: ReconciledInstance[],
  running: number,
  errors: string[],
): string {
  const count = (action: ReconciledInstance['action']) => instances.filter((i) => i.action === action).length;
  const parts = spec.dryRun
    ? [`dry run: ${count('would-terminate')} drill instance(s) would be terminated`]
    : [`${instances.filter((i) => i.terminated).length} leaked drill instance(s) terminated`];
  parts.push(
    `${count('keep')} kept`,
    `${count('report')} reported (not ours, never touched)`,
    `${running} of running drills`,
  );
  if (errors.length > 0) parts.push(errors[0]);
  return parts.join('; ');
}
