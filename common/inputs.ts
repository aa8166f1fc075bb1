// Input schemas for the workflows, shared by the workflows (validated up front, before any DRS
// call), drsctl (validated before starting anything) and the README examples. zod is deterministic
// and bundles into the workflow sandbox (test/unit/drill-input.test.ts checks the bundle). The
// schemas are the source of truth: the validated types (DrillSpec, …) are their z.output.
import { z } from 'zod';
import { bootFieldsSchema } from './inputs-boot';
import { pointInTimeSchema, refusePointInTimeWithSnapshotIds, type PointInTime } from './point-in-time';
import { recoveryTargetsSchema } from './targets';

/** DRS source server id: `s-` + 17 alphanumerics. */
export const sourceServerIdSchema = z
  .string()
  .regex(/^s-[0-9a-zA-Z]{17}$/, 'must look like s-1234567890abcdef0');
/** AWS region name, e.g. us-east-1. */
export const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1');
/** 12-digit AWS account id. */
export const accountIdSchema = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const recoverySnapshotIdSchema = z
  .string()
  .regex(/^pit-[0-9a-zA-Z]{17}$/, 'must look like pit-1234567890abcdef0');

/** A duration in whole seconds, at most `max`. */
export const secondsUpTo = (max: number) => z.number().int().positive().max(max);
export const DAY = 24 * 60 * 60;

/** Per-server recovery-time targets (common/targets.ts); each field wins over `targets`'. */
export const serverTargetsSchema = z.record(sourceServerIdSchema, recoveryTargetsSchema);

/** drsDrill and drsRecovery: RTO/RPO targets for every server, and per server. */
const targetFieldsSchema = {
  targets: recoveryTargetsSchema.optional(),
  serverTargets: serverTargetsSchema.optional(),
};

/**
 * drsDrill and drsRecovery: a snapshot or a per-server target may only be named for a server being
 * launched.
 */
export function refuseSnapshotConflicts(
  input: {
    sourceServerIds: string[];
    recoverySnapshotIds: Record<string, string>;
    pointInTime?: PointInTime;
    serverTargets?: Record<string, unknown>;
    serverChecks?: Record<string, unknown>;
  },
  ctx: z.RefinementCtx,
): void {
  refuseUnknownServers(input, 'recoverySnapshotIds', ctx);
  refusePointInTimeWithSnapshotIds(input, ctx);
  refuseUnknownServers(input, 'serverTargets', ctx);
  refuseUnknownServers(input, 'serverChecks', ctx);
}

/** Per-server settings may only name a server the run launches; the issue names the key. */
function refuseUnknownServers(
  input: { sourceServerIds: string[] } & Partial<Record<PerServerField, Record<string, unknown>>>,
  field: PerServerField,
  ctx: z.RefinementCtx,
): void {
  for (const id of Object.keys(input[field] ?? {}))
    if (!input.sourceServerIds.includes(id))
      ctx.addIssue({
        code: 'custom',
        path: [field, id],
        message: 'names a server that is not in sourceServerIds',
      });
}
type PerServerField = 'recoverySnapshotIds' | 'serverTargets' | 'serverChecks';

/** HTTP or TCP check run against every launched drill instance during validation. */
export const healthCheckSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('http'),
    port: z.number().int().min(1).max(65535).default(80),
    path: z.string().startsWith('/').default('/'),
    expectStatus: z.number().int().min(100).max(599).default(200),
    scheme: z.enum(['http', 'https']).default('http'),
  }),
  z.strictObject({ type: z.literal('tcp'), port: z.number().int().min(1).max(65535) }),
]);

