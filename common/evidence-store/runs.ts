// Reading the store: the runs it holds (by their manifests), a run by workflow id, and a server's
// last SUCCEEDED drill. drsctl reads this way with no Temporal at all; readiness reads the last drills.
import { lastDrillKey, parseRunKey, type LastDrill } from './layout';
import { MANIFEST_FORMAT, type EvidenceManifest } from './manifest';
import type { EvidenceStore } from './store';

export interface StoredRun {
  folder: string;
  manifest: EvidenceManifest;
}

/** What a manifest that is no JSON lists as: what its key says. */
function unreadable(key: NonNullable<ReturnType<typeof parseRunKey>>): EvidenceManifest {
  return {
    format: MANIFEST_FORMAT,
    workflowId: key.workflowId,
    runId: key.runId,
    workflowType: '',
    operation: key.operation,
    outcome: 'UNREADABLE',
    account: key.account,
    region: key.region,
    closedAt: key.day,
    sourceServerIds: [],
    notes: ['manifest.json is not JSON'],
    files: [],
  };
}

/** Every run whose manifest was written, oldest first (by close time). */
export async function storedRuns(
  store: EvidenceStore,
  keep: (run: NonNullable<ReturnType<typeof parseRunKey>>) => boolean = () => true,
): Promise<StoredRun[]> {
  const runs: StoredRun[] = [];
  for (const key of await store.list('')) {
    const parsed = parseRunKey(key);
    if (!parsed || !keep(parsed)) continue;
    const raw = await store.get(key);
    if (!raw) continue;
    try {
      runs.push({ folder: parsed.folder, manifest: JSON.parse(raw.toString('utf8')) as EvidenceManifest });
    } catch {
      // listed as UNREADABLE; `verify` names the manifest as changed
      runs.push({ folder: parsed.folder, manifest: unreadable(parsed) });
    }
  }
  return runs.sort((a, b) => a.manifest.closedAt.localeCompare(b.manifest.closedAt));
}

/** The run folders (a manifest written or not) of `workflowId`, or of every run; oldest day first. */
export async function runFolders(store: EvidenceStore, workflowId?: string): Promise<string[]> {
  const folders = new Set<string>();
  for (const key of await store.list('')) {
    const parts = key.split('/');
    if (parts.length < 9) continue; // the last-drill notes
    if (workflowId !== undefined && decodeURIComponent(parts[6]) !== workflowId) continue;
    folders.add(`${parts.slice(0, 8).join('/')}/`);
  }
  const day = (folder: string) => folder.split('/').slice(3, 6).join('');
  return [...folders].sort((a, b) => day(a).localeCompare(day(b)));
}

export async function lastSucceededDrill(
  store: EvidenceStore,
  account: string,
  region: string,
  sourceServerId: string,
): Promise<LastDrill | undefined> {
  const raw = await store.get(lastDrillKey(account, region, sourceServerId));
  return raw ? (JSON.parse(raw.toString('utf8')) as LastDrill) : undefined;
}
