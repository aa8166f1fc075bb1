// A worker serves only the operations its configuration allows (DRS_ALLOWED_OPERATIONS): a drill
// worker whose role cannot fail over must not run a failover someone started on its task queue.
// Every AWS call is made by an activity, so refusing each activity of a run of another operation
// refuses the run before any call; one wrapper at registration (activities/index.ts), like the
// heartbeats. Notifications make no AWS call and still go out, so a refused run is heard.
import { ApplicationFailure } from '@temporalio/common';
import { asyncLocalStorage } from '@temporalio/activity';
import { OPERATION_OF_WORKFLOW_TYPE, OPERATIONS, type OperationName } from '../common/operations';

type Activity = (...args: never[]) => Promise<unknown>;

/** Failure type of an activity refused because its run's operation is not served here. */
const OPERATION_NOT_ALLOWED = 'OperationNotAllowed';

const UNGATED = new Set(['sendNotification']);

/** The same activities, each refusing a run whose operation is not in `allowed`. */
export function withOperationGate<A extends Record<string, Activity>>(
  activities: A,
  allowed: readonly OperationName[] = OPERATIONS,
): A {
  if (OPERATIONS.every((o) => allowed.includes(o))) return activities;
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [
      name,
      UNGATED.has(name) ? activity : gated(activity, allowed),
    ]),
  ) as A;
}

function gated<F extends Activity>(activity: F, allowed: readonly OperationName[]): F {
  return (async (...args: Parameters<F>) => {
    const workflowType = asyncLocalStorage.getStore()?.info.workflowType;
    const operation = workflowType === undefined ? undefined : OPERATION_OF_WORKFLOW_TYPE[workflowType];
    if (operation !== undefined && !allowed.includes(operation))
      throw ApplicationFailure.nonRetryable(
        `this worker does not run ${operation} (${workflowType}): DRS_ALLOWED_OPERATIONS=${allowed.join(',')}; start it on the task queue of a worker that does`,
        OPERATION_NOT_ALLOWED,
      );
    return activity(...args);
  }) as F;
}
