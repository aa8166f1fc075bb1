// Environment configuration shared by the worker and drsctl. Every variable the processes read is
// declared here (docker-compose.yml is checked against this list by test/unit/compose.test.ts).
import { z } from 'zod';

export const DEFAULT_TASK_QUEUE = 'drs-orchestrator';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

export const temporalEnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233').describe('Temporal frontend host:port'),
  TEMPORAL_NAMESPACE: z.string().default('default').describe('Temporal namespace'),
  TEMPORAL_TASK_QUEUE: z.string().default(DEFAULT_TASK_QUEUE).describe('task queue the worker polls'),
  TEMPORAL_API_KEY: optionalString.describe('API key (Temporal Cloud); implies TLS'),
  TEMPORAL_TLS_CERT: optionalString.describe('path to the mTLS client certificate (PEM)'),
  TEMPORAL_TLS_KEY: optionalString.describe('path to the mTLS client key (PEM)'),
  TEMPORAL_TLS_CA: optionalString.describe('path to a CA bundle for the server certificate (PEM)'),
});

export const awsEnvSchema = z.object({
  AWS_REGION: z.string().default('us-east-1').describe('default AWS region when the input names none'),
  DRS_ENDPOINT: optionalString.describe('DRS endpoint override (the emulator); unset = real AWS'),
});

export type TemporalEnv = z.infer<typeof temporalEnvSchema>;
export type AwsEnv = z.infer<typeof awsEnvSchema>;

/** Parses `env` against `schema`, naming every bad variable in one error. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${problems}`);
  }
  return result.data;
}
