// drsPlan: a recovery plan. Waves of source servers (by id, or by tags resolved once at the start)
// run as drsDrill / drsRecovery child workflows, each child one DRS job of at most
// `maxServersPerChild` servers, `maxChildrenAtOnce` of them at a time. A wave starts when every
// wave it depends on SUCCEEDED (it is SKIPPED when one did not), after an optional approval gate.
//
// A wave may have pre-checks (HTTP/TCP against named hosts, e.g. the database the wave needs; a
// failure launches nothing) and post-checks (after its children succeeded; a failure fails the wave).
//
// Abort stops starting anything new and is forwarded to the running children: a drill child then
// cleans up its own instances, a recovery child that has not launched yet ends without launching.
// Cancelling the plan cancels the children (a drill child still cleans up), and so does closing
// it (parentClosePolicy REQUEST_CANCEL: terminating the plan must not strand drill instances).
//
// Waves and their servers may each name an account and region (workflows/plan-estate.ts): the
// plan first checks that the worker reaches them all, and each child runs in one of them.
//
// What the plan records as it goes, and the report built from it, are in plan-record.ts.
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  condition,
  isCancellation,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { REFUSED } from '../common/failures';
import { mergeTargets, type TargetFields } from '../common/targets';
import {
  namedServerIds,
  parsePlanInput,
  type PlanInput,
  type PlanSpec,
  type WaveChecks,
  type WavePlan,
} from '../common/inputs-plan';
import { DrsOperation, sourceServerAttributes } from '../common/search-attributes';
import type { DrillReport } from '../common/types';
import type { RecoveryReport } from '../common/types-lifecycle';
import type { PlanChildReport, PlanReport, WaveCheckResult, WaveStatus } from '../common/types-plan';
import { childHealthSignal, planProgressQuery } from './messages';
import { acceptOperatorMessages, closedRejection } from './operator-messages';
import {
  checkProbeTargets,
  drsActivities,
  errorMessage,
  probeUntil,
  targetOf,
  unlessAborted,
  validated,
} from './operation-support';
import { awaitingApproval, notify, notifyingEnd } from './notifications';
import { refuseDisallowedGuestChecks } from './boot';
import { declaredGuestChecksOf } from '../common/inputs-boot';
import type { Placement } from '../common/plan-placement';
import { PATCHES } from './patches';
import { withNetworkStep } from './plan-network';
import {
  PlanRecord,
  childSummaries,
  finish,
  forwardAbort,
  notLaunched,
  noteChildReport,
  planSoFar,
  settle,
  type ChildWorkflow,
} from './plan-record';
import {
  childChunks,
  placementSearchAttributes,
  selectorText,
  selectWaveServers,
  unreachableAccounts,
  wavePlacements,
} from './plan-estate';

/**
 * A child costs the plan about seven history events: 500 children stay far below Temporal's
 * history limits (a 4,000-server plan at the default 100 servers per child needs 40).
 */
const MAX_PLAN_CHILDREN = 500;

const SETTLED: readonly WaveStatus[] = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'SKIPPED', 'ABORTED'];

export async function drsPlan(input: PlanInput): Promise<PlanReport> {
  const state = new PlanRecord(workflowInfo().workflowId);
  setHandler(planProgressQuery, () => state.progress());

  const plan = await validated('plan', parsePlanInput, input);
  await checkProbeTargets(
    'plan',
    'drsPlan',
    plan.waves.flatMap((wave, w) =>
      (['preChecks', 'postChecks'] as const).flatMap(
        (stage) =>
          wave[stage]?.hosts.map((host, i) => ({ field: `waves.${w}.${stage}.hosts.${i}`, host })) ?? [],
      ),
    ),
    plan,
  );
  // a wave's in-guest checks the worker would refuse are refused here, before any wave launches
  await refuseDisallowedGuestChecks(
    'plan',
    plan.waves.flatMap((w, i) => declaredGuestChecksOf(w.options, `waves.${i}.options`)),
    plan,
  );
  setHandler(childHealthSignal, ({ workflowId, healthy }) =>
    noteChildHealth(state, plan, workflowId, healthy),
  );
  const gated = plan.waves.filter((w) => w.pauseBefore).map((w) => w.name);
  acceptOperatorMessages('drsPlan', {
    approve: {
      rejection: ({ by }) => state.approveRejection(gated, by),
      act: (approval) => state.approve(approval),
    },
    abort: {
      rejection: () =>
        closedRejection(state.report, { reason: state.abortReason, request: state.abortRequest }),
      act: (request) => state.abort(request.reason, request),
    },
  });
  upsertSearchAttributes([{ key: DrsOperation, value: 'plan' }]);
  for (const wave of plan.waves)
    state.waves.set(wave.name, {
      name: wave.name,
      action: wave.action,
      status: 'PENDING',
      dependsOn: wave.dependsOn,
      sourceServerIds: namedServerIds(wave) ?? [],
      placements: wavePlacements(plan, wave),
      children: [],
    });

  return notifyingEnd(
    'plan',
    async () => {
      state.phases.enter('resolving-servers');
      // runs recorded before plans spanned accounts replay without the account check and selection
      const acrossAccounts = patched(PATCHES.planPlacements.id);
      if (acrossAccounts) {
        const unreachable = await unreachableAccounts(plan);
        if (unreachable) refuse(state, plan, [unreachable]);
      }
      await resolveWaveServers(plan, state, acrossAccounts);
      upsertSearchAttributes([
        ...sourceServerAttributes([...state.waves.values()].flatMap((w) => w.sourceServerIds)),
        ...(acrossAccounts ? placementSearchAttributes(plan) : []),
      ]);

      const runWaves = async () => {
        await Promise.all(plan.waves.map((wave) => runWave(plan, wave, state)));
      };
      if (plan.network && patched(PATCHES.planNetworkStep.id))
        return withNetworkStep(plan, plan.network, {
          enterPhase: (phase) => state.phases.enter(phase),
          serverIds: () => [...state.waves.values()].flatMap((w) => w.sourceServerIds),
          runWaves,
          skipWaves: (reason) => {
            for (const wave of state.waves.values())
              if (wave.status === 'PENDING') settle(wave, 'SKIPPED', reason);
          },
          finish: () => finish(state, plan),
        });
      state.phases.enter('running-waves');
      await runWaves();
      return finish(state, plan);
    },
    { soFar: () => planSoFar(state, plan) },
  );
}

