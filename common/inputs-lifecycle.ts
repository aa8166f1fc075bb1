// Input schemas of drsRecovery, drsFailback and drsReplication: one JSON object each, validated up
// front (before any DRS call) with errors that name the field. Field names are shared with drsDrill
// (common/inputs.ts): sourceServerIds, region, accountId, confirm, recoveryInstanceIds.
import { z } from 'zod';
import { accountIdSchema, parseInput, regionSchema, sourceServerIdSchema } from './inputs';
import { pointInTimeSchema, refusePointInTimeWithSnapshotIds } from './point-in-time';
import type { FailbackPlan, RecoveryPlan, ReplicationPlan } from './types-lifecycle';

const seconds = (max: number) => z.number().int().positive().max(max);
const DAY = 24 * 60 * 60;

const recoverySnapshotIdSchema = z
  .string()
  .regex(/^pit-[0-9a-zA-Z]{17}$/, 'must look like pit-1234567890abcdef0');
/** DRS recovery instance id: `i-` + 8 or more hex digits. */
export const recoveryInstanceIdSchema = z
  .string()
  .regex(/^i-[0-9a-fA-F]{8,}$/, 'must look like i-1234567890abcdef0');
const jobIdSchema = z.string().regex(/^drsjob-[0-9a-zA-Z]{17}$/, 'must look like drsjob-1234567890abcdef0');

const uniqueList = <T extends z.ZodType<string>>(item: T, max: number, maxMessage: string) =>
  z
    .array(item)
    .min(1)
    .max(max, maxMessage)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id');

export const recoveryInputSchema = z
  .strictObject({
    sourceServerIds: uniqueList(sourceServerIdSchema, 100, 'at most 100 source servers in one DRS job'),
    region: regionSchema,
    accountId: accountIdSchema.optional(),
    recoverySnapshotIds: z.record(sourceServerIdSchema, recoverySnapshotIdSchema).default({}),
    pointInTime: pointInTimeSchema.optional(),
    confirm: z.boolean().default(false),
    approvalTimeoutSeconds: seconds(7 * DAY).default(3600),
    requireHealthyReplication: z.boolean().default(false),
    maxReplicationLagSeconds: seconds(7 * DAY).default(300),
    launchTimeoutSeconds: seconds(7 * DAY).default(DAY),
    tagJobs: z.boolean().default(true),
  })
  .superRefine((input, ctx) => {
    for (const id of Object.keys(input.recoverySnapshotIds)) {
      if (!input.sourceServerIds.includes(id))
        ctx.addIssue({
          code: 'custom',
          path: ['recoverySnapshotIds', id],
          message: 'names a server that is not in sourceServerIds',
        });
    }
    refusePointInTimeWithSnapshotIds(input, ctx);
  });
export type RecoveryInput = z.input<typeof recoveryInputSchema>;

export const failbackInputSchema = z
  .strictObject({
    recoveryInstanceIds: uniqueList(
      recoveryInstanceIdSchema,
      200,
      'at most 200 recovery instances',
    ).optional(),
    /** Every recovery (non-drill) instance this StartRecovery job launched. */
    recoveryJobId: jobIdSchema.optional(),
    region: regionSchema,
    accountId: accountIdSchema.optional(),
    readyTimeoutSeconds: seconds(14 * DAY).default(DAY),
    launchTimeoutSeconds: seconds(7 * DAY).default(DAY),
    tagJobs: z.boolean().default(true),
  })
  .superRefine((input, ctx) => {
    if (!input.recoveryInstanceIds === !input.recoveryJobId)
      ctx.addIssue({
        code: 'custom',
        path: ['recoveryInstanceIds'],
        message: 'give either recoveryInstanceIds or recoveryJobId (exactly one)',
      });
  });
export type FailbackInput = z.input<typeof failbackInputSchema>;

const DESTRUCTIVE: Record<string, string> = {
  stop: 'StopReplication deletes the server’s snapshots and leaves it unprotected',
  disconnect: 'DisconnectSourceServer stops replication and deletes its AWS resources',
};

export const replicationInputSchema = z
  .strictObject({
    action: z.enum(['repair', 'stop', 'start', 'disconnect']),
    sourceServerIds: uniqueList(sourceServerIdSchema, 200, 'at most 200 source servers'),
    region: regionSchema,
    accountId: accountIdSchema.optional(),
    confirm: z.boolean().default(false),
    maxReplicationLagSeconds: seconds(7 * DAY).default(300),
    timeoutSeconds: seconds(7 * DAY).default(6 * 3600),
    waitForContinuous: z.boolean().default(true),
  })
  .superRefine((input, ctx) => {
    const why = DESTRUCTIVE[input.action];
    if (why && input.confirm !== true)
      ctx.addIssue({
        code: 'custom',
        path: ['confirm'],
        message: `must be true for action "${input.action}": ${why}`,
      });
  });
export type ReplicationInput = z.input<typeof replicationInputSchema>;

export function parseRecoveryInput(raw: unknown): RecoveryPlan {
  return parseInput('drsRecovery', recoveryInputSchema, raw);
}

export function parseFailbackInput(raw: unknown): FailbackPlan {
  const input = parseInput('drsFailback', failbackInputSchema, raw);
  return { ...input, recoveryInstanceIds: input.recoveryInstanceIds ?? [] };
}

export function parseReplicationInput(raw: unknown): ReplicationPlan {
  return parseInput('drsReplication', replicationInputSchema, raw);
}
