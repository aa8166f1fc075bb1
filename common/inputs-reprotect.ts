// Input schema of drsReprotect: one JSON object, validated before any DRS call, with errors that
// name the field. Field names are shared with drsFailback (recoveryInstanceIds, recoveryJobId) and
// every other operation (region, accountId, confirm).
import { z } from 'zod';
import { accountIdSchema, DAY, parseInput, regionSchema, secondsUpTo } from './inputs';
import { jobIdSchema, recoveryInstanceIdSchema } from './inputs-lifecycle';

export const reprotectInputSchema = z
  .strictObject({
    /** Recovery instances in `region` that came from EC2 in another region. */
    recoveryInstanceIds: z
      .array(recoveryInstanceIdSchema)
      .min(1)
      .max(200, 'at most 200 recovery instances')
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id')
      .optional(),
    /** Instead: every recovery instance this StartRecovery job launched. */
    recoveryJobId: jobIdSchema.optional(),
    /** The region the recovery instances run in (the DR region). */
    region: regionSchema,
    accountId: accountIdSchema.optional(),
    /** Required (true): reversing starts replication resources and data transfer in the origin region. */
    confirm: z.boolean().default(false),
    /** How long the reversed servers may take to replicate CONTINUOUS. */
    timeoutSeconds: secondsUpTo(14 * DAY).default(DAY),
    /** CONTINUOUS counts as protected with lag at most this. */
    maxReplicationLagSeconds: secondsUpTo(7 * DAY).default(300),
  })
  .superRefine((input, ctx) => {
    if (!input.recoveryInstanceIds === !input.recoveryJobId)
      ctx.addIssue({
        code: 'custom',
        path: ['recoveryInstanceIds'],
        message: 'give either recoveryInstanceIds or recoveryJobId (exactly one)',
      });
    if (input.confirm !== true)
      ctx.addIssue({
        code: 'custom',
        path: ['confirm'],
        message:
          'must be true: ReverseReplication starts replicating each recovery instance back to its origin region (replication servers, staging disks and data transfer there)',
      });
  });
export type ReprotectInput = z.input<typeof reprotectInputSchema>;
/** A validated `drsReprotect` input. */
export type ReprotectSpec = Omit<z.output<typeof reprotectInputSchema>, 'recoveryInstanceIds'> & {
  recoveryInstanceIds: string[];
};

export function parseReprotectInput(raw: unknown): ReprotectSpec {
  const input = parseInput('drsReprotect', reprotectInputSchema, raw);
  return { ...input, recoveryInstanceIds: input.recoveryInstanceIds ?? [] };
}
