// Environment configuration: every variable the worker reads is declared here (docs/configuration.md
// is rendered from these schemas, docker-compose.yml is checked against them), except the
// TEMPORAL_GRPC_META_<NAME> family (one gRPC header each). drsctl reads the Temporal ones too
// (common/temporal-connection.ts), and AWS_REGION / AWS_DEFAULT_REGION, CI and
// GITHUB_STEP_SUMMARY, documented in docs/cli.md.
import { z } from 'zod';

export const DEFAULT_TASK_QUEUE = 'drs-orchestrator';
export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_NAMESPACE = 'default';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

// Read by common/temporal-connection.ts through @temporalio/envconfig (the Temporal CLI's names);
// declared here for validation, the reference and docker-compose.yml.
export const temporalEnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default(DEFAULT_TEMPORAL_ADDRESS).describe('Temporal frontend host:port'),
  TEMPORAL_NAMESPACE: z.string().default(DEFAULT_NAMESPACE).describe('Temporal namespace'),
  TEMPORAL_TASK_QUEUE: z.string().default(DEFAULT_TASK_QUEUE).describe('task queue the worker polls'),
  TEMPORAL_API_KEY: optionalString.describe('API key (Temporal Cloud); implies TLS'),
  TEMPORAL_TLS: z
    .enum(['', 'true', 'false', '1', '0'])
    .optional()
    .describe(
      '`true`/`1`: TLS; `false`/`0`: no TLS even with an API key or TLS files; unset: TLS when either is given',
    ),
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalString.describe('path to the mTLS client certificate (PEM)'),
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalString.describe('path to the mTLS client key (PEM)'),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalString.describe(
    'path to a CA bundle for the server certificate (PEM)',
  ),
  TEMPORAL_TLS_CLIENT_CERT_DATA: optionalString.describe(
    'the mTLS client certificate itself (PEM), instead of a path',
  ),
  TEMPORAL_TLS_CLIENT_KEY_DATA: optionalString.describe(
    'the mTLS client key itself (PEM), instead of a path; never logged',
  ),
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: optionalString.describe('the CA bundle itself (PEM), instead of a path'),
  TEMPORAL_TLS_SERVER_NAME: optionalString.describe('server name to verify (SNI override); implies TLS'),
  TEMPORAL_TLS_CERT: optionalString.describe(
    'former name of TEMPORAL_TLS_CLIENT_CERT_PATH (wins when both are set)',
  ),
  TEMPORAL_TLS_KEY: optionalString.describe(
    'former name of TEMPORAL_TLS_CLIENT_KEY_PATH (wins when both are set)',
  ),
  TEMPORAL_TLS_CA: optionalString.describe(
    'former name of TEMPORAL_TLS_SERVER_CA_CERT_PATH (wins when both are set)',
  ),
  TEMPORAL_CONFIG_FILE: optionalString.describe(
    "the Temporal CLI's TOML profile file; unset: `~/.config/temporalio/temporal.toml` if it exists",
  ),
  TEMPORAL_PROFILE: optionalString.describe(
    'profile of that file to use (variables override its values); unset: `default`',
  ),
});

/** An http(s) URL, e.g. a VPC interface or FIPS endpoint. */
const endpointUrl = optionalString.pipe(
  z
    .string()
    .refine(isHttpUrl, 'expected an http(s) URL, e.g. https://drs-fips.us-east-1.amazonaws.com')
    .optional(),
);

