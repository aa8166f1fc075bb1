// The worker's whole configuration, read once from the environment at start. Every variable it
// reads is in `workerConfigSchema` (docs/configuration.md and docker-compose.yml are checked
// against it by tests) but the TEMPORAL_GRPC_META_<NAME> headers; the Temporal connection may also
// come from a profile file (common/temporal-connection.ts). A bad value stops the process with one
// message naming each variable.
import {
  awsAccountRolesEnvSchema,
  notifyEnvSchema,
  awsCredentialEnvSchema,
  awsEnvSchema,
  checkAwsEndpoints,
  drsQuotaEnvSchema,
  guestCheckEnvSchema,
  guestCheckPolicy,
  parseEnv,
  type GuestCheckPolicy,
  temporalEnvSchema,
  workerEnvSchema,
} from '../common/config';
import {
  describeTemporalSettings,
  resolveTemporalSettings,
  TemporalSettingsError,
  type TemporalSettings,
} from '../common/temporal-connection';
import { z } from 'zod';
import {
  evidenceEnvSchema,
  evidenceStoreConfig,
  type EvidenceStoreConfig,
} from '../common/evidence-store/config';
import type { NotificationTargets } from '../activities/notifications';
import { cidrProblem, type ProbePolicy } from '../activities/probe-targets';
import type { ApproverLists } from '../activities/approvals';
import { OPERATIONS, type OperationName } from '../common/operations';
import type { CapacityLimits } from '../common/capacity';
import type { LogLevel } from './logging';
import { reconcileEnvSchema, reconcileTiming } from './reconcile-schedule';

// ---- Workflow code and Worker Versioning --------------------------------------------------------
// Which workflow code the worker runs and how a new build takes over running workflows
// (worker/workflow-code.ts; the upgrade procedure is in docs/deployment.md). The two TEMPORAL_
// names are the ones the Temporal Worker Controller sets on the pods it runs.

export interface WorkflowCodeConfig {
  /** A prebuilt workflow bundle; unset: the build's own bundle if it is current, else from source. */
  bundlePath?: string;
  /** Worker Versioning is on exactly when a deployment name is set. */
  deploymentName?: string;
  /** Unset: derived from the package version and the bundle's content. */
  buildId?: string;
}

const unsetIfEmpty = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

export const workflowCodeEnvSchema = z.object({
  WORKER_WORKFLOW_BUNDLE: unsetIfEmpty.describe(
    'path of a workflow bundle built ahead of time (`npm run bundle`, i.e. `node dist/worker/workflow-code.js`); unset: `dist/workflow-bundle.js` when it is newer than the compiled workflows, otherwise the workflows are bundled from source at start (development; logged as a warning)',
  ),
  TEMPORAL_DEPLOYMENT_NAME: unsetIfEmpty
    .pipe(
      z
        .string()
        .regex(/^[^.]{1,255}$/, "at most 255 characters, without '.'")
        .optional(),
    )
    .describe(
      'Worker Deployment this worker belongs to; set: Worker Versioning on (a new build takes new runs once it is made the current version); unset: off, every worker takes every task',
    ),
  TEMPORAL_WORKER_BUILD_ID: unsetIfEmpty
    .pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9][\w+.-]{0,254}$/, 'letters, digits and _+.- only')
        .optional(),
    )
    .describe(
      "this worker's build within the deployment; unset: `<package version>-<first 12 hex digits of the bundle's SHA-256>`",
    ),
});

// ---- end of workflow code and Worker Versioning -------------------------------------------------

// ---- Least authority: what the worker may probe, which operations it serves --------------------------------
// Inputs are untrusted: these settings bound what a run started by anyone who reaches Temporal can
// make the worker do (activities/probe-targets.ts).

const booleanFlag = z
  .enum(['', 'true', 'false'])
  .optional()
  .transform((v) => v === 'true');

const identityList = unsetIfEmpty.transform((v) =>
  v
    ?.split(',')
    .map((id) => id.trim())
    .filter(Boolean),
);

const approvers = (gate: string) =>
  identityList.describe(
    `identities (comma-separated, as \`approve\` names them: drsctl's user@host or --by) that may approve ${gate}; unset: anyone`,
  );

