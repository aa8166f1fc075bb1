// drsExtend: onboards servers of staging accounts into the recovery account as extended source
// servers, so the recovery account can launch them. It lists the staging accounts and what each
// offers to extend, decides (common/extend.ts) what the input names, refuses bad input as a whole
// before any change, and, only with `confirm`, extends the rest 100 at a time. Without `confirm` it
// is a dry run: the same listing and decision, nothing created. A rerun is safe: servers already
// extended are SKIPPED, and each batch first looks for extensions an earlier attempt made.
import { setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  accountsToRead,
  decideExtension,
  parseExtendInput,
  type ExtendedServerReport,
  type ExtendInput,
  type ExtendProgress,
  type ExtendReport,
  type ExtensionCandidates,
} from '../common/extend';
import { DrsOperation } from '../common/search-attributes';
import { refuseInvalidInput } from './end-evidence';
import { recordEvidence } from './evidence';
import { extendProgressQuery } from './messages';
import { notify } from './notifications';
import { drsActivities, errorMessage, targetOf, validated } from './operation-support';
import { markOutcome, PhaseClock } from './operation-record';

/** CreateExtendedSourceServer calls per activity: a failed attempt retries at most this many lookups. */
const BATCH = 100;

export async function drsExtend(input: ExtendInput): Promise<ExtendReport> {
  const phases = new PhaseClock<ExtendProgress['phase']>('listing');
  const done: { report?: ExtendReport } = {};
  setHandler(extendProgressQuery, () => ({ operation: 'extend', phase: phases.phase, ...done }));
  const startedAt = new Date().toISOString();
  const spec = await validated('extend', parseExtendInput, input);
  upsertSearchAttributes([{ key: DrsOperation, value: 'extend' }]);

  // ListStagingAccounts first: which accounts to read depends on it when none are named
  const listed = await drsActivities.readExtensionCandidates({ ...targetOf(spec), accounts: [] });
  const accounts = accountsToRead(spec, listed.stagingAccounts);
  const found: ExtensionCandidates = accounts.length
    ? await drsActivities.readExtensionCandidates({ ...targetOf(spec), accounts })
    : listed;
  const decision = decideExtension(spec, found);
  if (decision.refused.length > 0) {
    const problems = decision.refused.map((r) => `${r.field}: ${r.message}`);
    const message = `drsExtend input refused, nothing extended: ${problems.join('; ')}`;
    return refuseInvalidInput('extend', spec, message, problems);
  }

  const errors: string[] = [];
  const toExtend = decision.servers.filter((s) => s.result === 'EXTENDED');
  if (spec.confirm && toExtend.length > 0) {
    phases.enter('extending');
    for (let i = 0; i < toExtend.length; i += BATCH)
      await extendBatch(spec, toExtend.slice(i, i + BATCH), errors);
  }
  phases.enter('done', false);

  const failed = decision.servers.filter((s) => s.result === 'FAILED').length;
  const outcome = failed === 0 ? 'SUCCEEDED' : failed === toExtend.length ? 'FAILED' : 'PARTIAL';
  const report: ExtendReport = {
    operation: 'extend',
    workflowId: workflowInfo().workflowId,
    outcome,
    ...targetOf(spec),
    dryRun: !spec.confirm,
    stagingAccounts: accounts.map((accountId) => ({
      accountId,
      extensible: found.extensible.filter((e) => e.stagingAccountId === accountId).length,
      extended: found.extended.filter((e) => e.stagingAccountId === accountId).length,
    })),
    servers: decision.servers,
    summary: summarize(spec.confirm, decision.servers, errors),
    errors,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
  done.report = report;
  markOutcome(outcome);
  if (spec.confirm && (toExtend.length > 0 || outcome !== 'SUCCEEDED'))
    await notify({ kind: 'run-ended', title: `extend ${outcome}`, outcome, summary: report.summary });
  await recordEvidence(report, 'COMPLETED');
  return report;
}

/** Extends one batch; each server's row gets its new extended server, or DRS's refusal. */
async function extendBatch(
  spec: Parameters<typeof targetOf>[0],
  rows: ExtendedServerReport[],
  errors: string[],
): Promise<void> {
  try {
    const results = await drsActivities.extendSourceServers({
      ...targetOf(spec),
      sourceServerArns: rows.map((r) => r.stagingSourceServerArn),
    });
    for (const row of rows) {
      const r = results.find((x) => x.arn === row.stagingSourceServerArn);
      if (r?.extendedSourceServerId) row.extendedSourceServerId = r.extendedSourceServerId;
      else {
        row.result = 'FAILED';
        row.errors.push(r?.error ?? 'no answer from CreateExtendedSourceServer');
      }
    }
  } catch (err) {
    const message = errorMessage(err);
    errors.push(`extending ${rows.length} server(s) failed: ${message}`);
    for (const row of rows) {
      row.result = 'FAILED';
      row.errors.push(message);
    }
  }
}

function summarize(confirm: boolean, servers: ExtendedServerReport[], errors: string[]): string {
  const count = (r: ExtendedServerReport['result']) => servers.filter((s) => s.result === r).length;
  const parts = confirm
    ? [`${count('EXTENDED')} extended`, `${count('SKIPPED')} already extended`, `${count('FAILED')} failed`]
    : [`dry run: ${count('WOULD_EXTEND')} would be extended`, `${count('SKIPPED')} already extended`];
  const first = servers.find((s) => s.errors.length > 0);
  if (first) parts.push(`${first.stagingSourceServerArn}: ${first.errors[0]}`);
  else if (errors.length > 0) parts.push(errors[0]);
  return parts.join('; ');
}