/** Fills selector waves' servers; refuses (before any launch) an empty selection or a server in two waves. */
async function resolveWaveServers(plan: PlanSpec, state: PlanRecord, acrossAccounts: boolean): Promise<void> {
  const tagged = plan.waves.filter((w) => w.tags);
  if (acrossAccounts)
    for (const [name, ids] of await selectWaveServers(plan)) state.wave(name).sourceServerIds = ids;
  else if (tagged.length > 0) {
    const resolved = await drsActivities.resolveTaggedServers({
      ...targetOf(plan),
      selectors: tagged.map((w) => w.tags ?? {}),
    });
    tagged.forEach((wave, i) => (state.wave(wave.name).sourceServerIds = resolved[i]));
  }
  const problems: string[] = [];
  const owner = new Map<string, string>();
  for (const wave of state.waves.values()) {
    if (wave.sourceServerIds.length === 0)
      problems.push(
        `wave "${wave.name}": no source server ${selectorText(plan.waves.find((w) => w.name === wave.name) as WavePlan)}`,
      );
    for (const id of wave.sourceServerIds) {
      const first = owner.get(id);
      if (first !== undefined) problems.push(`${id} is in waves "${first}" and "${wave.name}"`);
      owner.set(id, wave.name);
    }
  }
  const children = plan.waves.reduce(
    (n, w) => n + childChunks(plan, w, state.wave(w.name).sourceServerIds).length,
    0,
  );
  for (const id of Object.keys(plan.serverTargets ?? {}))
    if (!owner.has(id)) problems.push(`serverTargets.${id}: names a server that is in no wave`);
  if (children > MAX_PLAN_CHILDREN)
    problems.push(
      `the plan needs ${children} child workflows, more than ${MAX_PLAN_CHILDREN} (each adds to the plan's history): raise waves[].maxServersPerChild (up to 100)`,
    );
  if (problems.length > 0) refuse(state, plan, problems);
}

/** Ends the plan before any wave started, its report naming every problem. */
function refuse(state: PlanRecord, plan: PlanSpec, problems: string[]): never {
  const report = finish(state, plan, `refused before any wave started: ${problems.join('; ')}`);
  throw ApplicationFailure.nonRetryable(report.summary, REFUSED, report);
}

/** Records a drill child's health; its wave is healthy once every child of it said healthy. */
function noteChildHealth(state: PlanRecord, plan: PlanSpec, workflowId: string, healthy: boolean): void {
  for (const wave of plan.waves) {
    const report = state.wave(wave.name);
    const child = report.children.find((c) => c.workflowId === workflowId);
    if (!child) continue;
    child.healthy = healthy;
    const children = state.childCounts.get(wave.name);
    if (report.children.length === children && report.children.every((c) => c.healthy === true))
      report.healthyAt ??= new Date().toISOString();
  }
}

/** Waves depending on `name` may start: it SUCCEEDED, or it lets them start once healthy and is. */
function releasesDependents(plan: PlanSpec, state: PlanRecord, name: string): boolean {
  const wave = state.wave(name);
  const early = plan.waves.find((w) => w.name === name)?.dependentsStartWhen === 'healthy';
  return wave.status === 'SUCCEEDED' || (early && wave.healthyAt !== undefined);
}