export const awsEnvSchema = z.object({
  AWS_REGION: z.string().default('us-east-1').describe('default AWS region when the input names none'),
  DRS_ENDPOINT: endpointUrl.describe(
    "DRS endpoint override: a VPC interface or FIPS endpoint, or the emulator's address (with DRS_EMULATOR); unset = the region's public endpoint",
  ),
  STS_ENDPOINT: endpointUrl.describe(
    'STS endpoint override for assuming roles in other accounts (a VPC interface or FIPS endpoint); unset = STS in AWS_REGION, or DRS_ENDPOINT with DRS_EMULATOR',
  ),
  EC2_ENDPOINT: endpointUrl.describe(
    "EC2 endpoint override for boot evidence (DescribeInstanceStatus, GetConsoleOutput): a VPC interface or FIPS endpoint; unset = the region's public endpoint, or DRS_ENDPOINT with DRS_EMULATOR",
  ),
  SSM_ENDPOINT: endpointUrl.describe(
    "SSM endpoint override for the SSM agent's registration and in-guest checks: a VPC interface endpoint; unset = the region's public endpoint, or DRS_ENDPOINT with DRS_EMULATOR",
  ),
  CLOUDFORMATION_ENDPOINT: endpointUrl.describe(
    "CloudFormation endpoint override for deleting a drill plan's recovered network stacks: a VPC interface endpoint; unset = the region's public endpoint, or DRS_ENDPOINT with DRS_EMULATOR",
  ),
  DRS_EMULATOR: z
    .enum(['', 'true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe(
      '`true`: DRS_ENDPOINT is the emulator; calls are signed with its built-in keys and AWS credentials are not read. Never inferred from an endpoint',
    ),
});

// Hosts of AWS's own endpoints (public, FIPS, dual-stack, China, VPC interface): never the emulator.
const AWS_ENDPOINT_HOST = /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/i;

function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
}

/**
 * The endpoint settings that only make sense together: the emulator needs its address, and an
 * address of AWS itself is never the emulator (DRS_EMULATOR left on from a local run: every call
 * would be signed with the emulator's keys).
 */
export function checkAwsEndpoints(env: z.infer<typeof awsEnvSchema>, ctx: z.RefinementCtx): void {
  if (!env.DRS_EMULATOR) return;
  if (!env.DRS_ENDPOINT) {
    ctx.addIssue({
      code: 'custom',
      path: ['DRS_EMULATOR'],
      message: "needs DRS_ENDPOINT, the emulator's address",
    });
  }
  for (const name of [
    'DRS_ENDPOINT',
    'STS_ENDPOINT',
    'EC2_ENDPOINT',
    'SSM_ENDPOINT',
    'CLOUDFORMATION_ENDPOINT',
  ] as const) {
    const url = env[name];
    const host = url && URL.canParse(url) ? new URL(url).hostname : '';
    if (AWS_ENDPOINT_HOST.test(host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['DRS_EMULATOR'],
        message: `${name} ${host} is an AWS endpoint, not the emulator`,
      });
    }
  }
}

// DRS's job quotas per account and region, which every run of the namespace shares through the
// capacity queue; set them to the account's values in Service Quotas when they were raised.
export const drsQuotaEnvSchema = z.object({
  DRS_MAX_CONCURRENT_JOBS: z.coerce
    .number()
    .int()
    .min(1)
    .default(20)
    .describe('DRS jobs in progress at once per account and region (DRS default quota 20)'),
  DRS_MAX_SERVERS_IN_ACTIVE_JOBS: z.coerce
    .number()
    .int()
    .min(100)
    .default(500)
    .describe(
      'source servers across all active DRS jobs per account and region (DRS default quota 500; at least one full job of 100)',
    ),
});

// In-guest checks run commands as root on a copy of production data: the worker, not the workflow
// input, decides whether they run at all and which SSM documents they may use.
export const guestCheckEnvSchema = z.object({
  DRS_SSM_CHECKS: z
    .enum(['enabled', 'disabled'])
    .default('disabled')
    .describe(
      '`enabled`: drills and failovers may run in-guest checks (SSM Run Command, as root, on their own drill or recovery instances only); otherwise an input with `checks` is refused before any DRS call',
    ),
  DRS_SSM_DOCUMENTS: z
    .string()
    .default('AWS-RunShellScript,AWS-RunPowerShellScript')
    .refine(
      (v) => v.split(',').every((d) => /^[A-Za-z0-9_\-.:/]{3,128}$/.test(d.trim())),
      'expected a comma-separated list of SSM document names',
    )
    .describe('the SSM documents in-guest checks may name, comma-separated'),
});

/** The worker's rule for in-guest checks (DRS_SSM_CHECKS, DRS_SSM_DOCUMENTS). */
export interface GuestCheckPolicy {
  enabled: boolean;
  allowedDocuments: string[];
}

export function guestCheckPolicy(env: z.infer<typeof guestCheckEnvSchema>): GuestCheckPolicy {
  return {
    enabled: env.DRS_SSM_CHECKS === 'enabled',
    allowedDocuments: env.DRS_SSM_DOCUMENTS.split(',').map((d) => d.trim()),
  };
}

