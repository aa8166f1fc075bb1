// Input schemas of drsRecovery, drsFailback and drsReplication: one JSON object each, validated up
// front (before any DRS call) with errors that name the field. Field names are shared with drsDrill
// (common/inputs.ts): sourceServerIds, region, accountId, confirm, recoveryInstanceIds.
import { z } from 'zod';
import {
  accountIdSchema,
  DAY,
  launchJobFields,
  launchSubjectFields,
  parseInput,
  refuseSnapshotConflicts,
  regionSchema,
  secondsUpTo,
  sourceServerIdSchema,
} from './inputs';
import { bootCheckSchema, DEFAULT_BOOT_DEADLINE_SECONDS } from './inputs-boot';
/** DRS recovery instance id: `i-` + 8 or more hex digits. */
export const recoveryInstanceIdSchema = z
  .string()
  .regex(/^i-[0-9a-fA-F]{8,}$/, 'must look like i-1234567890abcdef0');
export const jobIdSchema = z
  .string()
  .regex(/^drsjob-[0-9a-zA-Z]{17}$/, 'must look like drsjob-1234567890abcdef0');

const uniqueList = <T extends z.ZodType<string>>(item: T, max: number, maxMessage: string) =>
  z
    .array(item)
    .min(1)
    .max(max, maxMessage)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id');

/** A failover's `preemptDrills` (drsRecovery, and a plan's recovery waves). */
export const recoveryPreemptSchema = z.strictObject({ afterSeconds: secondsUpTo(DAY) });

export const recoveryInputSchema = z
  .strictObject({
    ...launchSubjectFields,
    /** `true` launches without waiting for an `approve` message. */
    confirm: z.boolean().default(false),
    /** Without `confirm`, how long to wait for `approve` before refusing. */
    approvalTimeoutSeconds: secondsUpTo(7 * DAY).default(3600),
    /**
     * Refuse servers whose replication is not CONTINUOUS under `maxReplicationLagSeconds`. Off by
     * default: in a real disaster the source is often unreachable (STALLED, lag growing) and the
     * last snapshot is exactly what a failover is for.
     */
    requireHealthyReplication: z.boolean().default(false),
    maxReplicationLagSeconds: secondsUpTo(7 * DAY).default(300),
    /**
     * When the launch has waited this long for a capacity place, abort the drills holding launch
     * places in the same account and region (their cleanup frees the quota). Off by default.
     */
    preemptDrills: recoveryPreemptSchema.optional(),
    ...launchJobFields,
  })
  .superRefine(refuseSnapshotConflicts);
export type RecoveryInput = z.input<typeof recoveryInputSchema>;
/** A validated `drsRecovery` input, every default filled in. */
export type RecoverySpec = z.output<typeof recoveryInputSchema>;

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
    /** Deadline for every instance to reach FAILBACK_READY_FOR_LAUNCH. */
    readyTimeoutSeconds: secondsUpTo(14 * DAY).default(DAY),
    launchTimeoutSeconds: secondsUpTo(7 * DAY).default(DAY),
    tagJobs: z.boolean().default(true),
    // --- servers that ran in EC2 in another region (the EC2 path) ---
    /** Instead of instances: the reversed source servers (drsReprotect's), in `region` (their origin region). */
    sourceServerIds: uniqueList(
      sourceServerIdSchema,
      100,
      'at most 100 source servers in one DRS job',
    ).optional(),
    /** Required (true) for the EC2 path and for `stop`: a real recovery in the origin region. */
    confirm: z.boolean().default(false),
    /** EC2 path: terminate the DR-region recovery instances once their servers are back, booted and protected. */
    terminateRecoveryInstances: z.boolean().default(false),
    /** EC2 path: deadline for the original direction of replication to be CONTINUOUS again. */
    protectTimeoutSeconds: secondsUpTo(14 * DAY).default(DAY),
    /** EC2 path: boot evidence (EC2 status checks, launch actions) of the instances launched home. */
    bootCheck: bootCheckSchema.default({ enabled: true, deadlineSeconds: DEFAULT_BOOT_DEADLINE_SECONDS }),
    /** StopFailback for the named instances instead: cancels an in-flight failback (or reverse replication). */
    stop: z.boolean().default(false),
  })
  .superRefine((input, ctx) => {
    const named = [input.recoveryInstanceIds, input.recoveryJobId, input.sourceServerIds].filter(
      Boolean,
    ).length;
    if (named !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['recoveryInstanceIds'],
        message:
          'give either recoveryInstanceIds or recoveryJobId (exactly one), or sourceServerIds (the reversed source servers)',
      });
    if (input.sourceServerIds && input.confirm !== true)
      ctx.addIssue({
        code: 'custom',
        path: ['confirm'],
        message:
          'must be true to fail back EC2 servers: a real recovery (StartRecovery) in their origin region',
      });
    if (input.stop && input.confirm !== true)
      ctx.addIssue({
        code: 'custom',
        path: ['confirm'],
        message:
          'must be true for stop: StopFailback ends the replication back, and the instances are unprotected',
      });
    if (input.stop && input.sourceServerIds)
      ctx.addIssue({
        code: 'custom',
        path: ['stop'],
        message: 'names recovery instances (recoveryInstanceIds or recoveryJobId), not source servers',
      });
  });
export type FailbackInput = z.input<typeof failbackInputSchema>;
/** A validated `drsFailback` input: named instances, or every instance a recovery job launched. */
export type FailbackSpec = Omit<
  z.output<typeof failbackInputSchema>,
  'recoveryInstanceIds' | 'sourceServerIds'
> & {
  recoveryInstanceIds: string[];
  sourceServerIds: string[];
};

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
    /** Required (true) for `stop` and `disconnect`. */
    confirm: z.boolean().default(false),
    /** repair / start: wait until CONTINUOUS with lag at most this. */
    maxReplicationLagSeconds: secondsUpTo(7 * DAY).default(300),
    /** repair / start: deadline for catching up. */
    timeoutSeconds: secondsUpTo(7 * DAY).default(6 * 3600),
    /** repair / start: wait for CONTINUOUS (false: report right after the call). */
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
/** A validated `drsReplication` input. */
export type ReplicationSpec = z.output<typeof replicationInputSchema>;
export type ReplicationAction = ReplicationSpec['action'];

export function parseRecoveryInput(raw: unknown): RecoverySpec {
  return parseInput('drsRecovery', recoveryInputSchema, raw);
}

export function parseFailbackInput(raw: unknown): FailbackSpec {
  const input = parseInput('drsFailback', failbackInputSchema, raw);
  return {
    ...input,
    recoveryInstanceIds: input.recoveryInstanceIds ?? [],
    sourceServerIds: input.sourceServerIds ?? [],
  };
}

export function parseReplicationInput(raw: unknown): ReplicationSpec {
  return parseInput('drsReplication', replicationInputSchema, raw);
}
