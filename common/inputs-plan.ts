// Input schema of drsPlan: waves of servers (ids or a tag selector), their dependencies, per-wave
// parallelism and approval gates. Everything that can be checked without DRS is checked here, so a
// bad plan fails before any DRS call: unknown or cyclic dependencies, empty waves, a server in two
// waves, recovery waves without `confirm`, child options the child's own schema would refuse, an
// account or region that is no account id or region name (named by its field).
import { z } from 'zod';
import {
  accountIdSchema,
  DAY,
  describeIssues,
  drillInputSchema,
  healthCheckSchema,
  parseInput,
  regionSchema,
  secondsUpTo,
  serverTargetsSchema,
  sourceServerIdSchema,
} from './inputs';
import { recoveryInputSchema, recoveryPreemptSchema } from './inputs-lifecycle';
import { planNetworkSchema } from './inputs-networks';
import { recoveryTargetsSchema } from './targets';

/**
 * Fields the plan sets on every child; a wave's `options` must not set them (targets come from the
 * plan's `targets` and `serverTargets` and the wave's `targets`).
 */
const PLAN_OWNED_FIELDS = [
  'sourceServerIds',
  'region',
  'accountId',
  'confirm',
  'targets',
  'serverTargets',
  'notifyParentWhenHealthy',
];

/**
 * HTTP/TCP checks against named hosts (e.g. the recovered database's endpoint) before or after a
 * wave: every check against every host, retried until all pass or `timeoutSeconds` elapses.
 */
const waveChecksSchema = z.strictObject({
  checks: z.array(healthCheckSchema).min(1).max(20),
  hosts: z
    .array(z.string().regex(/^[A-Za-z0-9.:_[\]-]{1,253}$/, 'must be a host name or IP address'))
    .min(1)
    .max(50),
  timeoutSeconds: secondsUpTo(DAY).default(600),
});

/** A wave's (or a readiness check's) servers by id: 1 to 500, none repeated. */
export const planServerIdsSchema = z
  .array(sourceServerIdSchema)
  .min(1, 'must not be empty')
  .max(500)
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a server');

/** A wave's server that names its own account or region (each defaults to its wave's). */
const placedServerSchema = z.strictObject({
  sourceServerId: sourceServerIdSchema,
  accountId: accountIdSchema.optional(),
  region: regionSchema.optional(),
});

/**
 * One wave: servers by id (`sourceServerIds`, or `sourceServers` naming each one's account and
 * region), or a selector resolved when the plan starts (`tags`, `stagingAccountIds`, or both).
 */
const waveSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, 'must be 1-40 letters, digits, _ . -'),
  action: z.enum(['drill', 'recovery']).default('drill'),
  /** Where the wave's servers are recovered; each defaults to the plan's. */
  accountId: accountIdSchema.optional(),
  region: regionSchema.optional(),
  sourceServerIds: planServerIdsSchema.optional(),
  sourceServers: z
    .array(placedServerSchema)
    .min(1, 'must not be empty')
    .max(500)
    .refine(
      (servers) => new Set(servers.map((s) => s.sourceServerId)).size === servers.length,
      'must not repeat a server',
    )
    .optional(),
  /**
   * The servers of the wave's account extended from these staging accounts (their `stagingArea`
   * names one of them); with `tags`, those that also carry every tag.
   */
  stagingAccountIds: z
    .array(accountIdSchema)
    .min(1, 'must name at least one staging account')
    .max(200, 'at most 200 staging accounts (DRS filters on at most 200)')
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an account')
    .optional(),
  /** Every tag must match (DescribeSourceServers' tags); resolved once, before the first wave. */
  tags: z
    .record(z.string().min(1), z.string())
    .refine((tags) => Object.keys(tags).length > 0, 'must name at least one tag')
    .optional(),
  /** Waves that must SUCCEED before this one starts; default: the wave before it. */
  dependsOn: z.array(z.string()).optional(),
  /** Wait for an `approve` message before starting this wave. */
  pauseBefore: z.boolean().default(false),
  /** Servers per child workflow (one DRS job each). */
  maxServersPerChild: z
    .number()
    .int()
    .min(1)
    .max(100, 'at most 100 source servers in one DRS job')
    .default(100),
  /** Child workflows of this wave running at once. */
  maxChildrenAtOnce: z.number().int().min(1).max(20).default(5),
  /** Extra child input fields (drsDrill or drsRecovery input, e.g. `validation`), checked by the child's schema. */
  options: z.record(z.string(), z.unknown()).default({}),
  /** Must pass before the wave launches anything (else the wave FAILS and its dependants are skipped). */
  preChecks: waveChecksSchema.optional(),
  /** Must pass after the wave's children succeeded (else the wave FAILS). */
  postChecks: waveChecksSchema.optional(),
  /** RTO/RPO targets of this wave's servers; each field wins over the plan's `targets`. */
  targets: recoveryTargetsSchema.optional(),
  /**
   * `finished` (default): waves depending on this one start once its children ended SUCCEEDED.
   * `healthy`: they start as soon as every server of this wave booted and passed its checks, while
   * this wave's drill instances stay up for their validation (SRM's priority groups).
   */
  dependentsStartWhen: z.enum(['finished', 'healthy']).default('finished'),
});

