// The workflows drsctl can start: one entry per workflow type, with the flags that fill its input
// and the shared schema (common/inputs.ts) that validates it before anything is started.
import { parseDrillInput } from '../common/inputs';
import { parseFailbackInput, parseRecoveryInput, parseReplicationInput } from '../common/inputs-lifecycle';
import { parseReprotectInput } from '../common/inputs-reprotect';
import { parsePlanInput } from '../common/inputs-plan';
import { parseReadinessInput } from '../common/readiness';
import { parseReconcileInput } from '../common/reconcile';
import { parseExtendInput } from '../common/extend';
import { MAX_TARGET_SECONDS } from '../common/targets';
import { BadInputError } from './errors';
import {
  drillSummary,
  extendSummary,
  failbackSummary,
  planSummary,
  readinessSummary,
  reconcileSummary,
  recoverySummary,
  replicationSummary,
  reprotectSummary,
  type RunSummary,
} from './run-summaries';
import { textOf } from '../common/reports/escape';
import { parseDuration } from './durations';
import { defaultWorkflowId } from './workflow-ids';

type Input = Record<string, unknown>;

/** A flag that sets one input field. `apply` receives commander's parsed value. */
export interface InputFlag {
  /** commander flag syntax, e.g. `--source-server <id>` */
  flags: string;
  description: string;
  /** The input field it sets, dotted when nested (named in validation errors next to the flag). */
  field: string;
  /** Repeatable flag: values are collected into an array (comma-separated values are split). */
  repeatable?: boolean;
  apply(input: Input, value: unknown): void;
}

export interface Operation {
  /** Subcommand name and workflow id prefix. */
  name: string;
  workflowType: string;
  description: string;
  flags: InputFlag[];
  /** Validates and fills defaults; throws InvalidInputError naming the field. */
  validate(raw: unknown): unknown;
  /** Fields filled from the environment when neither the file nor a flag sets them. */
  environmentDefaults(env: NodeJS.ProcessEnv): Input;
  /**
   * What tells two runs apart in the default workflow id besides their servers, instances, account
   * and region (client/workflow-ids.ts); nothing when absent.
   */
  workflowIdExtra?(input: Input): string[];
  /** What the Temporal UI shows on the run (client/run-summaries.ts), from the validated input. */
  summarize(input: Input, startedBy: string): RunSummary;
}

/** A number when the text is one; otherwise the text itself, so the schema names the field. */
function numberOrText(value: string): number | string {
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : value;
}

function set(field: string, convert: (v: unknown) => unknown = (v) => v) {
  return (input: Input, value: unknown) => {
    input[field] = convert(value);
  };
}

const toNumber = (v: unknown) => numberOrText(String(v));

const sourceServerFlag: InputFlag = {
  flags: '--source-server <id>',
  description: 'DRS source server id (repeat or comma-separate for several)',
  field: 'sourceServerIds',
  repeatable: true,
  apply: set('sourceServerIds'),
};
const regionFlag: InputFlag = {
  flags: '--region <region>',
  description: 'AWS region of the source servers (default: AWS_REGION, then us-east-1)',
  field: 'region',
  apply: set('region'),
};
const accountFlag: InputFlag = {
  flags: '--account-id <id>',
  description: 'staging account holding the source servers (default: the worker account)',
  field: 'accountId',
  apply: set('accountId'),
};

/** `--<name> <seconds>` setting a numeric field (the schema checks range and integrality). */
function secondsFlag(name: string, field: string, description: string): InputFlag {
  return { flags: `--${name} <seconds>`, description, field, apply: set(field, toNumber) };
}

/** A boolean switch: `--confirm` sets true, `--no-x` sets false. */
function switchFlag(flags: string, field: string, description: string): InputFlag {
  return { flags, description, field, apply: set(field) };
}

const maxLagFlag = secondsFlag(
  'max-lag',
  'maxReplicationLagSeconds',
  'refuse servers whose replication lag is above this (default 300)',
);
const launchTimeoutFlag = secondsFlag(
  'launch-timeout',
  'launchTimeoutSeconds',
  'deadline for the launch job (default one day)',
);
const noTagJobsFlag = switchFlag(
  '--no-tag-jobs',
  'tagJobs',
  'do not tag DRS jobs with the workflow id (lookups still work without tags)',
);
const preemptDrillsFlag: InputFlag = {
  flags: '--preempt-drills-after <seconds>',
  description:
    'when the launch waited this long for DRS capacity, abort the drills holding places (default: never)',
  field: 'preemptDrills',
  apply: set('preemptDrills', (v) => ({ afterSeconds: toNumber(v) })),
};
const confirmFlag = switchFlag('--confirm', 'confirm', 'allow the production-impacting or destructive step');
const snapshotFlag: InputFlag = {
  flags: '--snapshot <serverId=pitId>',
  description: 'launch a server from this recovery snapshot (repeatable; default latest)',
  field: 'recoverySnapshotIds',
  repeatable: true,
  apply: (input, value) => {
    const pairs = (value as string[]).map((pair) => {
      const at = pair.indexOf('=');
      return at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    });
    input.recoverySnapshotIds = Object.fromEntries(pairs);
  },
};