/** What happens between launch and cleanup. */
const validationSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('none') }),
  /** Keep the instances up for a while (an `abort` ends the hold early). */
  z.strictObject({ mode: z.literal('hold'), holdSeconds: secondsUpTo(7 * DAY) }),
  /** Wait for an `approve` or `abort` message; `onTimeout` decides when neither arrives. */
  z.strictObject({
    mode: z.literal('approval'),
    timeoutSeconds: secondsUpTo(7 * DAY).default(DAY),
    onTimeout: z.enum(['approve', 'abort']).default('abort'),
  }),
  /** Probe every launched instance until all pass or `timeoutSeconds` elapses. */
  z.strictObject({
    mode: z.literal('healthChecks'),
    checks: z.array(healthCheckSchema).min(1).max(20),
    timeoutSeconds: secondsUpTo(DAY).default(600),
    /** Address to probe per source server; default: the instance's primary IP as DRS reports it. */
    hosts: z.record(sourceServerIdSchema, z.string().min(1)).default({}),
  }),
]);

/** What a launch (a drill or a failover) recovers: which servers, where, from which point in time. */
export const launchSubjectFields = {
  sourceServerIds: z
    .array(sourceServerIdSchema)
    .min(1)
    .max(100, 'at most 100 source servers in one DRS job')
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a server'),
  region: regionSchema,
  /** Staging account holding the source servers; unset = the worker's own account. */
  accountId: accountIdSchema.optional(),
  /** Point in time per server: a recovery snapshot id; servers not listed use the latest data. */
  recoverySnapshotIds: z.record(sourceServerIdSchema, recoverySnapshotIdSchema).default({}),
  /** Every server at the newest snapshot taken at or before this time (chosen in preflight). */
  pointInTime: pointInTimeSchema.optional(),
};

/** How a launch job runs and is judged: its deadline, its tags, the targets and boot evidence. */
export const launchJobFields = {
  /** Deadline for the launch job to finish (PENDING + STARTED). */
  launchTimeoutSeconds: secondsUpTo(7 * DAY).default(DAY),
  /** Tag the launch job with the workflow id and step (exact idempotency lookup). */
  tagJobs: z.boolean().default(true),
  ...targetFieldsSchema,
  ...bootFieldsSchema(sourceServerIdSchema),
};

export const drillInputSchema = z
  .strictObject({
    ...launchSubjectFields,
    /** Preflight refuses a server whose replication lag is above this. */
    maxReplicationLagSeconds: secondsUpTo(7 * DAY).default(300),
    /** RetryDataReplication on STALLED/DISCONNECTED/STOPPED servers before refusing them. */
    repairReplication: z.boolean().default(false),
    /** How long a repaired server may take to reach CONTINUOUS. */
    repairTimeoutSeconds: secondsUpTo(DAY).default(3600),
    /** Deadline for the terminate job to finish. */
    cleanupTimeoutSeconds: secondsUpTo(DAY).default(3 * 3600),
    validation: validationSchema.default({ mode: 'none' }),
    ...launchJobFields,
  })
  .superRefine(refuseSnapshotConflicts);

/** What a caller passes to `drsDrill` (optional fields take the defaults above). */
export type DrillInput = z.input<typeof drillInputSchema>;
/** A validated `drsDrill` input, every default filled in. */
export type DrillSpec = z.output<typeof drillInputSchema>;
export type HealthCheck = z.output<typeof healthCheckSchema>;

/** Thrown for bad workflow input; the message names every bad field and the rule it broke. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    readonly workflowType: string,
    readonly problems: string[],
  ) {
    super(`invalid ${workflowType} input: ${problems.join('; ')}`);
  }
}

/** Formats zod issues as `field.path: rule` lines. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = issue.path.length ? issue.path.map(String).join('.') : '(input)';
    return `${where}: ${issue.message}`;
  });
}

/** Parses `raw` with `schema`, throwing InvalidInputError that lists every problem. */
export function parseInput<S extends z.ZodType>(workflowType: string, schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw ?? undefined);
  if (!result.success) throw new InvalidInputError(workflowType, describeIssues(result.error.issues));
  return result.data;
}

/** Validates a `drsDrill` input and fills in the defaults. */
export function parseDrillInput(raw: unknown): DrillSpec {
  return parseInput('drsDrill', drillInputSchema, raw);
}
