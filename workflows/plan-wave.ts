// One wave of a drsPlan: its dependencies and gate, pre- and post-checks, child workflows and their health.
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  condition,
  isCancellation,
  startChild,
} from '@temporalio/workflow';
import { mergeTargets, type TargetFields } from '../common/targets';
import type { PlanSpec, WaveChecks, WavePlan } from '../common/inputs-plan';
import type { DrillReport } from '../common/types';
import type { RecoveryReport } from '../common/types-lifecycle';
import type { PlanChildReport, WaveCheckResult, WaveStatus } from '../common/types-plan';
import type { Placement } from '../common/plan-placement';
import { errorMessage, probeUntil, targetOf, unlessAborted } from './operation-support';
import { awaitingApproval, notify } from './notifications';
import { childChunks } from './plan-estate';
import {
  childSummaries,
  forwardAbort,
  notLaunched,
  noteChildReport,
  settle,
  type ChildWorkflow,
  type PlanRecord,
} from './plan-record';

const SETTLED: readonly WaveStatus[] = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'SKIPPED', 'ABORTED'];

/** Runs one wave once its dependencies allow, and settles its status. */
export async function runWave(plan: PlanSpec, wave: WavePlan, record: PlanRecord): Promise<void> {
  const report = record.wave(wave.name);
  await condition(() =>
    wave.dependsOn.every(
      (dep) => SETTLED.includes(record.wave(dep).status) || releasesDependents(plan, record, dep),
    ),
  );
  const unmet = wave.dependsOn.find((dep) => !releasesDependents(plan, record, dep));
  if (record.abortReason !== undefined)
    return settle(report, 'ABORTED', `plan aborted: ${record.abortReason}`);
  if (unmet !== undefined)
    return settle(report, 'SKIPPED', `depends on wave "${unmet}", which ended ${record.wave(unmet).status}`);

  if (wave.pauseBefore) {
    await record.approvers.load();
    report.status = 'AWAITING_APPROVAL';
    const notified = notify(awaitingApproval(`wave "${wave.name}"`, wave.sourceServerIds ?? []));
    const decided = await condition(
      () => record.approved.has(wave.name) || record.abortReason !== undefined,
      plan.approvalTimeoutSeconds * 1000,
    );
    await notified;
    if (!decided) record.abort(`no approve for wave "${wave.name}" within ${plan.approvalTimeoutSeconds}s`);
    if (record.abortReason !== undefined)
      return settle(report, 'ABORTED', `plan aborted: ${record.abortReason}`);
  }

  report.status = 'RUNNING';
  report.startedAt = new Date().toISOString();
  if (wave.preChecks) {
    const failed = await runWaveChecks(wave, 'pre', wave.preChecks, record);
    if (record.abortReason !== undefined)
      return settle(report, 'ABORTED', `plan aborted: ${record.abortReason}`);
    if (failed) return settle(report, 'FAILED', `pre-checks failed, nothing launched: ${failed}`);
  }
  const chunks = childChunks(plan, wave, report.sourceServerIds);
  record.childCounts.set(wave.name, chunks.length);
  const queue = chunks.map((chunk, index) => ({ ...chunk, index }));
  // a small pool: `maxChildrenAtOnce` lanes each taking the next chunk until none is left
  const lanes = Array.from({ length: Math.min(wave.maxChildrenAtOnce, queue.length) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (record.abortReason !== undefined) return;
      await runChild(plan, wave, next, record);
    }
  });
  await Promise.all(lanes);

  const outcomes = report.children.map((c) => c.outcome);
  const notStarted = chunks.length - report.children.length;
  if (outcomes.every((o) => o === 'SUCCEEDED') && notStarted === 0) {
    const failed = wave.postChecks && (await runWaveChecks(wave, 'post', wave.postChecks, record));
    if (record.abortReason !== undefined)
      return settle(report, 'ABORTED', `plan aborted: ${record.abortReason}`);
    if (failed) return settle(report, 'FAILED', `post-checks failed: ${failed}`);
    return settle(report, 'SUCCEEDED');
  }
  if (record.abortReason !== undefined && (notStarted > 0 || outcomes.includes('ABORTED')))
    return settle(report, 'ABORTED', `plan aborted: ${record.abortReason}`);
  if (outcomes.some((o) => o === 'SUCCEEDED' || o === 'PARTIAL'))
    return settle(report, 'PARTIAL', childSummaries(report));
  return settle(report, 'FAILED', childSummaries(report));
}

/** Waves depending on `name` may start: it SUCCEEDED, or it lets them start once healthy and is. */
function releasesDependents(plan: PlanSpec, record: PlanRecord, name: string): boolean {
  const wave = record.wave(name);
  const early = plan.waves.find((w) => w.name === name)?.dependentsStartWhen === 'healthy';
  return wave.status === 'SUCCEEDED' || (early && wave.healthyAt !== undefined);
}