/** The newest snapshot at or before a time, for every server (the schema checks the format). */
const atOrBeforeFlag: InputFlag = {
  flags: '--at-or-before <time>',
  description: 'launch every server from its newest recovery snapshot at or before this UTC time (ISO-8601)',
  field: 'pointInTime',
  apply: (input, value) => {
    input.pointInTime = { atOrBefore: value };
  },
};

const LONGEST_TARGET = `${MAX_TARGET_SECONDS / 86_400}d`;

/** A target flag's duration in whole seconds, within the targets' range (the flag named on refusal). */
function targetSeconds(text: string, flag: string): number {
  const ms = parseDuration(text, flag);
  if (ms % 1000 !== 0)
    throw new BadInputError(`${flag}: "${text}" is not whole seconds (targets are in seconds)`);
  if (ms / 1000 > MAX_TARGET_SECONDS)
    throw new BadInputError(`${flag}: "${text}" is more than ${LONGEST_TARGET}, the longest target`);
  return ms / 1000;
}

/** `--rto-target 15m`, `--rpo-target 5m`: one field of `targets`; the file's other field stays. */
function targetFlag(name: 'rto' | 'rpo', measure: string): InputFlag {
  const flag = `--${name}-target`;
  const field = `${name}Seconds`;
  return {
    flags: `${flag} <duration>`,
    description: `${name.toUpperCase()} target for every server, e.g. 15m or 1h30m (whole seconds, up to ${LONGEST_TARGET}): ${measure} above it misses the target (exit 1)`,
    field: `targets.${field}`,
    apply: (input, value) => {
      const targets = typeof input.targets === 'object' && input.targets !== null ? input.targets : {};
      input.targets = { ...targets, [field]: targetSeconds(String(value), flag) };
    },
  };
}
const targetFlags = [targetFlag('rto', 'a time to launch'), targetFlag('rpo', 'a data age at launch')];

