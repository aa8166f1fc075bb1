// Where evidence goes, read by the worker (which writes it) and drsctl (which reads it): one URL,
// `file:///path` or `s3://bucket/prefix`, plus the S3 settings an auditor asks about (SSE-KMS key,
// Object Lock retention). Declared once here so docs/configuration.md and docker-compose.yml are
// checked against the same names as the code.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { dataDir } from '../paths';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

const evidenceUrl = optionalString.pipe(
  z
    .string()
    .refine(
      (v) => /^file:\/\/\/./.test(v) || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(v),
      'expected file:///absolute/path or s3://bucket/prefix',
    )
    .optional(),
);

export const evidenceEnvSchema = z.object({
  DRS_EVIDENCE_URL: evidenceUrl.describe(
    "where every run's evidence is written (and drsctl evidence reads): `file:///absolute/path` or `s3://bucket/prefix`; unset: `file://` the project's `.data/evidence` folder",
  ),
  DRS_EVIDENCE_ENDPOINT: optionalString
    .pipe(z.string().url('expected an http(s) URL').optional())
    .describe(
      'S3 endpoint override (a VPC interface endpoint, or a local S3-compatible server); path-style addressing',
    ),
  DRS_EVIDENCE_KMS_KEY_ID: optionalString.describe(
    "KMS key (id, alias or ARN) of the SSE-KMS encryption every evidence object gets; unset: the account's AWS managed key `aws/s3`",
  ),
  DRS_EVIDENCE_RETENTION_MODE: z
    .enum(['', 'GOVERNANCE', 'COMPLIANCE'])
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .describe(
      "Object Lock mode set on every evidence object (the bucket must have Object Lock); unset: the bucket's default retention",
    ),
  DRS_EVIDENCE_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(36500)
    .default(400)
    .describe(
      'Object Lock retention in days when DRS_EVIDENCE_RETENTION_MODE is set (a year of evidence, and a margin)',
    ),
});

type EvidenceEnv = z.infer<typeof evidenceEnvSchema>;

/** The evidence store settings, resolved (the default URL filled in). */
export interface EvidenceStoreConfig {
  url: string;
  s3Endpoint?: string;
  kmsKeyId?: string;
  retention?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; days: number };
}

/** The local stack's store: the project's data folder. */
export const defaultEvidenceUrl = (): string => pathToFileURL(path.join(dataDir(), 'evidence')).href;

export function evidenceStoreConfig(env: EvidenceEnv): EvidenceStoreConfig {
  return {
    url: env.DRS_EVIDENCE_URL ?? defaultEvidenceUrl(),
    ...(env.DRS_EVIDENCE_ENDPOINT ? { s3Endpoint: env.DRS_EVIDENCE_ENDPOINT } : {}),
    ...(env.DRS_EVIDENCE_KMS_KEY_ID ? { kmsKeyId: env.DRS_EVIDENCE_KMS_KEY_ID } : {}),
    ...(env.DRS_EVIDENCE_RETENTION_MODE
      ? { retention: { mode: env.DRS_EVIDENCE_RETENTION_MODE, days: env.DRS_EVIDENCE_RETENTION_DAYS } }
      : {}),
  };
}
