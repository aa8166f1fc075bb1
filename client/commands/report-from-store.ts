// `drsctl report` for a run Temporal no longer has: the files the run wrote to the evidence store,
// checked against their manifest first (a changed file is named, not written out as evidence).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { verifyRun } from '../../common/evidence-store/manifest';
import { runFolders } from '../../common/evidence-store/runs';
import type { EvidenceStore } from '../../common/evidence-store/store';
import type { OperationReport } from '../../common/reports/report';
import { ExitCode, OperationFailedError } from '../errors';
import { junitReport } from '../reports/junit';
import type { ReportTargets } from '../reports';
import { outcomeExitCode } from './common';

function write(file: string, bytes: Buffer | string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

/** Writes the stored pages of `workflowId`'s latest run as asked; returns the exit code of its outcome. */
export async function reportFromStore(
  store: EvidenceStore,
  workflowId: string,
  targets: ReportTargets,
): Promise<ExitCode> {
  const folder = (await runFolders(store, workflowId)).at(-1);
  if (!folder)
    throw new OperationFailedError(
      `reading ${workflowId}: workflow not found, and no evidence in ${store.location}`,
    );
  const problems = await verifyRun(store, folder);
  if (problems.length)
    throw new OperationFailedError(
      `evidence of ${workflowId} does not match its manifest: ${problems.map((p) => `${p.file} ${p.problem}`).join(', ')}`,
    );
  const read = async (name: string) => (await store.get(`${folder}${name}`)) as Buffer;
  const json = await read('report.json');
  const report = JSON.parse(json.toString('utf8')) as OperationReport;
  console.error(
    `Temporal no longer has ${workflowId}: from the evidence store ${store.location} (${folder}, verified)`,
  );
  const outputs: [string | undefined, () => Promise<Buffer | string>][] = [
    [targets.reportHtml, () => read('report.html')],
    [typeof targets.reportMd === 'string' ? targets.reportMd : undefined, () => read('report.md')],
    [targets.reportJson, async () => json],
    [targets.reportJunit, async () => junitReport(report)],
  ];
  let wrote = false;
  for (const [file, bytes] of outputs) {
    if (!file) continue;
    write(file, await bytes());
    console.error(`report written: ${file}`);
    wrote = true;
  }
  if (!wrote) process.stdout.write(await read('report.md'));
  console.log(
    `${report.operation} ${workflowId}: ${report.outcome}${report.summary ? ` - ${report.summary}` : ''}`,
  );
  return outcomeExitCode({ workflowId, runId: folder.split('/')[7], report });
}
