// Notifications from workflow code: the run ended (or was refused for bad input), it waits for
// approval, readiness slipped. Delivery is an activity (activities/notifications.ts) with a short,
// bounded retry whose failure is caught and logged: a receiver that is down costs the run about a
// second (refused connections fail at once), one that hangs at most DELIVERY's schedule-to-close,
// and never the run's outcome. A child workflow with ParentClosePolicy ABANDON would not delay at
// all, but every run would then start a second workflow, even with no receiver configured; a late
// notification is worth less than that.
// Behind the notifications patch (workflows/patches.ts): runs recorded before it replay without the activity calls.
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  patched,
  workflowInfo,
} from '@temporalio/workflow';
import type { NotificationEvent, NotificationKind } from '../common/notifications';
import { summarizedActivities } from './activity-summaries';
import { recordEndEvidence, type RunSoFar } from './end-evidence';
import { recordEvidence } from './evidence';
import { PATCHES } from './patches';

const DELIVERY = summarizedActivities({
  scheduleToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumAttempts: 3 },
});

interface Notice {
  kind: NotificationKind;
  title: string;
  outcome?: string;
  summary?: string;
  sourceServerIds?: string[];
}

/** Sends `notice` to the worker's webhooks; never throws, and goes through even while the run is cancelled. */
export async function notify(notice: Notice): Promise<void> {
  if (!patched(PATCHES.notifications.id)) return;
  const info = workflowInfo();
  const event: NotificationEvent = {
    ...notice,
    workflowId: info.workflowId,
    runId: info.runId,
    workflowType: info.workflowType,
    at: new Date().toISOString(),
  };
  await CancellationScope.nonCancellable(async () => {
    try {
      await DELIVERY.sendNotification(event);
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn(`notification not delivered: ${(err as Error).message}`, { kind: notice.kind });
    }
  });
}

/** The notice of a gate opening: `gate` as the report names it (`validation`, `wave "web"`). */
export function awaitingApproval(gate: string, sourceServerIds: string[]): Notice {
  return {
    kind: 'awaiting-approval',
    title: `waiting for approve at the ${gate} gate`,
    summary: `drsctl approve <workflow-id> (or abort) for ${sourceServerIds.length} server(s)`,
    sourceServerIds: sourceServerIds.slice(0, 100),
  };
}

/** What a run's report says, for the run-ended notice. */
interface Reported {
  operation: string;
  outcome: string;
  summary?: string;
  servers?: { sourceServerId: string }[];
}

/**
 * Runs the workflow body, stores its evidence (workflows/evidence.ts) and notifies when it ends:
 * with its report's outcome, or with the failure that ended it (rethrown unchanged).
 */
export async function notifyingEnd<R extends Reported>(
  operation: string,
  run: () => Promise<R>,
  ends: {
    /** The report a cancelled run finished before it rethrew the cancellation (a drill's, after cleanup). */
    cancelledReport?: () => R | undefined;
    /** What the run knew, for the minimal report of a run that ended without one. */
    soFar?: () => RunSoFar;
  } = {},
): Promise<R> {
  let report: R;
  try {
    report = await run();
  } catch (err) {
    // a run refused with its report (a drill's preflight) or cancelled after its cleanup keeps its
    // evidence; any other end keeps a minimal report (workflows/end-evidence.ts)
    const refused =
      err instanceof ApplicationFailure ? (err.details?.[0] as Reported | undefined) : undefined;
    const cancelled = isCancellation(err) ? ends.cancelledReport?.() : undefined;
    if (refused?.servers) await recordEvidence(refused, 'FAILED');
    else if (cancelled) await recordEvidence(cancelled, 'CANCELLED');
    else await recordEndEvidence(operation, err, ends.soFar?.());
    const outcome = isCancellation(err) ? 'CANCELLED' : 'FAILED';
    await notify({
      kind: 'run-ended',
      title: `${operation} ${outcome}`,
      outcome,
      summary: (err as Error).message,
    });
    throw err;
  }
  await recordEvidence(report, 'COMPLETED');
  await notify({
    kind: 'run-ended',
    title: `${report.operation} ${report.outcome}`,
    outcome: report.outcome,
    summary: report.summary,
    ...(report.servers ? { sourceServerIds: report.servers.map((s) => s.sourceServerId).slice(0, 100) } : {}),
  });
  return report;
}
