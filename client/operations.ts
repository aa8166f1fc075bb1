// The workflows drsctl can start: one entry per workflow type, with the flags that fill its input
// and the shared schema (common/inputs.ts) that validates it before anything is started.
import { parseDrillInput } from '../common/inputs';
import { defaultWorkflowId, type IdSubject } from './workflow-ids';

type Input = Record<string, unknown>;

/** A flag that sets one input field. `apply` receives commander's parsed value. */
export interface InputFlag {
  /** commander flag syntax, e.g. `--source-server <id>` */
  flags: string;
  description: string;
  /** The top-level input field it sets (named in validation errors next to the flag). */
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
  workflowId(input: Input): string;
}

/** A number when the text is one; otherwise the text itself, so the schema names the field. */
export function numberOrText(value: string): number | string {
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

function regionFromEnv(env: NodeJS.ProcessEnv): Input {
  return { region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1' };
}

export const drillOperation: Operation = {
  name: 'drill',
  workflowType: 'drsDrill',
  description: 'recovery drill: launch drill instances, validate, terminate them, report RTO/RPO',
  flags: [
    sourceServerFlag,
    regionFlag,
    accountFlag,
    {
      flags: '--max-lag <seconds>',
      description: 'refuse servers whose replication lag is above this (default 300)',
      field: 'maxReplicationLagSeconds',
      apply: set('maxReplicationLagSeconds', toNumber),
    },
    {
      flags: '--repair-replication',
      description: 'retry data replication on STALLED/DISCONNECTED/STOPPED servers first',
      field: 'repairReplication',
      apply: set('repairReplication'),
    },
    {
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
    },
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
    {
      flags: '--launch-timeout <seconds>',
      description: 'deadline for the launch job (default one day)',
      field: 'launchTimeoutSeconds',
      apply: set('launchTimeoutSeconds', toNumber),
    },
    {
      flags: '--cleanup-timeout <seconds>',
      description: 'deadline for the terminate job (default 3 hours)',
      field: 'cleanupTimeoutSeconds',
      apply: set('cleanupTimeoutSeconds', toNumber),
    },
    {
      flags: '--no-tag-jobs',
      description: 'do not tag DRS jobs with the workflow id (lookups still work without tags)',
      field: 'tagJobs',
      apply: set('tagJobs'),
    },
  ],
  validate: parseDrillInput,
  environmentDefaults: regionFromEnv,
  workflowId: (input) => defaultWorkflowId('drill', input as IdSubject),
};

export const OPERATIONS: readonly Operation[] = [drillOperation];

export function operationByWorkflowType(workflowType: string): Operation | undefined {
  return OPERATIONS.find((op) => op.workflowType === workflowType);
}
