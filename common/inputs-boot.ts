// Input of boot evidence, shared by drsDrill and drsRecovery (and so by a plan wave's `options`):
// whether to follow each launched instance until EC2's status checks pass, and the in-guest checks
// run by SSM Run Command once the SSM agent is online. Which SSM documents may run, and whether
// Run Command checks run at all, is the worker's configuration (common/config.ts), checked by the
// workflow's first activity: the input schema cannot know it. Pure and deterministic.
import { z } from 'zod';

/**
 * A Windows server takes about 20 minutes to boot after a DRS launch (a Linux one about 5): the
 * default deadline leaves 10 minutes beyond that before a server counts as not booted.
 */
export const DEFAULT_BOOT_DEADLINE_SECONDS = 30 * 60;
/** SSM's own bounds on a Run Command execution are wider; a check that needs an hour is not a check. */
const GUEST_CHECK_TIMEOUT_RANGE = { min: 30, max: 3600 } as const;

const SHELL_DOCUMENT = 'AWS-RunShellScript';

/** Follow each launched instance until both EC2 status checks are ok, one is impaired, or the deadline. */
export const bootCheckSchema = z.strictObject({
  enabled: z.boolean().default(true),
  deadlineSeconds: z
    .number()
    .int()
    .min(60, 'must be at least 60 seconds')
    .max(6 * 3600, 'must be at most 21600 seconds (6 hours)')
    .default(DEFAULT_BOOT_DEADLINE_SECONDS),
});
export type BootCheck = z.output<typeof bootCheckSchema>;

/** SSM document names: AWS's pattern (letters, digits, _ - . and an ARN's : /). */
const documentNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_\-.:/]{3,128}$/, 'must be an SSM document name such as AWS-RunShellScript');

/** An in-guest check: commands run as root by SSM Run Command on this run's own instance. */
export const ssmCheckSchema = z.strictObject({
  type: z.literal('ssm'),
  /** Shown in the report; default `checks[<index>]`. */
  name: z.string().min(1).max(64).optional(),
  document: documentNameSchema.default(SHELL_DOCUMENT),
  commands: z
    .array(z.string().min(1, 'must not be an empty command').max(4096))
    .min(1, 'must list at least one command')
    .max(100),
  expectedExitCode: z.number().int().min(0).max(255).default(0),
  /** A regular expression the command's standard output must match. */
  outputPattern: z
    .string()
    .min(1)
    .max(1024)
    .refine(isRegExp, 'must be a valid regular expression')
    .optional(),
  timeoutSeconds: z
    .number()
    .int()
    .min(GUEST_CHECK_TIMEOUT_RANGE.min, `must be at least ${GUEST_CHECK_TIMEOUT_RANGE.min} seconds`)
    .max(GUEST_CHECK_TIMEOUT_RANGE.max, `must be at most ${GUEST_CHECK_TIMEOUT_RANGE.max} seconds`)
    .default(600),
});
export type GuestCheck = z.output<typeof ssmCheckSchema>;

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

const checksSchema = z.array(ssmCheckSchema).max(10);

/**
 * drsDrill and drsRecovery: boot evidence for every server, and per server (keyed by
 * `serverIdSchema`, passed in: common/inputs.ts imports this module).
 */
export const bootFieldsSchema = (serverIdSchema: z.ZodType<string>) => ({
  bootCheck: bootCheckSchema.default({ enabled: true, deadlineSeconds: DEFAULT_BOOT_DEADLINE_SECONDS }),
  /** In-guest checks of every server. */
  checks: checksSchema.default([]),
  /** Per server: its own boot check settings (each field wins) and checks run after the common ones. */
  serverChecks: z
    .record(
      serverIdSchema,
      z.strictObject({ bootCheck: bootCheckSchema.partial().optional(), checks: checksSchema.optional() }),
    )
    .default({}),
  /** Set by drsPlan: signal the parent plan once every server's boot verdict is in. */
  notifyParentWhenHealthy: z.boolean().default(false),
});

/** What boot evidence one server gets: the per-server settings over the run's. */
interface ServerBootSpec {
  bootCheck: BootCheck;
  checks: (GuestCheck & { name: string })[];
}

export function serverBootPlan(
  spec: { bootCheck: BootCheck; checks: GuestCheck[]; serverChecks: Record<string, ServerOverrides> },
  sourceServerId: string,
): ServerBootSpec {
  const own = spec.serverChecks[sourceServerId];
  const common = spec.checks.map((c, i) => ({ ...c, name: c.name ?? `checks[${i}]` }));
  const mine = (own?.checks ?? []).map((c, i) => ({
    ...c,
    name: c.name ?? `serverChecks.${sourceServerId}.checks[${i}]`,
  }));
  return { bootCheck: { ...spec.bootCheck, ...own?.bootCheck }, checks: [...common, ...mine] };
}
type ServerOverrides = { bootCheck?: Partial<BootCheck>; checks?: GuestCheck[] };

/** Every in-guest check of the input with the field path that declares it, for the worker's policy. */
export function declaredGuestChecks(spec: {
  checks: GuestCheck[];
  serverChecks: Record<string, ServerOverrides>;
}): { path: string; document: string }[] {
  return [
    ...spec.checks.map((c, i) => ({ path: `checks.${i}.document`, document: c.document })),
    ...Object.entries(spec.serverChecks).flatMap(([id, s]) =>
      (s.checks ?? []).map((c, i) => ({
        path: `serverChecks.${id}.checks.${i}.document`,
        document: c.document,
      })),
    ),
  ];
}

/** A plan wave's `options` as far as in-guest checks go (already checked by the child's schema). */
const optionChecksSchema = z.looseObject({
  checks: checksSchema.default([]),
  serverChecks: z.record(z.string(), z.looseObject({ checks: checksSchema.optional() })).default({}),
});

/** The in-guest checks a plan wave's `options` declare, with their field paths under `prefix`. */
export function declaredGuestChecksOf(
  options: unknown,
  prefix: string,
): { path: string; document: string }[] {
  const parsed = optionChecksSchema.safeParse(options);
  if (!parsed.success) return [];
  return declaredGuestChecks(parsed.data).map((d) => ({ ...d, path: `${prefix}.${d.path}` }));
}

/**
 * The worker's rule for Run Command checks, applied to the input's checks: each problem names the
 * field and the rule. Empty when SSM checks may run as asked (or none were asked for).
 */
export function guestCheckPolicyProblems(
  declared: { path: string; document: string }[],
  policy: { enabled: boolean; allowedDocuments: string[] },
): string[] {
  if (declared.length === 0) return [];
  if (!policy.enabled)
    return [
      `${declared[0].path.replace(/\.document$/, '').replace(/\.\d+$/, '')}: SSM checks are off on this worker (its DRS_SSM_CHECKS is not "enabled")`,
    ];
  return declared
    .filter((d) => !policy.allowedDocuments.includes(d.document))
    .map(
      (d) =>
        `${d.path}: document "${d.document}" is not allowed by this worker (allowed: ${policy.allowedDocuments.join(', ')})`,
    );
}
