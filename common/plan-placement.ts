// Where a plan's servers are recovered: each server in one account and region, the most specific
// level naming them (the server, its wave, the plan); an unnamed account is the worker's own. A DRS
// job runs in one account and region, so a wave's servers are grouped by placement before they are
// split into child workflows, and each child (one job) queues in its own account's and region's
// capacity queue. Plain data and pure functions: safe in workflow code.
import { textOf } from './reports/escape';
import type { DrsTarget } from './types';

/** One account (unset: the worker's own) and region. */
export type Placement = DrsTarget;

/** A placement as a map key and a search attribute value: `<account or "own">/<region>`. */
export function placementKey(placement: Placement): string {
  return `${placement.accountId ?? 'own'}/${placement.region}`;
}

/** For reports: `444455556666 us-west-2`, `worker's account us-east-1`. */
export function placementLabel(placement: Placement): string {
  return `${placement.accountId ?? "worker's account"} ${placement.region}`;
}

/** The placement from the most specific level that names each field. */
export function placementOf(...levels: (Partial<DrsTarget> | undefined)[]): Placement {
  let region = '';
  let accountId: string | undefined;
  for (const level of levels) {
    if (level?.region) region = level.region;
    if (level?.accountId) accountId = level.accountId;
  }
  return { region, ...(accountId ? { accountId } : {}) };
}

/** Distinct placements, in first-seen order. */
export function distinctPlacements(placements: Iterable<Placement>): Placement[] {
  const seen = new Map<string, Placement>();
  for (const p of placements) if (!seen.has(placementKey(p))) seen.set(placementKey(p), p);
  return [...seen.values()];
}

/** `ids` grouped by placement (groups in first-seen order, ids in input order within a group). */
export function groupByPlacement(
  ids: readonly string[],
  placementOfId: (id: string) => Placement,
): { placement: Placement; ids: string[] }[] {
  const groups = new Map<string, { placement: Placement; ids: string[] }>();
  for (const id of ids) {
    const placement = placementOfId(id);
    const key = placementKey(placement);
    const group = groups.get(key) ?? { placement, ids: [] };
    group.ids.push(id);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** A wave's accounts and regions for reports; a run recorded before waves had them: the plan's. */
export function wavePlacementText(
  wave: { placements?: Placement[] },
  report: Record<string, unknown>,
): string {
  const placements = wave.placements ?? [
    {
      region: textOf(report.region),
      ...(report.accountId ? { accountId: textOf(report.accountId) } : {}),
    },
  ];
  return placements.map(placementLabel).join(', ');
}
