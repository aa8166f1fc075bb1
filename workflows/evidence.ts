// The evidence a run leaves outside Temporal (activities/evidence.ts): written by the last activity
// before the run closes, in a non-cancellable scope (a cancelled drill still cleaned up, and its
// evidence says so). Writing is retried with backoff for at most EVIDENCE_BOUND: a store that stays
// down never loses the outcome nor holds the run longer; the report then says the evidence was not
// stored and a notification tells the operators. The manifest's SHA-256 goes into the report and
// the memo, so the history and the store vouch for each other.
// Behind patched(PATCHES.evidenceStore): runs recorded before it replay without the activity.
import {
  CancellationScope,
  isCancellation,
  log,
  patched,
  proxyActivities,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import type { EvidenceReceipt, StoreEvidenceInput } from '../activities/evidence';
import type { OperationReport } from '../common/reports/report';
import { deflateSync, strToU8 } from 'fflate';
import type { DrsActivities } from '../activities';
import { activitySummary } from './activity-summaries';
import { attemptTimeouts } from './activity-timeouts';
import { notify } from './notifications';
import { errorMessage } from './operation-support';
import { PATCHES, type PatchEntry } from './patches';

/** How long a store that does not answer may hold the run's close. */
const EVIDENCE_BOUND = '2 minutes';

/**
 * The store call, proxied here for its second argument: the report as deflated JSON, a binary
 * payload about a tenth of the report (a 4,000-server plan's report is 0.8 MB, and the history holds
 * it once more as the run's result).
 */
const storeEvidence = (input: StoreEvidenceInput, report: object) =>
  proxyActivities<Pick<DrsActivities, 'storeEvidence'>>({
    scheduleToCloseTimeout: EVIDENCE_BOUND,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
    ...attemptTimeouts('storeEvidence'),
    summary: activitySummary('storeEvidence', input),
  }).storeEvidence(input, deflateSync(strToU8(JSON.stringify(report))));

/** What the report says about its evidence. */
export type EvidenceRecord = ({ stored: true } & EvidenceReceipt) | { stored: false; error: string };

/** The memo key holding the manifest's SHA-256 (drsctl and the UI read it). */
const EVIDENCE_MEMO = 'evidenceManifestSha256';

/**
 * Stores `report`'s evidence and adds the record to it as `report.evidence`. `status` is how the
 * run ends: COMPLETED with its report, FAILED when it is refused with the report in the failure,
 * CANCELLED when it cleaned up after a cancellation.
 */
export async function recordEvidence(
  report: object,
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED',
  /** The patch guarding this call site: a path that stored nothing before has its own. */
  patch: PatchEntry = PATCHES.evidenceStore,
): Promise<EvidenceRecord | undefined> {
  if (!patched(patch.id)) return undefined;
  const info = workflowInfo();
  const scheduledBy = info.searchAttributes?.TemporalScheduledById?.[0];
  const { operation, outcome } = report as OperationReport;
  const input: StoreEvidenceInput = {
    operation,
    outcome,
    run: {
      workflowId: info.workflowId,
      runId: info.runId,
      workflowType: info.workflowType,
      status,
      startTime: info.startTime.toISOString(),
      ...(typeof scheduledBy === 'string' ? { scheduleId: scheduledBy } : {}),
      ...(info.parent ? { parentWorkflowId: info.parent.workflowId } : {}),
    },
  };
  const record = await CancellationScope.nonCancellable(async (): Promise<EvidenceRecord> => {
    try {
      const receipt = await storeEvidence(input, report);
      upsertMemo({ [EVIDENCE_MEMO]: receipt.manifestSha256 });
      return { stored: true, ...receipt };
    } catch (err) {
      if (isCancellation(err)) throw err;
      const error = errorMessage(err);
      log.warn(`evidence not stored: ${error}`);
      await notify({
        kind: 'evidence-not-stored',
        title: `evidence of ${operation} ${outcome} not stored`,
        outcome,
        summary: error,
      });
      return { stored: false, error };
    }
  });
  (report as { evidence?: EvidenceRecord }).evidence = record;
  return record;
}
