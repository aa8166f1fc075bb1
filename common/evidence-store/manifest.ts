// The manifest: what a run's evidence folder holds, each file's SHA-256, and the run's facts that
// `drsctl evidence list` filters on and the index page draws. Its own SHA-256 goes into the run's
// result and memo, so Temporal's history and the store vouch for each other.
import { createHash } from 'node:crypto';
import type { EvidenceStore } from './store';
import { MANIFEST } from './layout';

export const MANIFEST_FORMAT = 'temporal-drs-evidence/1';

export interface ManifestFile {
  /** Relative to the run's folder. */
  name: string;
  sha256: string;
  bytes: number;
}

export interface EvidenceManifest {
  format: typeof MANIFEST_FORMAT;
  workflowId: string;
  runId: string;
  workflowType: string;
  operation: string;
  outcome: string;
  account: string;
  region: string;
  startedAt?: string;
  closedAt: string;
  /** The schedule that started the run. */
  scheduleId?: string;
  /** The plan that started it as a child. */
  parentWorkflowId?: string;
  sourceServerIds: string[];
  targetsMet?: boolean;
  /** Medians over the servers (DRS's record), and the strictest targets, for the trend charts. */
  medianTimeToLaunchSeconds?: number;
  medianDataAgeSeconds?: number;
  rtoTargetSeconds?: number;
  rpoTargetSeconds?: number;
  /** What the evidence could not include, and why (e.g. a job log DRS did not return). */
  notes: string[];
  files: ManifestFile[];
}

export const sha256 = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A file changed or missing in a run's folder, named. */
export interface VerifyProblem {
  file: string;
  problem: 'changed' | 'missing';
}

/** Recomputes every file's hash against the manifest in `folder`; a missing manifest is a problem too. */
export async function verifyRun(store: EvidenceStore, folder: string): Promise<VerifyProblem[]> {
  const raw = await store.get(`${folder}${MANIFEST}`);
  if (!raw) return [{ file: MANIFEST, problem: 'missing' }];
  let manifest: EvidenceManifest;
  try {
    manifest = JSON.parse(raw.toString('utf8')) as EvidenceManifest;
  } catch {
    return [{ file: MANIFEST, problem: 'changed' }];
  }
  const problems: VerifyProblem[] = [];
  for (const file of manifest.files ?? []) {
    const bytes = await store.get(`${folder}${file.name}`);
    if (!bytes) problems.push({ file: file.name, problem: 'missing' });
    else if (sha256(bytes) !== file.sha256) problems.push({ file: file.name, problem: 'changed' });
  }
  return problems;
}
