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
// How one wave runs (its gate, checks and children) is in plan-wave.ts; what the plan records as it
// goes, and the report built from it, are in plan-record.ts.
import {
  ApplicationFailure,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { REFUSED } from '../common/failures';
import {
  namedServerIds,
  parsePlanInput,
  type PlanInput,
  type PlanSpec,
  type WavePlan,
} from '../common/inputs-plan';
import { DrsOperation, sourceServerAttributes } from '../common/search-attributes';
import type { PlanReport } from '../common/types-plan';
import { childHealthSignal, planProgressQuery } from './messages';
import { acceptOperatorMessages, closedRejection } from './operator-messages';
import { checkProbeTargets, drsActivities, targetOf, validated } from './operation-support';
import { notifyingEnd } from './notifications';
import { refuseDisallowedGuestChecks } from './boot';
import { declaredGuestChecksOf } from '../common/inputs-boot';
import { PATCHES } from './patches';
import { withNetworkStep } from './plan-network';
import { PlanRecord, finish, planSoFar, settle } from './plan-record';
import {
  childChunks,
  placementSearchAttributes,
  selectorText,
  selectWaveServers,
  unreachableAccounts,
  wavePlacements,
} from './plan-estate';
import { noteChildHealth, runWave } from './plan-wave';

/**
 * A child costs the plan about seven history events: 500 children stay far below Temporal's
 * history limits (a 4,000-server plan at the default 100 servers per child needs 40).
 */
const MAX_PLAN_CHILDREN = 500;

export async function drsPlan(input: PlanInput): Promise<PlanReport> {
  const record = new PlanRecord(workflowInfo().workflowId);
  setHandler(planProgressQuery, () => record.progress());

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
    noteChildHealth(record, plan, workflowId, healthy),
  );
  const gated = plan.waves.filter((w) => w.pauseBefore).map((w) => w.name);
  acceptOperatorMessages('drsPlan', {
    approve: {
      rejection: ({ by }) => record.approveRejection(gated, by),
      act: (approval) => record.approve(approval),
    },
    abort: {
      rejection: () =>
        closedRejection(record.report, { reason: record.abortReason, request: record.abortRequest }),
      act: (request) => record.abort(request.reason, request),
    },
  });
  upsertSearchAttributes([{ key: DrsOperation, value: 'plan' }]);
  for (const wave of plan.waves)
    record.waves.set(wave.name, {
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
      record.phases.enter('resolving-servers');
      // runs recorded before plans spanned accounts replay without the account check and selection
      const acrossAccounts = patched(PATCHES.planPlacements.id);
      if (acrossAccounts) {
        const unreachable = await unreachableAccounts(plan);
        if (unreachable) refuse(record, plan, [unreachable]);
      }
      await resolveWaveServers(plan, record, acrossAccounts);
      upsertSearchAttributes([
        ...sourceServerAttributes([...record.waves.values()].flatMap((w) => w.sourceServerIds)),
        ...(acrossAccounts ? placementSearchAttributes(plan) : []),
      ]);

      const runWaves = async () => {
        await Promise.all(plan.waves.map((wave) => runWave(plan, wave, record)));
      };
      if (plan.network && patched(PATCHES.planNetworkStep.id))
        return withNetworkStep(plan, plan.network, {
          enterPhase: (phase) => record.phases.enter(phase),
          serverIds: () => [...record.waves.values()].flatMap((w) => w.sourceServerIds),
          runWaves,
          skipWaves: (reason) => {
            for (const wave of record.waves.values())
              if (wave.status === 'PENDING') settle(wave, 'SKIPPED', reason);
          },
          finish: () => finish(record, plan),
        });
      record.phases.enter('running-waves');
      await runWaves();
      return finish(record, plan);
    },
    { soFar: () => planSoFar(record, plan) },
  );
}

/** Fills selector waves' servers; refuses (before any launch) an empty selection or a server in two waves. */
async function resolveWaveServers(
  plan: PlanSpec,
  record: PlanRecord,
  acrossAccounts: boolean,
): Promise<void> {
  const tagged = plan.waves.filter((w) => w.tags);
  if (acrossAccounts)
    for (const [name, ids] of await selectWaveServers(plan)) record.wave(name).sourceServerIds = ids;
  else if (tagged.length > 0) {
    const resolved = await drsActivities.resolveTaggedServers({
      ...targetOf(plan),
      selectors: tagged.map((w) => w.tags ?? {}),
    });
    tagged.forEach((wave, i) => (record.wave(wave.name).sourceServerIds = resolved[i]));
  }
  const problems: string[] = [];
  const owner = new Map<string, string>();
  for (const wave of record.waves.values()) {
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
    (n, w) => n + childChunks(plan, w, record.wave(w.name).sourceServerIds).length,
    0,
  );
  for (const id of Object.keys(plan.serverTargets ?? {}))
    if (!owner.has(id)) problems.push(`serverTargets.${id}: names a server that is in no wave`);
  if (children > MAX_PLAN_CHILDREN)
    problems.push(
      `the plan needs ${children} child workflows, more than ${MAX_PLAN_CHILDREN} (each adds to the plan's history): raise waves[].maxServersPerChild (up to 100)`,
    );
  if (problems.length > 0) refuse(record, plan, problems);
}

/** Ends the plan before any wave started, its report naming every problem. */
function refuse(record: PlanRecord, plan: PlanSpec, problems: string[]): never {
  const report = finish(record, plan, `refused before any wave started: ${problems.join('; ')}`);
  throw ApplicationFailure.nonRetryable(report.summary, REFUSED, report);
}
