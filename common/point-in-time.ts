// A point in time for every server of a drill or failover, instead of one snapshot id per server:
// "the newest recovery snapshot taken at or before this time". Shared by the drsDrill and
// drsRecovery schemas; workflow-safe (the `Date.now()` here is workflow time inside a workflow).
import { z } from 'zod';

/** `atOrBefore`: an ISO-8601 UTC time; `secondsAgo`: that many seconds before preflight runs. */
export type PointInTime = { atOrBefore: string } | { secondsAgo: number };

const DAY = 24 * 60 * 60;

export const pointInTimeSchema = z
  .strictObject({
    // UTC only, as DRS's own date filters take it; no offsets, so a time is never read in two ways
    atOrBefore: z.iso
      .datetime({ message: 'must be an ISO-8601 UTC time such as 2026-01-31T22:00:00Z' })
      .refine((at) => !(Date.parse(at) > Date.now()), 'must not be in the future')
      .optional(),
    secondsAgo: z
      .number()
      .int()
      .positive()
      .max(366 * DAY, 'at most a year')
      .optional(),
  })
  .refine(
    (pit) => (pit.atOrBefore === undefined) !== (pit.secondsAgo === undefined),
    'give exactly one of atOrBefore or secondsAgo',
  ) as z.ZodType<PointInTime, PointInTime>;

/**
 * The input rule both schemas share: `pointInTime` chooses every server's snapshot, so it cannot be
 * combined with explicit `recoverySnapshotIds` (which one would win is a guess an operator should
 * not have to make in a failover).
 */
export function refusePointInTimeWithSnapshotIds(
  input: { pointInTime?: PointInTime; recoverySnapshotIds: Record<string, string> },
  ctx: z.RefinementCtx,
): void {
  if (input.pointInTime && Object.keys(input.recoverySnapshotIds).length > 0)
    ctx.addIssue({
      code: 'custom',
      path: ['pointInTime'],
      message: 'cannot be combined with recoverySnapshotIds (it chooses every server’s snapshot)',
    });
}

/** The cutoff as DRS's `filters.toDateTime` takes it (`nowMs`: workflow time at preflight). */
export function cutoffOf(pit: PointInTime, nowMs: number): string {
  return 'atOrBefore' in pit ? pit.atOrBefore : new Date(nowMs - pit.secondsAgo * 1000).toISOString();
}