function regionFromEnv(env: NodeJS.ProcessEnv): Input {
  return { region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1' };
}

/** Every operation validates with its workflow's schema, defaults the region from the environment, and summarizes the validated plan. */
function validatedBy<Spec>(
  parse: (raw: unknown) => Spec,
  summary: (plan: Spec, startedBy: string) => RunSummary,
): Pick<Operation, 'validate' | 'environmentDefaults' | 'summarize'> {
  return {
    validate: parse,
    environmentDefaults: regionFromEnv,
    summarize: (input, startedBy) => summary(parse(input), startedBy),
  };
}

/** The recovery instances an operation acts on: named, or every one a StartRecovery job launched. */
function recoveryInstanceFlags(verb: string): InputFlag[] {
  return [
    {
      flags: '--recovery-instance <id>',
      description: `recovery instance to ${verb} (repeat or comma-separate)`,
      field: 'recoveryInstanceIds',
      repeatable: true,
      apply: set('recoveryInstanceIds'),
    },
    {
      flags: '--recovery-job <id>',
      description: 'instead of instances: every recovery instance this StartRecovery job launched',
      field: 'recoveryJobId',
      apply: set('recoveryJobId'),
    },
  ];
}

/** The servers an operation acts on, where. */
const serverFlags = [sourceServerFlag, regionFlag, accountFlag];
/** How a drill's or failover's launch job runs, and what the report measures against. */
const launchFlags = [launchTimeoutFlag, noTagJobsFlag, ...targetFlags];

export const drillOperation: Operation = {
  name: 'drill',
  workflowType: 'drsDrill',
  description: 'recovery drill: launch drill instances, validate, terminate them, report RTO/RPO',
  flags: [
    ...serverFlags,
    maxLagFlag,
    switchFlag(
      '--repair-replication',
      'repairReplication',
      'retry data replication on STALLED/DISCONNECTED/STOPPED servers first',
    ),
    snapshotFlag,
    atOrBeforeFlag,
    {
      flags: '--hold <seconds>',
      description: 'validation: keep the drill instances up this long before cleanup',
      field: 'validation',
      apply: (input, value) => {
        input.validation = { mode: 'hold', holdSeconds: toNumber(value) };
      },
    },
    {
      flags: '--approval-timeout <seconds>',
      description: 'validation: wait this long for `drsctl approve` or `abort` (then abort)',
      field: 'validation',
      apply: (input, value) => {
        input.validation = { mode: 'approval', timeoutSeconds: toNumber(value) };
      },
    },
    secondsFlag(
      'cleanup-timeout',
      'cleanupTimeoutSeconds',
      'deadline for the terminate job (default 3 hours)',
    ),
    ...launchFlags,
  ],
  ...validatedBy(parseDrillInput, drillSummary),
};

export const recoveryOperation: Operation = {
  name: 'recovery',
  workflowType: 'drsRecovery',
  description: 'real failover (isDrill=false): needs --confirm or an approve message; never terminates',
  flags: [
    ...serverFlags,
    snapshotFlag,
    atOrBeforeFlag,
    confirmFlag,
    secondsFlag(
      'approval-timeout',
      'approvalTimeoutSeconds',
      'without --confirm: wait this long for `drsctl approve` (default 1 hour)',
    ),
    switchFlag(
      '--require-healthy-replication',
      'requireHealthyReplication',
      'refuse servers whose replication is not healthy',
    ),
    maxLagFlag,
    preemptDrillsFlag,
    ...launchFlags,
  ],
  ...validatedBy(parseRecoveryInput, recoverySummary),
};

export const failbackOperation: Operation = {
  name: 'failback',
  workflowType: 'drsFailback',
  description:
    'fail back recovery instances: StartFailbackLaunch (on premises) or, for EC2 servers, a recovery in their origin region (--confirm); --stop: StopFailback',
  flags: [
    ...recoveryInstanceFlags('fail back'),
    {
      flags: '--source-server <id>',
      description: 'instead: the reversed source servers (drsReprotect) in --region, their origin region',
      field: 'sourceServerIds',
      repeatable: true,
      apply: set('sourceServerIds'),
    },
    regionFlag,
    accountFlag,
    confirmFlag,
    switchFlag(
      '--terminate-recovery-instances',
      'terminateRecoveryInstances',
      'EC2 servers: terminate the DR-region instances once the servers are home, booted and protected',
    ),
    secondsFlag(
      'protect-timeout',
      'protectTimeoutSeconds',
      'EC2 servers: how long the original direction may take to replicate CONTINUOUS (default one day)',
    ),
    switchFlag(
      '--stop',
      'stop',
      'StopFailback for the instances instead: cancel an in-flight failback or reverse replication (needs --confirm)',
    ),
    secondsFlag(
      'ready-timeout',
      'readyTimeoutSeconds',
      'how long instances may take to become ready for failback (default one day)',
    ),
    launchTimeoutFlag,
    noTagJobsFlag,
  ],
  ...validatedBy(parseFailbackInput, failbackSummary),
  workflowIdExtra: (input) => [textOf(input.recoveryJobId), ...(input.stop === true ? ['stop'] : [])],
};

export const replicationOperation: Operation = {
  name: 'replication',
  workflowType: 'drsReplication',
  description: 'repair, stop, start or disconnect replication (stop/disconnect need --confirm)',
  flags: [
    {
      flags: '--action <action>',
      description: 'repair | stop | start | disconnect',
      field: 'action',
      apply: set('action'),
    },
    ...serverFlags,
    confirmFlag,
    maxLagFlag,
    secondsFlag(
      'timeout',
      'timeoutSeconds',
      'how long replication may take to become healthy (default 6 hours)',
    ),
    switchFlag(
      '--no-wait-for-continuous',
      'waitForContinuous',
      'return once the calls are made, without waiting for CONTINUOUS',
    ),
  ],
  ...validatedBy(parseReplicationInput, replicationSummary),
  // the action is part of the id: a repair and a stop on the same servers are different operations
  workflowIdExtra: (input) => [textOf(input.action)],
};

export const planOperation: Operation = {
  name: 'plan',
  workflowType: 'drsPlan',
  description:
    'recovery plan: waves of servers run as drills or recoveries in order (waves come from --input)',
  flags: [regionFlag, accountFlag, confirmFlag, ...targetFlags],
  ...validatedBy(parsePlanInput, planSummary),
  // the waves are the plan: the same waves on the same target attach to the running plan
  workflowIdExtra: (input) => [JSON.stringify(input.waves ?? [])],
};

const readinessOperation: Operation = {
  name: 'readiness',
  workflowType: 'drsReadiness',
  description:
    'read-only readiness check of servers or a plan (--input plan.json): replication, RPO, snapshots, launch configuration, drills, quotas',
  flags: [
    ...serverFlags,
    secondsFlag('rpo', 'rpoSeconds', 'RPO target: replication lag above it is AT_RISK (default 300)'),
    secondsFlag(
      'max-snapshot-age',
      'maxSnapshotAgeSeconds',
      'newest point in time older than this is AT_RISK (default 3600)',
    ),
    {
      flags: '--max-days-since-drill <days>',
      description: 'no SUCCEEDED drill within this many days is AT_RISK (default 30)',
      field: 'maxDaysSinceDrill',
      apply: set('maxDaysSinceDrill', toNumber),
    },
  ],
  ...validatedBy(parseReadinessInput, readinessSummary),
  // the same servers or waves on the same target attach to the running check
  workflowIdExtra: (input) => [JSON.stringify(input.waves ?? [])],
};

/** `--<name> <duration>` (7d, 12h, 30m) setting a field in seconds. */
function durationFlag(name: string, field: string, description: string): InputFlag {
  return {
    flags: `--${name} <duration>`,
    description,
    field,
    apply: set(field, (v) => Math.round(parseDuration(String(v), `--${name}`) / 1000)),
  };
}

const reconcileOperation: Operation = {
  name: 'reconcile',
  workflowType: 'drsReconcile',
  description:
    "terminate drill instances this product's closed drills left running (after a grace period); report untagged ones",
  flags: [
    regionFlag,
    accountFlag,
    switchFlag('--dry-run', 'dryRun', 'report what would be terminated, terminate nothing'),
    durationFlag('grace', 'graceSeconds', 'leave instances launched less than this ago (default 30m)'),
    durationFlag(
      'untagged-max-age',
      'untaggedMaxAgeSeconds',
      'report untagged drill instances older than this (default 24h)',
    ),
  ],
  ...validatedBy(parseReconcileInput, reconcileSummary),
  // one reconciler per account and region: a second start attaches to the running one
};

export const reprotectOperation: Operation = {
  name: 'reprotect',
  workflowType: 'drsReprotect',
  description:
    'reverse replication of recovery instances that came from EC2 in another region (ReverseReplication), wait until CONTINUOUS; needs --confirm',
  flags: [
    ...recoveryInstanceFlags('reprotect'),
    regionFlag,
    accountFlag,
    confirmFlag,
    secondsFlag(
      'timeout',
      'timeoutSeconds',
      'how long the reversed servers may take to replicate CONTINUOUS (default one day)',
    ),
    maxLagFlag,
  ],
  ...validatedBy(parseReprotectInput, reprotectSummary),
  workflowIdExtra: (input) => [textOf(input.recoveryJobId)],
};

const extendOperation: Operation = {
  name: 'extend',
  workflowType: 'drsExtend',
  description:
    "extend staging accounts' servers into the recovery account (a dry-run listing unless --confirm); already extended ones are SKIPPED",
  flags: [
    {
      flags: '--staging-account <id>',
      description: 'staging account whose extensible servers to extend (repeat or comma-separate)',
      field: 'stagingAccountIds',
      repeatable: true,
      apply: set('stagingAccountIds'),
    },
    {
      flags: '--source-server-arn <arn>',
      description: 'staging server to extend, by ARN (repeat or comma-separate)',
      field: 'sourceServerArns',
      repeatable: true,
      apply: set('sourceServerArns'),
    },
    {
      flags: '--tag <key=value>',
      description: 'only extensible servers with this tag (repeat: all must match)',
      field: 'tags',
      repeatable: true,
      apply: set('tags', (v) =>
        Object.fromEntries(
          (v as string[]).map((kv) => {
            const at = kv.indexOf('=');
            return at < 0 ? [kv, ''] : [kv.slice(0, at), kv.slice(at + 1)];
          }),
        ),
      ),
    },
    regionFlag,
    { ...accountFlag, description: "the recovery account to extend into (default: the worker's own)" },
    confirmFlag,
  ],
  ...validatedBy(parseExtendInput, extendSummary),
  // the same request on the same account attaches to the running one
  workflowIdExtra: (input) => [
    JSON.stringify([input.stagingAccountIds, input.sourceServerArns, input.tags, input.confirm]),
  ],
};

/** The workflow id a run gets when the caller names none: the same request attaches to its run. */
export function workflowIdOf(operation: Operation, input: Input): string {
  return defaultWorkflowId(operation.name, input, operation.workflowIdExtra?.(input));
}

export const OPERATIONS: readonly Operation[] = [
  drillOperation,
  recoveryOperation,
  failbackOperation,
  replicationOperation,
  planOperation,
  readinessOperation,
  reconcileOperation,
  reprotectOperation,
  extendOperation,
];

export function operationByWorkflowType(workflowType: string): Operation | undefined {
  return OPERATIONS.find((op) => op.workflowType === workflowType);
}