/** Records a drill child's health; its wave is healthy once every child of it said healthy. */
export function noteChildHealth(
  record: PlanRecord,
  plan: PlanSpec,
  workflowId: string,
  healthy: boolean,
): void {
  for (const wave of plan.waves) {
    const report = record.wave(wave.name);
    const child = report.children.find((c) => c.workflowId === workflowId);
    if (!child) continue;
    child.healthy = healthy;
    const children = record.childCounts.get(wave.name);
    if (report.children.length === children && report.children.every((c) => c.healthy === true))
      report.healthyAt ??= new Date().toISOString();
  }
}

/**
 * Runs `checks` against every host until all pass or their timeout (retry-as-poll, like a drill's
 * health checks); an abort stops waiting. Records each host's result on the wave; returns the
 * failures as text, or undefined when every host passed.
 */
async function runWaveChecks(
  wave: WavePlan,
  stage: 'pre' | 'post',
  { checks, hosts, timeoutSeconds }: WaveChecks,
  record: PlanRecord,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const results = await unlessAborted(
    () => record.abortReason !== undefined,
    () =>
      Promise.all(
        hosts.map(async (host): Promise<WaveCheckResult> => {
          const late = `${stage}-checks did not pass in ${timeoutSeconds}s`;
          const error = await probeUntil(`wave "${wave.name}"`, host, checks, deadline, late);
          return { stage, host, passed: error === undefined, ...(error ? { error } : {}) };
        }),
      ),
  );
  const report = record.wave(wave.name);
  report.checks = [...(report.checks ?? []), ...(results ?? [])];
  const failed = (results ?? []).filter((r) => !r.passed);
  return failed.length > 0 ? failed.map((r) => `${r.host}: ${r.error}`).join('; ') : undefined;
}

/** One child: its servers, their account and region (one DRS job), and its number in the wave. */
async function runChild(
  plan: PlanSpec,
  wave: WavePlan,
  { servers, placement, index }: { servers: string[]; placement: Placement; index: number },
  record: PlanRecord,
): Promise<void> {
  const workflowType = wave.action === 'drill' ? 'drsDrill' : 'drsRecovery';
  const target = targetOf(placement);
  const child: PlanChildReport = {
    workflowId: `${record.workflowId}-${wave.name}-${index + 1}`,
    workflowType,
    sourceServerIds: servers,
    ...target,
  };
  record.wave(wave.name).children.push(child);
  const args = {
    ...(wave.action === 'recovery' && plan.preemptDrills ? { preemptDrills: plan.preemptDrills } : {}),
    ...wave.options,
    sourceServerIds: servers,
    ...target,
    ...(wave.action === 'recovery' ? { confirm: true } : {}),
    ...(wave.action === 'drill' && wave.dependentsStartWhen === 'healthy'
      ? { notifyParentWhenHealthy: true }
      : {}),
    ...childTargets(plan, wave, servers),
  };
  const handle = await startChild<ChildWorkflow>(workflowType, {
    workflowId: child.workflowId,
    args: [args],
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
  });
  record.running.add(handle);
  if (record.abortReason !== undefined) forwardAbort(handle, record.abortReason, record.abortRequest?.by);
  try {
    const report = await handle.result();
    noteChildReport(record, wave, child, report);
  } catch (err) {
    if (isCancellation(err)) throw err;
    const details =
      err instanceof ChildWorkflowFailure && err.cause instanceof ApplicationFailure
        ? err.cause.details
        : undefined;
    const childReport = details?.[0] as DrillReport | RecoveryReport | undefined;
    const message = errorMessage(err instanceof ChildWorkflowFailure && err.cause ? err.cause : err);
    if (childReport?.servers) noteChildReport(record, wave, child, { ...childReport, outcome: 'FAILED' });
    child.outcome = 'FAILED';
    child.summary = message;
    for (const id of servers)
      if (!record.servers.has(id))
        record.servers.set(id, notLaunched(id, wave.name, message, child.workflowId));
  } finally {
    record.running.delete(handle);
  }
}

/** The child's own `targets` and `serverTargets`, so its report judges them as the plan does. */
function childTargets(plan: PlanSpec, wave: WavePlan, servers: string[]): TargetFields {
  const targets = mergeTargets(plan.targets, wave.targets);
  const serverTargets = Object.fromEntries(
    servers.flatMap((id) => (plan.serverTargets?.[id] ? [[id, plan.serverTargets[id]]] : [])),
  );
  return {
    ...(targets ? { targets } : {}),
    ...(Object.keys(serverTargets).length ? { serverTargets } : {}),
  };
}