type ParsedWave = z.output<typeof waveSchema>;
/** One wave after validation, its `dependsOn` filled in. */
export type WavePlan = Omit<ParsedWave, 'dependsOn'> & { dependsOn: string[] };
export type WaveAction = WavePlan['action'];
export type WaveChecks = z.output<typeof waveChecksSchema>;

/** Explicit `dependsOn`, else the wave before (waves run in order unless told otherwise). */
function effectiveDependsOn(waves: ParsedWave[], index: number): string[] {
  return waves[index].dependsOn ?? (index > 0 ? [waves[index - 1].name] : []);
}

/** The first dependency cycle among `waves`, as wave names (a → b → a), or undefined. */
function findCycle(deps: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done' || !deps.has(name)) return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of deps.get(name) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of deps.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}

export const planInputSchema = z
  .strictObject({
    region: regionSchema,
    accountId: accountIdSchema.optional(),
    /** Required (true) when any wave is a recovery: children are started with `confirm: true`. */
    confirm: z.boolean().default(false),
    /** How long a `pauseBefore` gate waits for `approve`; then the plan ends ABORTED. */
    approvalTimeoutSeconds: secondsUpTo(7 * DAY).default(DAY),
    waves: z.array(waveSchema).min(1).max(50),
    /** RTO/RPO targets of every server (common/targets.ts). */
    targets: recoveryTargetsSchema.optional(),
    /** Per server; each field wins over its wave's and the plan's `targets`. */
    serverTargets: serverTargetsSchema.optional(),
    /**
     * drsRecovery's `preemptDrills` for every recovery wave (a wave's `options.preemptDrills` wins):
     * a failover wave that waits this long for capacity aborts the drills holding the places.
     */
    preemptDrills: recoveryPreemptSchema.optional(),
    /** Source networks recovered before the first wave (common/inputs-networks.ts). */
    network: planNetworkSchema.optional(),
  })
  .superRefine((input, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const names = input.waves.map((w) => w.name);
    const deps = new Map<string, string[]>();
    const owner = new Map<string, string>();
    input.waves.forEach((wave, i) => {
      if (names.indexOf(wave.name) !== i) issue(['waves', i, 'name'], `repeats wave name "${wave.name}"`);
      const selections = [wave.sourceServerIds, wave.sourceServers, wave.tags ?? wave.stagingAccountIds];
      if (selections.filter((s) => s !== undefined).length !== 1)
        issue(
          ['waves', i],
          'give exactly one of sourceServerIds, sourceServers, or a selector (tags and/or stagingAccountIds)',
        );
      const dependsOn = effectiveDependsOn(input.waves, i);
      deps.set(wave.name, dependsOn);
      for (const dep of dependsOn) {
        if (dep === wave.name) issue(['waves', i, 'dependsOn'], 'a wave cannot depend on itself');
        else if (!names.includes(dep)) issue(['waves', i, 'dependsOn'], `unknown wave "${dep}"`);
      }
      const field = wave.sourceServers ? 'sourceServers' : 'sourceServerIds';
      for (const id of namedServerIds(wave) ?? []) {
        const first = owner.get(id);
        if (first !== undefined) issue(['waves', i, field], `${id} is already in wave "${first}"`);
        else owner.set(id, wave.name);
      }
      if (wave.action === 'recovery' && input.confirm !== true)
        issue(['confirm'], `must be true: wave "${wave.name}" is a real failover (recovery)`);
      checkChildOptions(wave, i, input, issue);
      if (wave.dependentsStartWhen === 'healthy' && !wavesBootEvidence(wave))
        issue(
          ['waves', i, 'dependentsStartWhen'],
          '"healthy" needs boot evidence: options.bootCheck.enabled must not be false unless options.checks are set',
        );
    });
    if (input.preemptDrills && !input.waves.some((w) => w.action === 'recovery'))
      issue(['preemptDrills'], 'applies to recovery waves only, and no wave is a recovery');
    const cycle = findCycle(deps);
    if (cycle) issue(['waves'], `dependency cycle: ${cycle.join(' → ')}`);
    // servers of tag waves are known only once resolved: drsPlan checks those ids then
    if (input.waves.every((w) => namedServerIds(w)))
      for (const id of Object.keys(input.serverTargets ?? {}))
        if (!owner.has(id)) issue(['serverTargets', id], 'names a server that is in no wave');
  });

/** The ids a wave names itself (undefined for a selector, resolved when the plan starts). */
export function namedServerIds(wave: {
  sourceServerIds?: string[];
  sourceServers?: { sourceServerId: string }[];
}): string[] | undefined {
  return wave.sourceServerIds ?? wave.sourceServers?.map((s) => s.sourceServerId);
}

/** Whether the wave's children gather boot evidence (their default), judged from its options. */
function wavesBootEvidence(wave: ParsedWave): boolean {
  const { bootCheck, checks } = wave.options as { bootCheck?: { enabled?: boolean }; checks?: unknown[] };
  return bootCheck?.enabled !== false || (checks?.length ?? 0) > 0;
}

/** A wave's `options` must make a valid child input (checked with a placeholder when servers come from a selector). */
function checkChildOptions(
  wave: ParsedWave,
  index: number,
  input: { region: string; accountId?: string },
  issue: (path: (string | number)[], message: string) => void,
): void {
  for (const field of PLAN_OWNED_FIELDS.filter((f) => f in wave.options))
    issue(['waves', index, 'options', field], 'is set by the plan, not per wave');
  const schema = wave.action === 'drill' ? drillInputSchema : recoveryInputSchema;
  const accountId = wave.accountId ?? input.accountId;
  const result = schema.safeParse({
    ...wave.options,
    sourceServerIds: (namedServerIds(wave) ?? ['s-00000000000000000']).slice(0, 100),
    region: wave.region ?? input.region,
    ...(accountId ? { accountId } : {}),
    ...(wave.action === 'recovery' ? { confirm: true } : {}),
  });
  if (!result.success)
    for (const problem of describeIssues(result.error.issues)) issue(['waves', index, 'options'], problem);
}

/** What a caller passes to `drsPlan`. */
export type PlanInput = z.input<typeof planInputSchema>;
/** A validated `drsPlan` input, every default filled in (drsRecovery's is RecoverySpec). */
export type PlanSpec = Omit<z.output<typeof planInputSchema>, 'waves'> & { waves: WavePlan[] };

/** Validates a `drsPlan` input, fills the defaults and each wave's effective `dependsOn`. */
export function parsePlanInput(raw: unknown): PlanSpec {
  const input = parseInput('drsPlan', planInputSchema, raw);
  const waves: WavePlan[] = input.waves.map((wave, i) => ({
    ...wave,
    dependsOn: effectiveDependsOn(input.waves, i),
  }));
  return { ...input, waves };
}