export const accessEnvSchema = z.object({
  DRS_PROBE_ALLOWED_CIDRS: unsetIfEmpty
    .superRefine((list, ctx) => {
      for (const cidr of list?.split(',') ?? []) {
        const problem = cidrProblem(cidr.trim());
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }
    })
    .describe(
      "CIDRs (comma-separated) that hosts named in health checks and plan pre/post checks may be in; unset: only the run's own recovery instances are probed. Link-local (metadata) and unspecified addresses are never probed",
    ),
  DRS_ALLOWED_OPERATIONS: unsetIfEmpty
    .superRefine((list, ctx) => {
      for (const name of list?.split(',') ?? []) {
        if (!(OPERATIONS as readonly string[]).includes(name.trim()))
          ctx.addIssue({ code: 'custom', message: `"${name}" is not one of ${OPERATIONS.join(', ')}` });
      }
    })
    .describe(
      `operations this worker runs (comma-separated: ${OPERATIONS.join(', ')}); a run of another one is refused before any AWS call. Unset: every operation`,
    ),
  DRS_APPROVERS_DRILL: approvers("a drill's approval-mode validation"),
  DRS_APPROVERS_RECOVERY: approvers("a failover's confirmation (never the identity that started the run)"),
  DRS_APPROVERS_PLAN: approvers(
    "a plan's pauseBefore gates (before a recovery wave, never the identity that started the plan)",
  ),
  DRS_PROBE_ALLOW_LOOPBACK: booleanFlag.describe(
    '`true`: loopback (127.0.0.0/8, ::1) may be probed; for the local stack, whose stand-in instances listen there. Default false',
  ),
});

// ---- end of probes and operations -------------------------------------------------------------

export const workerConfigSchema = temporalEnvSchema
  .extend(awsEnvSchema.shape)
  .extend(awsCredentialEnvSchema.shape)
  .extend(drsQuotaEnvSchema.shape)
  .extend(guestCheckEnvSchema.shape)
  .extend(awsAccountRolesEnvSchema.shape)
  .extend(notifyEnvSchema.shape)
  .extend(reconcileEnvSchema.shape)
  .extend(workerEnvSchema.shape)
  .extend(workflowCodeEnvSchema.shape)
  .extend(evidenceEnvSchema.shape)
  .extend(accessEnvSchema.shape)
  .superRefine((env, ctx) => {
    checkAwsEndpoints(env, ctx);
    if (env.WORKER_SHUTDOWN_FORCE_SECONDS <= env.WORKER_SHUTDOWN_GRACE_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['WORKER_SHUTDOWN_FORCE_SECONDS'],
        message: `must be greater than WORKER_SHUTDOWN_GRACE_SECONDS (${env.WORKER_SHUTDOWN_GRACE_SECONDS})`,
      });
    }
  });

/** Every environment variable the worker reads. */
export const WORKER_ENV_VARS: readonly string[] = Object.keys(workerConfigSchema.shape);

export interface WorkerConfig {
  temporal: TemporalSettings;
  aws: {
    region: string;
    drsEndpoint?: string;
    /** STS for assumed roles; with the emulator, the emulator's own STS (DRS_ENDPOINT) by default. */
    stsEndpoint?: string;
    /** EC2 and SSM (boot evidence); with the emulator, DRS_ENDPOINT by default, which serves both. */
    ec2Endpoint?: string;
    ssmEndpoint?: string;
    /** CloudFormation (a drill plan's network stacks); with the emulator, DRS_ENDPOINT by default. */
    cloudFormationEndpoint?: string;
    /** DRS_EMULATOR: sign with the emulator's keys instead of the AWS SDK's default chain. */
    emulator: boolean;
    /** Role assumed per other account: explicit ARNs first, then the role name pattern. */
    accountRoleArns: Record<string, string>;
    accountRoleName?: string;
  };
  /** DRS's job quotas, shared by every run of the namespace (common/capacity.ts). */
  capacity: CapacityLimits;
  /** Webhook receivers (secrets: describeConfig shows them as "set"). */
  notifications: NotificationTargets;
  /** The drsReconcile schedule's interval and grace period; undefined: no schedule (DRS_RECONCILE_EVERY=off). */
  reconcile?: { everyMs: number; graceSeconds: number };
  /** Whether in-guest checks may run, and which SSM documents (DRS_SSM_CHECKS, DRS_SSM_DOCUMENTS). */
  guestChecks: GuestCheckPolicy;
  metricsAddress: string;
  healthAddress: string;
  logLevel: LogLevel;
  shutdownGraceSeconds: number;
  shutdownForceSeconds: number;
  maxConcurrentActivities: number;
  maxConcurrentWorkflowTasks: number;
  workflowCode: WorkflowCodeConfig;
  /** Where every run's evidence is written (DRS_EVIDENCE_*). */
  evidence: EvidenceStoreConfig;
  /** Which hosts health checks and plan checks may probe. */
  probes: ProbePolicy;
  /** The operations this worker runs (DRS_ALLOWED_OPERATIONS). */
  allowedOperations: readonly OperationName[];
  /** Approver identities per operation (DRS_APPROVERS_*). */
  approvers: ApproverLists;
}

