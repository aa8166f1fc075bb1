// The schedule that runs drsReconcile (workflows/reconcile.ts), created by the worker at start so
// every deployment has one without a separate step: one per task queue and region, for the
// worker's own account (other accounts: `drsctl schedule create reconcile --account-id …`). An
// existing schedule is left as it is: an operator may have paused or changed it.
import { Client, ScheduleAlreadyRunning, type ScheduleOptions } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { z } from 'zod';

const duration = z.string().regex(/^\d+[smhd]$/, 'expected a duration such as 30m, 1h, 90s');

export const reconcileEnvSchema = z.object({
  DRS_RECONCILE_EVERY: z
    .string()
    .regex(/^(off|\d+[smhd])$/, 'expected "off" or a duration such as 30m, 1h, 90s')
    .default('30m')
    .describe(
      'how often drsReconcile terminates drill instances that closed drills left running (a schedule the worker creates if missing, `drs-reconcile-<task queue>-<region>`); `off`: create none',
    ),
  DRS_RECONCILE_GRACE: duration
    .default('30m')
    .describe(
      "the schedule's grace period: a closed drill's instances launched less than this ago are left alone",
    ),
});

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const durationMs = (text: string) => Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1)];

/** The schedule's interval and grace period; undefined when DRS_RECONCILE_EVERY is `off`. */
export function reconcileTiming(env: {
  DRS_RECONCILE_EVERY: string;
  DRS_RECONCILE_GRACE: string;
}): { everyMs: number; graceSeconds: number } | undefined {
  if (env.DRS_RECONCILE_EVERY === 'off') return undefined;
  return {
    everyMs: durationMs(env.DRS_RECONCILE_EVERY),
    graceSeconds: Math.max(1, Math.round(durationMs(env.DRS_RECONCILE_GRACE) / 1000)),
  };
}

export const reconcileScheduleId = (taskQueue: string, region: string) =>
  `drs-reconcile-${taskQueue}-${region}`;

interface ReconcileScheduleSettings {
  namespace: string;
  taskQueue: string;
  region: string;
  everyMs: number;
  graceSeconds: number;
}

/** Creates the schedule unless it exists; says which of the two happened. */
export async function ensureReconcileSchedule(
  connection: NativeConnection,
  settings: ReconcileScheduleSettings,
): Promise<'created' | 'exists'> {
  const client = new Client({ connection, namespace: settings.namespace });
  const scheduleId = reconcileScheduleId(settings.taskQueue, settings.region);
  const options: ScheduleOptions = {
    scheduleId,
    spec: { intervals: [{ every: settings.everyMs }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'drsReconcile',
      // Temporal appends the scheduled time to each run's id
      workflowId: scheduleId,
      taskQueue: settings.taskQueue,
      args: [{ region: settings.region, graceSeconds: settings.graceSeconds }],
      staticSummary: `reconcile leaked drill instances in ${settings.region} (worker's schedule)`,
    },
    // a reconciler still waiting for its terminate jobs is not joined by a second one
    policies: { overlap: 'SKIP' },
    state: { note: 'created by the temporal-drs worker (DRS_RECONCILE_EVERY)' },
    memo: { drsOperation: 'reconcile' },
  };
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}
