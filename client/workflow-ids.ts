// Deterministic workflow ids: the same operation on the same servers (region, account) always gets
// the same id, so a CI job that is retried while its drill is still running attaches to that
// drill instead of launching a second one on the same servers (WorkflowIdConflictPolicy
// USE_EXISTING). Once the run has closed, the id may be used again (ALLOW_DUPLICATE): the next
// drill on those servers is a new drill.
import { createHash } from 'node:crypto';

interface IdSubject {
  sourceServerIds?: string[];
  recoveryInstanceIds?: string[];
  region?: string;
  accountId?: string;
}

/** `<operation>-<region>-<12 hex of sha256(account, sorted ids)>`, e.g. `drill-us-east-1-3f2a9c1b0d4e`. */
export function defaultWorkflowId(operation: string, subject: IdSubject, extra: string[] = []): string {
  const ids = [...(subject.sourceServerIds ?? []), ...(subject.recoveryInstanceIds ?? [])].sort();
  const digest = createHash('sha256')
    .update(JSON.stringify([subject.accountId ?? '', ids, extra]))
    .digest('hex')
    .slice(0, 12);
  return [operation, subject.region, digest].filter(Boolean).join('-');
}
