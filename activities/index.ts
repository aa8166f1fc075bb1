// All activities, built by one factory so the worker and tests inject their own dependencies
// (the emulator or real AWS behind the client factory, a fake prober for health checks).
import type { CapacityLimits } from '../common/capacity';
import { createApprovalActivities, type ApproverLists } from './approvals';
import type { GuestCheckPolicy } from '../common/config';
import { createBootActivities } from './boot';
import { createGuestCheckActivities, GUEST_CHECKS_OFF } from './guest-checks';
import { createCapacityActivities } from './capacity';
import { defaultEvidenceUrl } from '../common/evidence-store/config';
import { openEvidenceStore, type EvidenceStore } from '../common/evidence-store/store';
import { createEvidenceActivities } from './evidence';
import type { AwsClientFactory } from './drs-client';
import { withHeartbeats } from './heartbeats';
import { withOperationGate } from './operation-gate';
import type { OperationName } from '../common/operations';
import { createHealthCheckActivities, networkProber, type HealthProber } from './health-checks';
import { OWN_INSTANCES_ONLY, type ProbePolicy } from './probe-targets';
import { createJobActivities } from './jobs';
import { AdaptivePolls, type JobPollPolicy } from './job-poll-policy';
import { serverNow } from './server-clock';
import { createReplicationActivities } from './replication';
import { createEstateActivities } from './estate';
import { createExtendActivities } from './extend';
import { createFailbackActivities } from './failback';
import { createReprotectActivities } from './reprotect';
import { createEc2FailbackActivities } from './failback-ec2';
import { createMgnActivities } from './mgn';
import { createNetworkActivities } from './networks';
import { createNotificationActivities, type NotificationTargets } from './notifications';
import { createPlanActivities } from './plan';
import { createPlanEstateActivities } from './plan-estate';
import { createReadinessActivities, type ListRuns } from './readiness';
import { createRecoveryActivities } from './recovery';
import { createReconcileActivities } from './reconcile';
import { createReplicationControlActivities } from './replication-control';
import { createSnapshotActivities } from './snapshots';

export interface ActivityDeps {
  drsClients: AwsClientFactory;
  /** HTTP/TCP probes for drill validation; default: real network probes. */
  healthProber?: HealthProber;
  /** Which hosts checks may probe (DRS_PROBE_*); default: only the run's own recovery instances. */
  probePolicy?: ProbePolicy;
  /** DRS's job quotas the capacity queue keeps to; default: DRS's published defaults. */
  capacityLimits?: CapacityLimits;
  /** How job waits poll; default: adaptive on `serverClock` (job-poll-policy.ts). The bench passes its baselines. */
  jobPolls?: JobPollPolicy;
  /**
   * Now by the Temporal server's clock, for job waits' ticks; default: from each attempt's scheduled
   * time (server-clock.ts serverNow). The time-skipping test server passes its own clock, since its
   * retry attempts carry when they were decided, not when they were due.
   */
  serverClock?: () => number;
  /** Visibility for readiness's last drills; default: the worker's Temporal client (a test server without visibility passes its own). */
  listRuns?: ListRuns;
  /** Webhook receivers (NOTIFY_WEBHOOK_URL, NOTIFY_SLACK_WEBHOOK_URL); default: none. */
  notifications?: NotificationTargets;
  /** Where each run's evidence goes (DRS_EVIDENCE_URL); default: the project's `.data/evidence` folder. */
  evidenceStore?: EvidenceStore;
  /** The operations this worker serves (DRS_ALLOWED_OPERATIONS); default: every one. */
  allowedOperations?: readonly OperationName[];
  /** Approver identities per operation (DRS_APPROVERS_*); default: anyone may approve. */
  approvers?: ApproverLists;
  /** Whether in-guest checks may run and which SSM documents (DRS_SSM_CHECKS, DRS_SSM_DOCUMENTS); default: off. */
  guestChecks?: GuestCheckPolicy;
}

/**
 * Every activity, heartbeating while it runs (activities/heartbeats.ts), refused for a run of an
 * operation the worker does not serve (activities/operation-gate.ts).
 */
export function createActivities(deps: ActivityDeps) {
  const evidenceStore = deps.evidenceStore ?? openEvidenceStore({ url: defaultEvidenceUrl() });
  return withOperationGate(
    withHeartbeats({
      ...createReplicationActivities(deps.drsClients),
      ...createJobActivities(
        deps.drsClients,
        deps.jobPolls ?? new AdaptivePolls(deps.serverClock),
        deps.serverClock ?? serverNow,
      ),
      ...createHealthCheckActivities(
        deps.healthProber ?? networkProber,
        deps.probePolicy ?? OWN_INSTANCES_ONLY,
      ),
      ...createReplicationControlActivities(deps.drsClients),
      ...createMgnActivities(deps.drsClients),
      ...createRecoveryActivities(deps.drsClients),
      ...createFailbackActivities(deps.drsClients),
      ...createReprotectActivities(deps.drsClients),
      ...createEc2FailbackActivities(deps.drsClients),
      ...createPlanActivities(deps.drsClients),
      ...createNetworkActivities(deps.drsClients),
      ...createPlanEstateActivities(deps.drsClients),
      ...createSnapshotActivities(deps.drsClients),
      ...createCapacityActivities(deps.capacityLimits),
      ...createReadinessActivities(deps.drsClients, deps.capacityLimits, deps.listRuns, evidenceStore),
      ...createNotificationActivities(deps.notifications),
      ...createApprovalActivities(deps.approvers ?? {}),
      ...createBootActivities(deps.drsClients),
      ...createGuestCheckActivities(deps.drsClients, deps.guestChecks ?? GUEST_CHECKS_OFF),
      ...createReconcileActivities(deps.drsClients),
      ...createExtendActivities(deps.drsClients),
      ...createEstateActivities(deps.drsClients),
      ...createEvidenceActivities(
        evidenceStore,
        deps.drsClients,
        Object.values(deps.notifications ?? {}).filter((url): url is string => typeof url === 'string'),
      ),
    }),
    deps.allowedOperations,
  );
}

/** The activity functions' types, for `proxyActivities<DrsActivities>()` in workflow code. */
export type DrsActivities = ReturnType<typeof createActivities>;

export { AwsClientFactory } from './drs-client';
export type { ProbePolicy } from './probe-targets';
