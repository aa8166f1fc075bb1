// Reading the store: the runs it holds (by their manifests), a run by workflow id, and a server's
// last SUCCEEDED drill. drsctl reads this way with no Temporal at all; readiness reads the last drills.
import { lastDrillKey, parseRunKey, type LastDrill } from './layout';
import type { EvidenceManifest } from './manifest';
import type { EvidenceStore } from './store';

export interface StoredRun {
  folder: string;
  manifest: EvidenceManifest;
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
      // a manifest that is no JSON is found by `verify`, which reads folders, not manifests
      runs.push({
        folder: parsed.folder,
        manifest: { ...parsed, workflowType: '', outcome: 'UNREADABLE', closedAt: parsed.day } as never,
      });
    }
  }
  return runs.sort((a, b) => a.manifest.closedAt.localeCompare(b.manifest.closedAt));
}

/** The folders of `workflowId`'s runs (a manifest written or not), oldest first. */
export async function runFoldersOf(store: EvidenceStore, workflowId: string): Promise<string[]> {
  const folders = new Set<string>();
  for (const key of await store.list('')) {
    const parts = key.split('/');
    if (parts.length < 9 || decodeURIComponent(parts[6]) !== workflowId) continue;
    folders.add(`${parts.slice(0, 8).join('/')}/`);
  }
  // the date folders sort by day
  return [...folders].sort((a, b) =>
    a.split('/').slice(3, 6).join('').localeCompare(b.split('/').slice(3, 6).join('')),
  );
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
