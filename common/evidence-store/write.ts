// Writes one run's evidence: report.json, report.html and report.md (the renderers drsctl uses),
// the DRS job logs the run read, and manifest.json last, with each file's SHA-256. A folder
// without its manifest is an unfinished write: readers skip it, and a retry writes it again.
import { htmlReport, type RunDetails } from '../reports/html';
import { markdownEvidence } from '../reports/markdown';
import { median } from '../reports/trend';
import type { OperationReport } from '../reports/report';
import { lastDrillKey, MANIFEST, OWN_ACCOUNT, runFolder, type LastDrill } from './layout';
import { MANIFEST_FORMAT, sha256, type EvidenceManifest, type ManifestFile } from './manifest';
import { lastSucceededDrill } from './runs';
import { scrubText, scrubValue } from './scrub';
import type { EvidenceStore } from './store';

export interface RunEvidence {
  report: OperationReport;
  run: RunDetails & { workflowId: string; parentWorkflowId?: string };
  /** DRS job log items by job id, as DescribeJobLogItems returned them. */
  jobLogs: Record<string, unknown[]>;
  notes: string[];
}

interface StoredEvidence {
  folder: string;
  manifestSha256: string;
}

const numbers = (report: OperationReport, field: string) =>
  report.servers.flatMap((s) => (typeof s[field] === 'number' ? [s[field]] : []));

/** The strictest target of `kind` any server was held to. */
function strictestTarget(report: OperationReport, kind: 'rto' | 'rpo'): number | undefined {
  const targets = report.servers.flatMap((s) => {
    const t = (s.targets as Record<string, { targetSeconds?: number }> | undefined)?.[kind]?.targetSeconds;
    return typeof t === 'number' ? [t] : [];
  });
  return targets.length ? Math.min(...targets) : undefined;
}

/**
 * Writes `evidence` under its run folder, scrubbed of `secrets` (the worker's webhook URLs and
 * anything shaped like a credential), and for a SUCCEEDED drill notes it as each server's last.
 */
export async function writeEvidence(
  store: EvidenceStore,
  evidence: RunEvidence,
  secrets: readonly string[] = [],
): Promise<StoredEvidence> {
  const report = scrubValue(evidence.report, secrets);
  const run = scrubValue(evidence.run, secrets);
  const account = typeof report.accountId === 'string' ? report.accountId : OWN_ACCOUNT;
  const region = typeof report.region === 'string' ? report.region : 'unknown-region';
  const closedAt = report.finishedAt ?? run.closeTime ?? new Date().toISOString();
  const folder = runFolder({
    account,
    region,
    operation: report.operation,
    closedAt,
    workflowId: run.workflowId,
    runId: run.runId,
  });
  // the page's "generated" time is the run's end, so a retried write makes the same bytes
  const page = { report, run, generatedAt: closedAt };
  const files: [name: string, body: string, type: string][] = [
    ['report.json', `${JSON.stringify(report, null, 2)}\n`, 'application/json'],
    ['report.html', htmlReport(page), 'text/html; charset=utf-8'],
    ['report.md', markdownEvidence(page), 'text/markdown; charset=utf-8'],
    ...Object.entries(evidence.jobLogs).map(([jobId, items]): [string, string, string] => [
      `job-logs/${encodeURIComponent(jobId)}.json`,
      scrubText(`${JSON.stringify(items, null, 2)}\n`, secrets),
      'application/json',
    ]),
  ];
  const listed: ManifestFile[] = [];
  for (const [name, body, type] of files) {
    await store.put(`${folder}${name}`, body, type);
    listed.push({ name, sha256: sha256(body), bytes: Buffer.byteLength(body) });
  }
  const rto = strictestTarget(report, 'rto');
  const rpo = strictestTarget(report, 'rpo');
  const medianRto = median(numbers(report, 'timeToLaunchSeconds'));
  const medianRpo = median(numbers(report, 'dataAgeSeconds'));
  const manifest: EvidenceManifest = {
    format: MANIFEST_FORMAT,
    workflowId: run.workflowId,
    runId: run.runId,
    workflowType: run.workflowType,
    operation: report.operation,
    outcome: report.outcome,
    account,
    region,
    ...(report.startedAt ? { startedAt: report.startedAt } : {}),
    closedAt,
    ...(run.scheduleId ? { scheduleId: run.scheduleId } : {}),
    ...(run.parentWorkflowId ? { parentWorkflowId: run.parentWorkflowId } : {}),
    sourceServerIds: report.servers.map((s) => s.sourceServerId),
    ...(typeof report.targetsMet === 'boolean' ? { targetsMet: report.targetsMet } : {}),
    ...(medianRto === undefined ? {} : { medianTimeToLaunchSeconds: medianRto }),
    ...(medianRpo === undefined ? {} : { medianDataAgeSeconds: medianRpo }),
    ...(rto === undefined ? {} : { rtoTargetSeconds: rto }),
    ...(rpo === undefined ? {} : { rpoTargetSeconds: rpo }),
    notes: evidence.notes.map((n) => scrubText(n, secrets)),
    files: listed,
  };
  const body = `${JSON.stringify(manifest, null, 2)}\n`;
  await store.put(`${folder}${MANIFEST}`, body, 'application/json');
  if (report.operation === 'drill' && report.outcome === 'SUCCEEDED') {
    const last: LastDrill = { workflowId: run.workflowId, runId: run.runId, closedAt, folder };
    for (const id of manifest.sourceServerIds) {
      // a retried or late write of an older drill must not hide a newer one
      const noted = await lastSucceededDrill(store, account, region, id);
      if (!noted || noted.closedAt <= closedAt)
        await store.put(lastDrillKey(account, region, id), `${JSON.stringify(last)}\n`, 'application/json');
    }
  }
  return { folder, manifestSha256: sha256(body) };
}
