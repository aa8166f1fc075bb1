// All activities, built by one factory so the worker and tests inject their own dependencies
// (the emulator or real AWS behind the client factory, a fake prober for health checks).
import type { CapacityLimits } from '../common/capacity';
import { createCapacityActivities } from './capacity';
import type { DrsClientFactory } from './drs-client';
import { withHeartbeats } from './heartbeats';
import { createHealthCheckActivities, networkProber, type HealthProber } from './health-checks';
import { createJobActivities } from './jobs';
import { JobWatcher } from './job-watch';
import type { JobPollPolicy } from '../common/job-poll';
import { createReplicationActivities } from './replication';
import { createFailbackActivities } from './failback';
import { createMgnActivities } from './mgn';
import { createNotificationActivities, type NotificationTargets } from './notifications';
import { createPlanActivities } from './plan';
import { createReadinessActivities, type ListRuns } from './readiness';
import { createRecoveryActivities } from './recovery';
import { createReconcileActivities } from './reconcile';
import { createReplicationControlActivities } from './replication-control';
import { createSnapshotActivities } from './snapshots';

export interface ActivityDeps {
  drsClients: DrsClientFactory;
  /** HTTP/TCP probes for drill validation; default: real network probes. */
  healthProber?: HealthProber;
  /** DRS's job quotas the capacity queue keeps to; default: DRS's published defaults. */
  capacityLimits?: CapacityLimits;
  /** How job waits pick their next poll (DRS_JOB_POLL); default: adaptive (job-watch.ts). */
  jobPoll?: JobPollPolicy;
  /**
   * Now by the Temporal server's clock, for job waits' ticks; default: from each attempt's scheduled
   * time (job-watch.ts serverNow). The time-skipping test server passes its own clock, since its
   * retry attempts carry when they were decided, not when they were due.
   */
  serverClock?: () => number;
  /** Visibility for readiness's last drills; default: the worker's Temporal client (a test server without visibility passes its own). */
  listRuns?: ListRuns;
  /** Webhook receivers (NOTIFY_WEBHOOK_URL, NOTIFY_SLACK_WEBHOOK_URL); default: none. */
  notifications?: NotificationTargets;
}

/** Every activity, heartbeating while it runs (activities/heartbeats.ts). */
export function createActivities(deps: ActivityDeps) {
  return withHeartbeats({
    ...createReplicationActivities(deps.drsClients),
    ...createJobActivities(deps.drsClients, new JobWatcher(deps.jobPoll, deps.serverClock)),
    ...createHealthCheckActivities(deps.healthProber ?? networkProber),
    ...createReplicationControlActivities(deps.drsClients),
    ...createMgnActivities(deps.drsClients),
    ...createRecoveryActivities(deps.drsClients),
    ...createFailbackActivities(deps.drsClients),
    ...createPlanActivities(deps.drsClients),
    ...createSnapshotActivities(deps.drsClients),
    ...createCapacityActivities(deps.capacityLimits),
    ...createReadinessActivities(deps.drsClients, deps.capacityLimits, deps.listRuns),
    ...createNotificationActivities(deps.notifications),
    ...createReconcileActivities(deps.drsClients),
  });
}

/** The activity functions' types, for `proxyActivities<DrsActivities>()` in workflow code. */
export type DrsActivities = ReturnType<typeof createActivities>;

export { DrsClientFactory, type DrsClientFactoryOptions } from './drs-client';
