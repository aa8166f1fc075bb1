// Writes the reports asked for on the command line. `--report-md [file]` also appends to the GitHub
// Actions job summary when $GITHUB_STEP_SUMMARY is set (so `--report-md` alone is enough there).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { htmlReport, type Evidence } from '../../common/reports/html';
import { junitReport } from './junit';
import { markdownEvidence, markdownReport } from '../../common/reports/markdown';
import type { OperationReport } from '../../common/reports/report';

export interface ReportTargets {
  reportJson?: string;
  reportJunit?: string;
  /** A file, or `true` for the job summary only. */
  reportMd?: string | true;
  /** The evidence report: one self-contained HTML page. */
  reportHtml?: string;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Writes every requested report; returns the paths written (for the log). With `evidence` (what
 * Temporal knows of the run, client/evidence.ts) the Markdown is the evidence report's.
 */
export function writeReports(
  report: OperationReport,
  targets: ReportTargets,
  env: NodeJS.ProcessEnv = process.env,
  evidence?: Evidence,
): string[] {
  const written: string[] = [];
  if (targets.reportJson) {
    write(targets.reportJson, `${JSON.stringify(report, null, 2)}\n`);
    written.push(targets.reportJson);
  }
  if (targets.reportJunit) {
    write(targets.reportJunit, junitReport(report));
    written.push(targets.reportJunit);
  }
  if (targets.reportHtml) {
    write(targets.reportHtml, htmlReport(evidence ?? { report, generatedAt: new Date().toISOString() }));
    written.push(targets.reportHtml);
  }
  if (targets.reportMd) {
    const md = evidence ? markdownEvidence(evidence) : markdownReport(report);
    const summaryFile = env.GITHUB_STEP_SUMMARY;
    if (typeof targets.reportMd === 'string') {
      write(targets.reportMd, md);
      written.push(targets.reportMd);
    }
    if (summaryFile) {
      appendFileSync(summaryFile, md);
      written.push(summaryFile);
    }
  }
  return written;
}

export type { Evidence } from '../../common/reports/html';
