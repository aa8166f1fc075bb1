// drsPlan across accounts and regions (workflow side): where each wave's servers are recovered,
// the preflight that refuses a plan whose accounts the worker cannot reach, the selection of
// servers by tags and staging account in each wave's own account and region, and the split of a
// wave into child workflows, one DRS job each, so one account and region each.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { namedServerIds, type PlanSpec, type WavePlan } from '../common/inputs-plan';
import {
  distinctPlacements,
  groupByPlacement,
  placementKey,
  placementLabel,
  placementOf,
  type Placement,
} from '../common/plan-placement';
import { DrsAccounts, DrsRegions } from '../common/search-attributes';
import { drsActivities } from './operation-support';

/** Where a wave's servers are recovered unless a server names its own: the wave's, else the plan's. */
function wavePlacement(plan: PlanSpec, wave: WavePlan): Placement {
  return placementOf(plan, wave);
}

/** The placement of each server of the wave (a selector's servers are all in the wave's). */
function serverPlacement(plan: PlanSpec, wave: WavePlan): (id: string) => Placement {
  const own = new Map((wave.sourceServers ?? []).map((s) => [s.sourceServerId, s]));
  return (id) => placementOf(plan, wave, own.get(id));
}

/** The wave's placements: its own first, then those its servers name. */
export function wavePlacements(plan: PlanSpec, wave: WavePlan): Placement[] {
  const of = serverPlacement(plan, wave);
  return distinctPlacements([wavePlacement(plan, wave), ...(namedServerIds(wave) ?? []).map(of)]);
}

/** Every placement of the plan, first-seen order. */
export function planPlacements(plan: PlanSpec): Placement[] {
  return distinctPlacements(plan.waves.flatMap((wave) => wavePlacements(plan, wave)));
}

/**
 * The plan's accounts and regions as search attributes: `DrsAccounts = "444455556666"` finds every
 * plan recovering in that account (`own` for the worker's), `DrsRegions = "us-west-2"` in that region.
 */
export function placementSearchAttributes(plan: PlanSpec): SearchAttributeUpdatePair[] {
  const placements = planPlacements(plan);
  const distinct = (values: string[]) => [...new Set(values)];
  return [
    { key: DrsAccounts, value: distinct(placements.map((p) => placementKey(p).split('/')[0])) },
    { key: DrsRegions, value: distinct(placements.map((p) => p.region)) },
  ];
}

/**
 * Why the plan cannot run: the accounts (and regions) the worker cannot reach, each with the reason;
 * undefined when every one answered. One activity checks them all before anything is resolved or
 * launched.
 */
export async function unreachableAccounts(plan: PlanSpec): Promise<string | undefined> {
  const unreachable = await drsActivities.checkPlanAccounts({ placements: planPlacements(plan) });
  if (unreachable.length === 0) return undefined;
  const accounts = [...new Set(unreachable.map((u) => u.accountId ?? "the worker's own account"))];
  return `the worker cannot reach account${accounts.length === 1 ? '' : 's'} ${accounts.join(', ')}: ${unreachable
    .map((u) => `${placementLabel(u)}: ${u.reason}`)
    .join('; ')}`;
}

/** A wave's selector in words, for a selection that found nothing. */
export function selectorText(wave: WavePlan): string {
  const parts = [
    ...(wave.tags ? [`has tags ${JSON.stringify(wave.tags)}`] : []),
    ...(wave.stagingAccountIds ? [`is extended from ${wave.stagingAccountIds.join(', ')}`] : []),
  ];
  return parts.join(' and ');
}

/**
 * The servers of every selector wave (tags, staging accounts), by wave name: one listing per
 * placement of such waves, each in the wave's own account and region.
 */
export async function selectWaveServers(plan: PlanSpec): Promise<Map<string, string[]>> {
  const selecting = plan.waves.filter((w) => w.tags || w.stagingAccountIds);
  const groups = new Map<string, { placement: Placement; waves: WavePlan[] }>();
  for (const wave of selecting) {
    const placement = wavePlacement(plan, wave);
    const group = groups.get(placementKey(placement)) ?? { placement, waves: [] };
    group.waves.push(wave);
    groups.set(placementKey(placement), group);
  }
  const selected = new Map<string, string[]>();
  await Promise.all(
    [...groups.values()].map(async ({ placement, waves }) => {
      const ids = await drsActivities.selectPlanServers({
        ...placement,
        selectors: waves.map((w) => ({
          ...(w.tags ? { tags: w.tags } : {}),
          ...(w.stagingAccountIds ? { stagingAccountIds: w.stagingAccountIds } : {}),
        })),
      });
      waves.forEach((wave, i) => selected.set(wave.name, ids[i]));
    }),
  );
  return selected;
}

/** A wave's children: its servers grouped by placement, each group cut into jobs of at most `maxServersPerChild`. */
export function childChunks(
  plan: PlanSpec,
  wave: WavePlan,
  ids: readonly string[],
): { servers: string[]; placement: Placement }[] {
  return groupByPlacement(ids, serverPlacement(plan, wave)).flatMap(({ placement, ids: group }) => {
    const chunks: { servers: string[]; placement: Placement }[] = [];
    for (let i = 0; i < group.length; i += wave.maxServersPerChild)
      chunks.push({ servers: group.slice(i, i + wave.maxServersPerChild), placement });
    return chunks;
  });
}
