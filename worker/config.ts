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
  jobWaitEnvSchema,
  parseEnv,
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
import type { NotificationTargets } from '../activities/notifications';
import type { CapacityLimits } from '../common/capacity';
import { ADAPTIVE_POLL, parseJobPollPolicy, type JobPollPolicy } from '../common/job-poll';
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

export const workerConfigSchema = temporalEnvSchema
  .extend(awsEnvSchema.shape)
  .extend(awsCredentialEnvSchema.shape)
  .extend(drsQuotaEnvSchema.shape)
  .extend(jobWaitEnvSchema.shape)
  .extend(awsAccountRolesEnvSchema.shape)
  .extend(notifyEnvSchema.shape)
  .extend(reconcileEnvSchema.shape)
  .extend(workerEnvSchema.shape)
  .extend(workflowCodeEnvSchema.shape)
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
  /** How job waits poll (DRS_JOB_POLL). */
  jobPoll: JobPollPolicy;
  metricsAddress: string;
  healthAddress: string;
  logLevel: LogLevel;
  shutdownGraceSeconds: number;
  shutdownForceSeconds: number;
  maxConcurrentActivities: number;
  maxConcurrentWorkflowTasks: number;
  workflowCode: WorkflowCodeConfig;
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
    jobPoll: parseJobPollPolicy(e.DRS_JOB_POLL) ?? ADAPTIVE_POLL,
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