// Read by the AWS SDK's default credential chain, never by our code; declared so that the
// configuration reference and docker-compose.yml cover them. Unset = the rest of the chain
// (shared config file, container or instance role).
export const awsCredentialEnvSchema = z.object({
  AWS_ACCESS_KEY_ID: optionalString.describe(
    'static access key id (AWS SDK credential chain); not read with DRS_EMULATOR',
  ),
  AWS_SECRET_ACCESS_KEY: optionalString.describe(
    'static secret access key (AWS SDK credential chain); never logged',
  ),
  AWS_SESSION_TOKEN: optionalString.describe(
    'session token for temporary credentials (AWS SDK credential chain); never logged',
  ),
  AWS_PROFILE: optionalString.describe('named profile from ~/.aws/config (AWS SDK credential chain)'),
});

// Servers in other (staging) accounts: the worker assumes a role there (STS AssumeRole).
export const awsAccountRolesEnvSchema = z.object({
  DRS_ACCOUNT_ROLE_NAME: optionalString.describe(
    'role name the worker assumes in another account, arn:aws:iam::ACCOUNT:role/NAME, when an input names accountId (through STS_ENDPOINT when set)',
  ),
  DRS_ACCOUNT_ROLE_ARNS: optionalString
    .pipe(
      z
        .string()
        .regex(
          /^\d{12}=arn:aws[\w-]*:iam::\d{12}:role\/[\w+=.@/-]+(,\d{12}=arn:aws[\w-]*:iam::\d{12}:role\/[\w+=.@/-]+)*$/,
          'expected accountId=roleArn[,accountId=roleArn…]',
        )
        .optional(),
    )
    .describe('per-account role ARNs, accountId=roleArn[,…]; take precedence over DRS_ACCOUNT_ROLE_NAME'),
});

// Webhook receivers for run events (activities/notifications.ts). Secrets: kept in the worker's
// configuration only, never in workflow input, history, reports or logs (the startup log says "set").
/** A webhook URL: http(s), with no user:password in it (fetch refuses those, printing the URL). */
const webhookUrl = endpointUrl.refine(
  (v) => v === undefined || (new URL(v).username === '' && new URL(v).password === ''),
  "must not carry credentials (user:token@): use a URL whose secret is its path, e.g. Slack's",
);

export const notifyEnvSchema = z.object({
  NOTIFY_WEBHOOK_URL: webhookUrl.describe(
    'generic JSON webhook: POSTed an event when a run ends, waits for approval, readiness is AT_RISK/NOT_READY, or a drill is stale; never logged',
  ),
  NOTIFY_SLACK_WEBHOOK_URL: webhookUrl.describe(
    'Slack incoming webhook (or compatible): the same events as { text, blocks }; never logged',
  ),
});

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected host:port, e.g. 0.0.0.0:9464');
const wholeNumber = (min: number) => z.coerce.number().int().min(min);

export const workerEnvSchema = z.object({
  WORKER_METRICS_ADDRESS: hostPort
    .default('127.0.0.1:9464')
    .describe('host:port of the Prometheus /metrics endpoint (Temporal runtime and product metrics)'),
  WORKER_HEALTH_ADDRESS: hostPort
    .default('127.0.0.1:8080')
    .describe('host:port of the health endpoint (GET /healthz: 200 while polling, 503 otherwise)'),
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error'])
    .default('info')
    .describe('minimum level of the JSON logs on stdout'),
  WORKER_SHUTDOWN_GRACE_SECONDS: wholeNumber(0)
    .default(20)
    .describe(
      'on SIGTERM/SIGINT: seconds in-flight activities may run on before they are cancelled and handed back',
    ),
  WORKER_SHUTDOWN_FORCE_SECONDS: wholeNumber(1)
    .default(30)
    .describe('on SIGTERM/SIGINT: hard bound in seconds after which the process exits anyway (> grace)'),
  WORKER_MAX_CONCURRENT_ACTIVITIES: wholeNumber(1)
    .default(20)
    .describe('activity tasks executed at once (DRS calls and job waits)'),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: wholeNumber(1)
    .default(40)
    .describe('workflow tasks executed at once'),
});

/** Parses `env` against `schema`, naming every bad variable in one error. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${problems}`);
  }
  return result.data;
}
