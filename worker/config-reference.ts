// The configuration reference in docs/configuration.md, rendered from the schemas themselves
// (test/worker/config-reference.test.ts fails when the document and the code disagree).
// Regenerate: `node dist/worker/config-reference.js` and paste between the markers.
import type { z } from 'zod';
import {
  awsAccountRolesEnvSchema,
  awsCredentialEnvSchema,
  awsEnvSchema,
  drsQuotaEnvSchema,
  guestCheckEnvSchema,
  notifyEnvSchema,
  temporalEnvSchema,
  workerEnvSchema,
} from '../common/config';
import { evidenceEnvSchema } from '../common/evidence-store/config';
import { textOf } from '../common/reports/escape';
import { accessEnvSchema, workerConfigSchema, workflowCodeEnvSchema } from './config';
import { reconcileEnvSchema } from './reconcile-schedule';

const SECTIONS: [title: string, schema: z.ZodObject][] = [
  ['Temporal connection', temporalEnvSchema],
  ['AWS and DRS', awsEnvSchema],
  ["AWS credentials (read by the AWS SDK's default chain)", awsCredentialEnvSchema],
  ['Other AWS accounts (assumed roles)', awsAccountRolesEnvSchema],
  ['DRS job quotas (shared by every run of the namespace)', drsQuotaEnvSchema],
  ['Boot evidence: in-guest checks (SSM Run Command)', guestCheckEnvSchema],
  ['Notifications (webhooks)', notifyEnvSchema],
  ['Evidence store (every run writes its evidence; drsctl evidence reads it)', evidenceEnvSchema],
  ['Leaked drill instances (drsReconcile)', reconcileEnvSchema],
  ['Worker operations', workerEnvSchema],
  ['Workflow code and upgrades (docs/deployment.md)', workflowCodeEnvSchema],
  ['Least authority: probes, operations, approvals (docs/deployment.md)', accessEnvSchema],
];

export const REFERENCE_BEGIN = '<!-- configuration-reference:begin -->';
export const REFERENCE_END = '<!-- configuration-reference:end -->';

export function renderConfigurationReference(): string {
  const defaults = workerConfigSchema.parse({}) as Record<string, unknown>;
  const parts = [REFERENCE_BEGIN];
  for (const [title, schema] of SECTIONS) {
    parts.push('', `### ${title}`, '', '| variable | default | meaning |', '|---|---|---|');
    for (const [name, field] of Object.entries(schema.shape)) {
      const value = defaults[name];
      const shown = value === undefined ? 'unset' : `\`${textOf(value)}\``;
      parts.push(`| \`${name}\` | ${shown} | ${(field as z.ZodType).description ?? ''} |`);
    }
  }
  parts.push('', REFERENCE_END);
  return parts.join('\n');
}

if (require.main === module) console.log(renderConfigurationReference());
