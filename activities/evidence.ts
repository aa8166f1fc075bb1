// The run's last activity: its evidence into the store (common/evidence-store). It reads the DRS
// job logs of the jobs the report names (DRS keeps them; the history does not), asks Temporal who
// started the run (the details drsctl and schedules write), and writes. A store that fails makes
// the attempt fail (retryable): the workflow bounds the retries and reports "not stored".
import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure, fromPayloadsAtIndex } from '@temporalio/common';
import { inflateSync, strFromU8 } from 'fflate';
import type { RunDetails } from '../common/reports/html';
import type { OperationReport } from '../common/reports/report';
import type { EvidenceStore } from '../common/evidence-store/store';
import { writeEvidence } from '../common/evidence-store/write';
import type { AwsClientFactory } from './drs-client';
import { jobLogItems } from './drs-reads';

export interface StoreEvidenceInput {
  /** What the report is of, for the activity's summary. */
  operation: string;
  outcome: string;
  /**
   * The report, in the input of runs scheduled before the report travelled deflated (the second
   * argument): a big plan's history then held its report twice, here and as the result.
   */
  report?: OperationReport;
  run: {
    workflowId: string;
    runId: string;
    workflowType: string;
    /** COMPLETED, FAILED for a run refused with its report (preflight), CANCELLED after cleanup. */
    status: string;
    startTime: string;
    scheduleId?: string;
    parentWorkflowId?: string;
  };
}

export interface EvidenceReceipt {
  /** The store's URL and the run's folder in it. */
  location: string;
  folder: string;
  manifestSha256: string;
}

/**
 * Fields naming a job the run created and followed (reading its log): not a server's `activeJobId`
 * (another run's job, seen by readiness) nor a failback's `recoveryJobId` (its input).
 */
const OWN_JOB_FIELDS = ['launchJobId', 'terminateJobId', 'failbackJobId', 'jobId'];

/** The ids of the jobs the run created, from its report (top level and per server). */
export function jobIdsOf(report: OperationReport): string[] {
  const ids = new Set<string>();
  const collect = (row: Record<string, unknown>) => {
    for (const field of OWN_JOB_FIELDS) {
      const value = row[field];
      if (typeof value === 'string' && value.startsWith('drsjob-')) ids.add(value);
    }
  };
  collect(report);
  for (const server of report.servers ?? []) collect(server);
  return [...ids];
}

function reportFrom(deflated: Uint8Array | undefined): OperationReport {
  if (!deflated) throw ApplicationFailure.nonRetryable('storeEvidence: no report', 'EvidenceStoreFailed');
  return JSON.parse(strFromU8(inflateSync(deflated))) as OperationReport;
}

/** `**Started by:** drsctl as ci@runner` in the run's static details (client/run-summaries.ts). */
const startedByFrom = (details: string | undefined) => details?.match(/\*\*Started by:\*\* (.+?)\s*$/m)?.[1];

export function createEvidenceActivities(
  store: EvidenceStore,
  clients: AwsClientFactory,
  /** Values that must never be stored (the worker's webhook URLs). */
  secrets: readonly string[] = [],
) {
  async function storeEvidence(
    input: StoreEvidenceInput,
    /** The report as JSON deflated by workflows/evidence.ts (binary, a tenth of its size). */
    deflatedReport?: Uint8Array,
  ): Promise<EvidenceReceipt> {
    const { run } = input;
    const report = input.report ?? reportFrom(deflatedReport);
    const notes: string[] = [];
    const jobLogs: Record<string, unknown[]> = {};
    const region = typeof report.region === 'string' ? report.region : undefined;
    const accountId = typeof report.accountId === 'string' ? report.accountId : undefined;
    for (const jobId of jobIdsOf(report)) {
      try {
        jobLogs[jobId] = await jobLogItems(clients.drsClient(region, accountId), jobId);
      } catch (err) {
        notes.push(`job log of ${jobId} not read: ${(err as Error).message}`);
      }
    }
    const details: Partial<RunDetails> = {};
    const client = asyncLocalStorage.getStore()?.client;
    if (client) {
      try {
        const description = await client.workflow.getHandle(run.workflowId, run.runId).describe();
        const [summary, staticDetails] = await Promise.all([
          description.staticSummary(),
          description.staticDetails(),
        ]);
        if (summary) details.summary = summary;
        const startedBy = startedByFrom(staticDetails);
        if (startedBy) details.startedBy = startedBy;
        // the input, from the start event (workflow code does not keep it); scrubbed when written
        const history = await client.workflowService.getWorkflowExecutionHistory({
          namespace: client.options.namespace,
          execution: { workflowId: run.workflowId, runId: run.runId },
          maximumPageSize: 1,
        });
        const payloads =
          history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
        if (payloads?.length)
          details.input = fromPayloadsAtIndex(
            client.options.loadedDataConverter.payloadConverter,
            0,
            payloads,
          );
      } catch (err) {
        notes.push(`run details not read from Temporal: ${(err as Error).message}`);
      }
    }
    // a minimal report (a run refused for bad input, or ended before its report) carries the
    // input itself, since the refusal is about it; scrubbed like the rest when written
    const written =
      report.endedWithoutReport && details.input !== undefined ? { ...report, input: details.input } : report;
    try {
      const stored = await writeEvidence(
        store,
        {
          report: written,
          run: {
            ...details,
            workflowId: run.workflowId,
            runId: run.runId,
            workflowType: run.workflowType,
            status: run.status,
            startTime: run.startTime,
            ...(report.finishedAt ? { closeTime: report.finishedAt } : {}),
            ...(run.scheduleId ? { scheduleId: run.scheduleId } : {}),
            ...(run.parentWorkflowId ? { parentWorkflowId: run.parentWorkflowId } : {}),
          },
          jobLogs,
          notes,
        },
        secrets,
      );
      return { location: store.location, ...stored };
    } catch (err) {
      // the store's message names the key or the bucket, never a credential
      throw ApplicationFailure.retryable(
        `evidence not written to ${store.location}: ${(err as Error).message}`,
        'EvidenceStoreFailed',
      );
    }
  }

  return { storeEvidence };
}