/** A configuration the worker cannot start with; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  let e: z.infer<typeof workerConfigSchema>;
  try {
    e = parseEnv(workerConfigSchema, env);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  let temporal: TemporalSettings;
  try {
    temporal = resolveTemporalSettings(env);
  } catch (err) {
    throw err instanceof TemporalSettingsError ? new ConfigError(err.message) : err;
  }
  return {
    temporal,
    aws: {
      region: e.AWS_REGION,
      drsEndpoint: e.DRS_ENDPOINT,
      stsEndpoint: e.STS_ENDPOINT ?? (e.DRS_EMULATOR ? e.DRS_ENDPOINT : undefined),
      ec2Endpoint: e.EC2_ENDPOINT ?? (e.DRS_EMULATOR ? e.DRS_ENDPOINT : undefined),
      ssmEndpoint: e.SSM_ENDPOINT ?? (e.DRS_EMULATOR ? e.DRS_ENDPOINT : undefined),
      cloudFormationEndpoint: e.CLOUDFORMATION_ENDPOINT ?? (e.DRS_EMULATOR ? e.DRS_ENDPOINT : undefined),
      emulator: e.DRS_EMULATOR,
      accountRoleArns: parseRoleArns(e.DRS_ACCOUNT_ROLE_ARNS),
      accountRoleName: e.DRS_ACCOUNT_ROLE_NAME,
    },
    capacity: {
      maxConcurrentJobs: e.DRS_MAX_CONCURRENT_JOBS,
      maxServersInActiveJobs: e.DRS_MAX_SERVERS_IN_ACTIVE_JOBS,
    },
    notifications: { webhookUrl: e.NOTIFY_WEBHOOK_URL, slackWebhookUrl: e.NOTIFY_SLACK_WEBHOOK_URL },
    reconcile: reconcileTiming(e),
    guestChecks: guestCheckPolicy(e),
    metricsAddress: e.WORKER_METRICS_ADDRESS,
    healthAddress: e.WORKER_HEALTH_ADDRESS,
    logLevel: e.LOG_LEVEL,
    shutdownGraceSeconds: e.WORKER_SHUTDOWN_GRACE_SECONDS,
    shutdownForceSeconds: e.WORKER_SHUTDOWN_FORCE_SECONDS,
    maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTasks: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    workflowCode: {
      bundlePath: e.WORKER_WORKFLOW_BUNDLE,
      deploymentName: e.TEMPORAL_DEPLOYMENT_NAME,
      buildId: e.TEMPORAL_WORKER_BUILD_ID,
    },
    evidence: evidenceStoreConfig(e),
    probes: {
      allowedCidrs: e.DRS_PROBE_ALLOWED_CIDRS?.split(',').map((c) => c.trim()) ?? [],
      allowLoopback: e.DRS_PROBE_ALLOW_LOOPBACK,
    },
    allowedOperations: e.DRS_ALLOWED_OPERATIONS
      ? (e.DRS_ALLOWED_OPERATIONS.split(',').map((o) => o.trim()) as OperationName[])
      : OPERATIONS,
    approvers: {
      ...(e.DRS_APPROVERS_DRILL ? { drill: e.DRS_APPROVERS_DRILL } : {}),
      ...(e.DRS_APPROVERS_RECOVERY ? { recovery: e.DRS_APPROVERS_RECOVERY } : {}),
      ...(e.DRS_APPROVERS_PLAN ? { plan: e.DRS_APPROVERS_PLAN } : {}),
    },
  };
}

/** "111122223333=arn:…,444455556666=arn:…" (format checked by the schema) → { accountId: arn }. */
function parseRoleArns(list: string | undefined): Record<string, string> {
  if (!list) return {};
  return Object.fromEntries(list.split(',').map((pair) => pair.split('=', 2) as [string, string]));
}

/** What the startup log line shows: everything but secrets, which appear only as "set". */
export function describeConfig(config: WorkerConfig): Record<string, unknown> {
  return {
    ...config,
    temporal: describeTemporalSettings(config.temporal),
    aws: {
      ...config.aws,
      credentials: config.aws.emulator ? "the emulator's built-in keys" : 'AWS SDK default chain',
    },
    notifications: {
      webhook: config.notifications.webhookUrl ? 'set' : 'unset',
      slack: config.notifications.slackWebhookUrl ? 'set' : 'unset',
    },
  };
}
