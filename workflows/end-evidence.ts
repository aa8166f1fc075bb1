// Evidence of a run that ends without its report: refused for bad input (before any AWS call),
// failed before it built its report, or cancelled. It stores a minimal report through the same
// non-cancellable final activity as every other run (workflows/evidence.ts): the outcome, the
// refusal or failure (every bad field named), and what the run knew so far; the activity adds the
// run's input, read from its start event, and the writer scrubs credentials and webhook URLs.
// Behind patched(PATCHES.evidenceEveryEnd): runs recorded before it replay without the activity.
//
// Where such a run is filed: a refused input's `region` and `accountId` choose the folder only when
// they pass their own rules; otherwise it goes under `unknown-region` / `unknown-account` (an input
// that names no account is the worker's own, `self`), so a bad value never picks a folder.
import { ApplicationFailure, isCancellation, workflowInfo } from '@temporalio/workflow';
import { OPERATIONS } from '../common/operations';
import { INVALID_INPUT } from '../common/failures';
import { accountIdSchema, regionSchema } from '../common/inputs';
import type { OperationReport } from '../common/reports/report';
import { recordEvidence } from './evidence';
import { notify } from './notifications';
import { PATCHES } from './patches';

const UNKNOWN_REGION = 'unknown-region';
const UNKNOWN_ACCOUNT = 'unknown-account';

/** The operations that keep evidence: all but drsReconcile, which only heals leaks. */
const KEEPS_EVIDENCE: ReadonlySet<string> = new Set(OPERATIONS.filter((o) => o !== 'reconcile'));

/** Why a report is minimal: the activity adds the run's input to such a report. */
type EndedWithoutReport = 'invalid-input' | 'failed' | 'cancelled';

/** What a run knew when it ended without its report: where it ran, its servers, its jobs. */
export interface RunSoFar {
  region?: string;
  accountId?: string;
  servers?: { sourceServerId: string }[];
  [field: string]: unknown;
}

function minimalReport(
  operation: string,
  outcome: 'FAILED' | 'ABORTED',
  endedWithoutReport: EndedWithoutReport,
  summary: string,
  errors: string[],
  soFar: RunSoFar,
): OperationReport {
  const info = workflowInfo();
  return {
    ...soFar,
    operation,
    workflowId: info.workflowId,
    outcome,
    endedWithoutReport,
    servers: soFar.servers ?? [],
    summary,
    errors,
    startedAt: info.startTime.toISOString(),
    finishedAt: new Date().toISOString(),
  };
}

/** The folder fields of an untrusted input: each only when it passes its rule. */
function whereOf(input: unknown): RunSoFar {
  const { region, accountId } = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  return {
    region: regionSchema.safeParse(region).success ? (region as string) : UNKNOWN_REGION,
    ...(accountId === undefined
      ? {}
      : {
          accountId: accountIdSchema.safeParse(accountId).success ? (accountId as string) : UNKNOWN_ACCOUNT,
        }),
  };
}

/**
 * Refuses the run for bad input: stores its evidence (the problems, each naming its field), tells
 * the webhooks, and fails non-retryably with InvalidInput (drsctl's exit code 2) as before.
 */
export async function refuseInvalidInput(
  operation: string,
  input: unknown,
  message: string,
  problems: string[],
  details: unknown[] = [{ problems }],
): Promise<never> {
  if (KEEPS_EVIDENCE.has(operation))
    await recordEvidence(
      minimalReport(operation, 'FAILED', 'invalid-input', message, problems, whereOf(input)),
      'FAILED',
      PATCHES.evidenceEveryEnd,
    );
  await notify({
    kind: 'run-ended',
    title: `${operation} refused: invalid input`,
    outcome: 'FAILED',
    summary: message,
  });
  throw ApplicationFailure.nonRetryable(message, INVALID_INPUT, ...details);
}

/** The failure type of `err` when it is an application failure (e.g. AccessDeniedException). */
function failureTypeOf(err: unknown): string | undefined {
  for (let cause: unknown = err; cause instanceof Error; cause = (cause as { cause?: unknown }).cause)
    if (cause instanceof ApplicationFailure && cause.type) return cause.type;
  return undefined;
}

/** The innermost message of `err` (an activity failure's cause says what DRS answered). */
function innermostMessage(err: unknown): string {
  let message = String((err as Error)?.message ?? err);
  for (let cause: unknown = err; cause instanceof Error; cause = (cause as { cause?: unknown }).cause)
    if (cause.message) message = cause.message;
  return message;
}

/**
 * Stores the evidence of a run that failed or was cancelled before it built its report: the
 * failure (or the cancellation) and what `soFar` knew. Input refusals stored theirs already.
 */
export async function recordEndEvidence(
  operation: string,
  err: unknown,
  soFar: RunSoFar = {},
): Promise<void> {
  if (!KEEPS_EVIDENCE.has(operation)) return;
  const type = failureTypeOf(err);
  if (type === INVALID_INPUT) return;
  const cancelled = isCancellation(err);
  const message = cancelled ? 'cancelled' : innermostMessage(err);
  const summary = cancelled
    ? `${operation} cancelled before its report`
    : `${operation} failed before its report: ${message}`;
  const report = minimalReport(
    operation,
    cancelled ? 'ABORTED' : 'FAILED',
    cancelled ? 'cancelled' : 'failed',
    summary,
    [message],
    soFar,
  );
  if (type && !cancelled) report.failureType = type;
  await recordEvidence(report, cancelled ? 'CANCELLED' : 'FAILED', PATCHES.evidenceEveryEnd);
}
