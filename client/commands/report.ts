// `drsctl report <workflow-id>`: the evidence report of a run, from its record in Temporal (like
// `drsctl status`): one self-contained HTML page (--report-html) and its Markdown version. When
// Temporal no longer has the run, the pages the run stored in the evidence store.
import { Command } from 'commander';
import { gatherEvidence } from '../evidence';
import type { ReportTargets } from '../reports';
import { markdownEvidence } from '../../common/reports/markdown';
import { OperationFailedError } from '../errors';
import { outcomeExitCode, reportResult, withClient } from './common';
import { configuredEvidenceStore } from './evidence';
import { reportFromStore } from './report-from-store';

export function reportCommand(): Command {
  return new Command('report')
    .description(
      "the evidence report of a run (waits until it closes): what ran, who started and approved it, the outcome, each server's timeline, RTO/RPO against the targets, jobs and cleanup; Markdown on stdout unless a file is named",
    )
    .argument('<workflow-id>')
    .option('--report-html <file>', 'write the evidence report as one self-contained HTML page')
    .option('--report-md [file]', 'write it as Markdown (also appended to $GITHUB_STEP_SUMMARY when set)')
    .option('--report-json <file>', "write the run's report as JSON")
    .option('--report-junit <file>', 'write the report as JUnit XML')
    .option(
      '--evidence-url <url>',
      'the evidence store read when Temporal no longer has the run (DRS_EVIDENCE_URL)',
    )
    .action(async (workflowId: string, _opts, cmd: Command) => {
      const flags = cmd.opts<ReportTargets & { evidenceUrl?: string }>();
      process.exitCode = await withClient(cmd, async (client) => {
        let result;
        try {
          result = await client.reportOf(workflowId);
        } catch (err) {
          // past the namespace's retention (or deleted): the store has what the run left
          if (!(err instanceof OperationFailedError && /workflow not found/.test(err.message))) throw err;
          return reportFromStore(configuredEvidenceStore(flags.evidenceUrl), workflowId, flags);
        }
        const evidence = await gatherEvidence(client, result);
        if (flags.reportHtml || flags.reportMd || flags.reportJson || flags.reportJunit)
          return reportResult(result, flags, evidence);
        process.stdout.write(markdownEvidence(evidence));
        return outcomeExitCode(result);
      });
    });
}