async function runWave(plan: PlanSpec, wave: WavePlan, state: PlanRecord): Promise<void> {
  const report = state.wave(wave.name);
  await condition(() =>
    wave.dependsOn.every(
      (dep) => SETTLED.includes(state.wave(dep).status) || releasesDependents(plan, state, dep),
    ),
  );
  const unmet = wave.dependsOn.find((dep) => !releasesDependents(plan, state, dep));
  if (state.abortReason !== undefined) return settle(report, 'ABORTED', `plan aborted: ${state.abortReason}`);
  if (unmet !== undefined)
    return settle(report, 'SKIPPED', `depends on wave "${unmet}", which ended ${state.wave(unmet).status}`);

  if (wave.pauseBefore) {
    await state.approvers.load();
    report.status = 'AWAITING_APPROVAL';
    const notified = notify(awaitingApproval(`wave "${wave.name}"`, wave.sourceServerIds ?? []));
    const decided = await condition(
      () => state.approved.has(wave.name) || state.abortReason !== undefined,
      plan.approvalTimeoutSeconds * 1000,
    );
    await notified;
    if (!decided) state.abort(`no approve for wave "${wave.name}" within ${plan.approvalTimeoutSeconds}s`);
    if (state.abortReason !== undefined)
      return settle(report, 'ABORTED', `plan aborted: ${state.abortReason}`);
  }

  report.status = 'RUNNING';
  report.startedAt = new Date().toISOString();
  if (wave.preChecks) {
    const failed = await runWaveChecks(wave, 'pre', wave.preChecks, state);
    if (state.abortReason !== undefined)
      return settle(report, 'ABORTED', `plan aborted: ${state.abortReason}`);
    if (failed) return settle(report, 'FAILED', `pre-checks failed, nothing launched: ${failed}`);
  }
  const chunks = childChunks(plan, wave, report.sourceServerIds);
  state.childCounts.set(wave.name, chunks.length);
  const queue = chunks.map((chunk, index) => ({ ...chunk, index }));
  // a small pool: `maxChildrenAtOnce` lanes each taking the next chunk until none is left
  const lanes = Array.from({ length: Math.min(wave.maxChildrenAtOnce, queue.length) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (state.abortReason !== undefined) return;
      await runChild(plan, wave, next, state);
    }
  });
  await Promise.all(lanes);

  const outcomes = report.children.map((c) => c.outcome);
  const notStarted = chunks.length - report.children.length;
  if (outcomes.every((o) => o === 'SUCCEEDED') && notStarted === 0) {
    const failed = wave.postChecks && (await runWaveChecks(wave, 'post', wave.postChecks, state));
    if (state.abortReason !== undefined)
      return settle(report, 'ABORTED', `plan aborted: ${state.abortReason}`);
    if (failed) return settle(report, 'FAILED', `post-checks failed: ${failed}`);
    return settle(report, 'SUCCEEDED');
  }
  if (state.abortReason !== undefined && (notStarted > 0 || outcomes.includes('ABORTED')))
    return settle(report, 'ABORTED', `plan aborted: ${state.abortReason}`);
  if (outcomes.some((o) => o === 'SUCCEEDED' || o === 'PARTIAL'))
    return settle(report, 'PARTIAL', childSummaries(report));
  return settle(report, 'FAILED', childSummaries(report));
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
  state: PlanRecord,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const results = await unlessAborted(
    () => state.abortReason !== undefined,
    () =>
      Promise.all(
        hosts.map(async (host): Promise<WaveCheckResult> => {
          const late = `${stage}-checks did not pass in ${timeoutSeconds}s`;
          const error = await probeUntil(`wave "${wave.name}"`, host, checks, deadline, late);
          return { stage, host, passed: error === undefined, ...(error ? { error } : {}) };
        }),
      ),
  );
  const report = state.wave(wave.name);
  report.checks = [...(report.checks ?? []), ...(results ?? [])];
  const failed = (results ?? []).filter((r) => !r.passed);
  return failed.length > 0 ? failed.map((r) => `${r.host}: ${r.error}`).join('; ') : undefined;
}

/** One child: its servers, their account and region (one DRS job), and its number in the wave. */
async function runChild(
  plan: PlanSpec,
  wave: WavePlan,
  { servers, placement, index }: { servers: string[]; placement: Placement; index: number },
  state: PlanRecord,
): Promise<void> {
  const workflowType = wave.action === 'drill' ? 'drsDrill' : 'drsRecovery';
  const target = targetOf(placement);
  const child: PlanChildReport = {
    workflowId: `${state.workflowId}-${wave.name}-${index + 1}`,
    workflowType,
    sourceServerIds: servers,
    ...target,
  };
  state.wave(wave.name).children.push(child);
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
  state.running.add(handle);
  if (state.abortReason !== undefined) forwardAbort(handle, state.abortReason, state.abortRequest?.by);
  try {
    const report = await handle.result();
    noteChildReport(state, wave, child, report);
  } catch (err) {
    if (isCancellation(err)) throw err;
    const details =
      err instanceof ChildWorkflowFailure && err.cause instanceof ApplicationFailure
        ? err.cause.details
        : undefined;
    const childReport = details?.[0] as DrillReport | RecoveryReport | undefined;
    const message = errorMessage(err instanceof ChildWorkflowFailure && err.cause ? err.cause : err);
    if (childReport?.servers) noteChildReport(state, wave, child, { ...childReport, outcome: 'FAILED' });
    child.outcome = 'FAILED';
    child.summary = message;
    for (const id of servers)
      if (!state.servers.has(id))
        state.servers.set(id, notLaunched(id, wave.name, message, child.workflowId));
  } finally {
    state.running.delete(handle);
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
