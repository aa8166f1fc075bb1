// Gathers what the evidence report shows beside the run's report, from Temporal: the run's
// description and static summary, who started it (the details drsctl and schedules write, else the
// start request's identity), its input (the start event), for a plan each child's report, and the
// trend of the last closed runs of the same schedule or workflow id.
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, fromPayloadsAtIndex } from '@temporalio/common';
import type { PlanWaveSummary } from '../common/types-plan';
import type { DrsOperationsClient, RunResult } from './lib';
import type { Evidence, RunDetails } from '../common/reports/html';
import type { OperationReport } from '../common/reports/report';
import { median, type TrendPoint } from '../common/reports/trend';

/** Runs the trend goes back over. */
const TREND_RUNS = 10;

/** `**Started by:** drsctl as ci@runner` in the run's static details (client/run-summaries.ts). */
function startedByFrom(details: string | undefined): string | undefined {
  return details?.match(/\*\*Started by:\*\* (.+?)\s*$/m)?.[1];
}

async function runDetails(
  client: DrsOperationsClient,
  workflowId: string,
  runId: string,
): Promise<RunDetails> {
  const description = await client.describe(workflowId);
  const [summary, details] = await Promise.all([description.staticSummary(), description.staticDetails()]);
  const { client: temporal } = client;
  const history = await temporal.workflowService.getWorkflowExecutionHistory({
    namespace: temporal.options.namespace,
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const started = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  const converter = temporal.options.loadedDataConverter.payloadConverter;
  const scheduledBy = description.searchAttributes?.TemporalScheduledById?.[0];
  return {
    ...(typeof scheduledBy === 'string' ? { scheduleId: scheduledBy } : {}),
    workflowType: description.type,
    runId,
    status: description.status.name,
    startedBy: startedByFrom(details) ?? (started?.identity || undefined),
    ...(summary ? { summary } : {}),
    input: started?.input?.payloads ? fromPayloadsAtIndex(converter, 0, started.input.payloads) : undefined,
    startTime: description.startTime.toISOString(),
    ...(description.closeTime ? { closeTime: description.closeTime.toISOString() } : {}),
  };
}

/** A closed child's report: its result, or the report a refused child carries in its failure. */
async function childReport(
  client: DrsOperationsClient,
  workflowId: string,
): Promise<OperationReport | undefined> {
  try {
    return (await client.client.workflow.getHandle(workflowId).result()) as OperationReport;
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    const details = cause instanceof ApplicationFailure ? cause.details?.[0] : undefined;
    return (details as OperationReport | undefined)?.servers ? (details as OperationReport) : undefined;
  }
}

/**
 * The last closed runs of the same schedule (a scheduled run) or of the same workflow id (drsctl's
 * ids name the operation and its servers), oldest first, with each run's median time to launch.
 * Undefined when this is the only one.
 */
async function trendOf(
  client: DrsOperationsClient,
  workflowId: string,
  run: RunDetails,
): Promise<TrendPoint[] | undefined> {
  const escaped = (v: string) => v.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const which = run.scheduleId
    ? `TemporalScheduledById = '${escaped(run.scheduleId)}'`
    : `WorkflowId = '${escaped(workflowId)}'`;
  const points: TrendPoint[] = [];
  const listing = client.client.workflow.list({
    query: `${which} AND ExecutionStatus != 'Running'`,
    pageSize: TREND_RUNS,
  });
  for await (const closed of listing) {
    const report = await client.client.workflow
      .getHandle(closed.workflowId, closed.runId)
      .result()
      .then(
        (r) => r as OperationReport,
        () => undefined,
      );
    if (!report?.servers) continue;
    const times = report.servers.flatMap((s) =>
      typeof s.timeToLaunchSeconds === 'number' ? [s.timeToLaunchSeconds] : [],
    );
    points.push({
      workflowId: closed.workflowId,
      runId: closed.runId,
      closedAt: (closed.closeTime ?? closed.startTime).toISOString(),
      outcome: report.outcome,
      medianTimeToLaunchSeconds: median(times),
      ...(typeof report.targetsMet === 'boolean' ? { targetsMet: report.targetsMet } : {}),
    });
    if (points.length >= TREND_RUNS) break;
  }
  return points.length > 1 ? points.reverse() : undefined;
}

export async function gatherEvidence(client: DrsOperationsClient, result: RunResult): Promise<Evidence> {
  const { report } = result;
  const run = await runDetails(client, result.workflowId, result.runId);
  const children: Record<string, OperationReport> = {};
  if (report.operation === 'plan') {
    // one after the other: a plan has at most 500 children, and they are all closed by now
    for (const wave of (report.waves ?? []) as PlanWaveSummary[])
      for (const child of wave.children) {
        const found = await childReport(client, child.workflowId);
        if (found) children[child.workflowId] = found;
      }
  }
  const trend = await trendOf(client, result.workflowId, run);
  return {
    report,
    run,
    ...(Object.keys(children).length ? { children } : {}),
    ...(trend ? { trend } : {}),
    generatedAt: new Date().toISOString(),
  };
}
