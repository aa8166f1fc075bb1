// Small pieces the workflows share: the activity proxies, input validation that fails the run (not
// the task) and notifies, an abort-aware wait, and readable error text (the record every operation
// keeps is in operation-record.ts). Deterministic workflow code.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
} from '@temporalio/workflow';
import type { NamedProbeTarget } from '../activities/health-checks';
import { INVALID_INPUT } from '../common/failures';
import { InvalidInputError, type HealthCheck } from '../common/inputs';
import type { DrsTarget } from '../common/types';
import { summarizedActivities } from './activity-summaries';
import type { AttemptOptions } from './activity-timeouts';
import { JOB_POLL_RETRY, untilDeadline } from './job-waits';
import { refuseInvalidInput } from './end-evidence';
import { PATCHES } from './patches';

/**
 * DRS calls; Temporal owns every retry (the SDK makes one attempt, activities/drs-client.ts). Each
 * attempt's start-to-close and heartbeat timeouts are the activity's own (workflows/activity-timeouts.ts).
 */
export const DRS_CALL_OPTIONS = {
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
} satisfies AttemptOptions;
export const drsActivities = summarizedActivities(DRS_CALL_OPTIONS);

/** Retry-as-poll calls: their schedule-to-close is what is left of the caller's deadline. */
export const pollingActivities = (remainingMs: number) =>
  summarizedActivities({ scheduleToCloseTimeout: remainingMs, retry: JOB_POLL_RETRY });

/**
 * Parses the input; bad input fails the run non-retryably (a plain Error would retry the task
 * forever), its evidence is stored and the webhooks hear that `operation` was refused and why
 * (every bad field named): workflows/end-evidence.ts.
 */
export async function validated<T>(
  operation: string,
  parse: (raw: unknown) => T,
  input: unknown,
): Promise<T> {
  try {
    return parse(input);
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    return refuseInvalidInput(operation, input, err.message, err.problems);
  }
}

/**
 * Refuses, before any DRS call, the hosts an input names for probes that the worker's probe rule
 * refuses (activities/probe-targets.ts: the rule is configuration, which workflow code cannot read):
 * an InvalidInput failure naming each field, heard by the webhooks like any bad input.
 */
export async function checkProbeTargets(
  operation: string,
  workflowType: string,
  targets: NamedProbeTarget[],
  /** Where the run is (its evidence's folder). */
  where: DrsTarget,
): Promise<void> {
  if (targets.length === 0 || !patched(PATCHES.probeTargets.id)) return;
  try {
    await drsActivities.checkProbeTargets({ workflowType, targets });
  } catch (err) {
    if (failureType(err) !== INVALID_INPUT) throw err;
    const message = errorMessage(err);
    const details = ((err as ActivityFailure).cause as ApplicationFailure).details ?? [];
    const problems = (details[0] as { problems?: string[] } | undefined)?.problems ?? [message];
    return refuseInvalidInput(operation, where, message, problems, [...details]);
  }
}

export const targetOf = (spec: DrsTarget): DrsTarget => ({
  region: spec.region,
  ...(spec.accountId ? { accountId: spec.accountId } : {}),
});

/** Runs the operation, then frees every capacity place it still holds, however it ended. */
export async function releasingCapacity<T>(
  capacity: { releaseAll(): Promise<void> },
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } finally {
    await capacity.releaseAll();
  }
}

/** Runs `work`, cancelling it when `aborted()` turns true; undefined when it was aborted. */
export async function unlessAborted<T>(
  aborted: () => boolean,
  work: () => Promise<T>,
): Promise<T | undefined> {
  if (aborted()) return undefined;
  const workScope = new CancellationScope();
  const watchScope = new CancellationScope();
  const watching = watchScope
    .run(() => condition(aborted))
    .then(
      () => workScope.cancel(),
      () => undefined, // the watch was cancelled: the work ended first
    );
  try {
    return await workScope.run(work);
  } catch (err) {
    if (isCancellation(err) && aborted() && !CancellationScope.current().consideredCancelled)
      return undefined;
    throw err;
  } finally {
    watchScope.cancel();
    await watching;
  }
}

/**
 * Probes `host` with `checks` (retry-as-poll) until they all pass or the deadline; resolves with
 * the last failure as text, or undefined once healthy. `label` names the target in failures.
 */
export async function probeUntil(
  label: string,
  host: string,
  checks: HealthCheck[],
  deadlineMs: number,
  late: string,
  ownInstance = false,
): Promise<string | undefined> {
  try {
    await untilDeadline(late, deadlineMs, (remainingMs) =>
      pollingActivities(remainingMs).checkInstanceHealth({
        sourceServerId: label,
        host,
        checks,
        ...(ownInstance ? { ownInstance } : {}),
      }),
    );
    return undefined;
  } catch (err) {
    if (isCancellation(err)) throw err;
    return errorMessage(err);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return (err as Error).message ?? String(err);
}

/** The failure type behind an activity failure (e.g. DeadlineExceeded, Refused). */
export function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}
