// How long one attempt of each activity may run, sized by what it does, and the heartbeat timeout
// they all share. Every activity heartbeats while it runs (activities/heartbeats.ts), so a worker
// killed mid-call is noticed within HEARTBEAT_TIMEOUT and the attempt is retried on another worker;
// start-to-close is left to bound an attempt that hangs (the AWS SDK sets no request timeout).
// Deterministic workflow code: timeouts are not part of replay, so changing them needs no patch.
import type { ActivityOptions } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { DrsActivities } from '../activities';

/**
 * A worker silent this long is taken for dead. An attempt killed mid-call is retried after this plus
 * its retry backoff, so it is what a kill costs (docs/deployment.md). Heartbeats go out once a
 * second, so a live worker misses it only when its event loop stalls for 4 s.
 */
const HEARTBEAT_TIMEOUT = '5 seconds';

/**
 * The least schedule-to-close a job's start activity gets, however much of the run's deadline a
 * wait for capacity used. A start may have created the job when an attempt fails; the attempts after
 * it look the job up (activities/idempotency.ts), and they need the time to: several attempts of up
 * to 5 minutes each (an account listing) and the backoff between them: as long as any other DRS
 * call gets (DRS_CALL_OPTIONS).
 */
export const MIN_JOB_START_MS = 30 * 60 * 1000;

/** What one attempt does, which bounds how long it may take. */
type AttemptSize = 'filtered' | 'account' | 'probe' | 'queue' | 'notify' | 'evidence';

const START_TO_CLOSE = {
  // reads filtered to the named ids (at most 100: a page or two) and one call; DRS answers in about a second
  filtered: '30 seconds',
  // pages through the account's jobs, servers or a job's log, or one request per server (up to 100)
  account: '5 minutes',
  // HTTP/TCP checks run side by side, each given up after 5 s (activities/health-checks.ts)
  probe: '20 seconds',
  // the worker's Temporal client: one Update-with-Start, answered in the queue's next workflow task
  // (activities/capacity.ts)
  queue: '30 seconds',
  // webhook POSTs side by side, each given up after 3 s (activities/notifications.ts)
  notify: '5 seconds',
  // a few small objects to the store, and the job logs of the run's jobs (a page or two each)
  evidence: '1 minute',
} satisfies Record<AttemptSize, Duration>;

/** Every activity's size; a new activity does not compile until it is given one. */
const SIZE_OF = {
  // each inspection also lists every job of the account, for the servers' active jobs
  inspectSourceServers: 'account',
  retryDataReplication: 'account',
  awaitReplicationHealthy: 'account',
  inspectReplicationTargets: 'account',
  stopReplication: 'account',
  startReplication: 'account',
  disconnectSourceServer: 'account',
  pollReplicationStates: 'account',
  // creating a job first looks for the one the step may have created (jobs since the step began)
  startDrillJob: 'account',
  findDrillLaunchJob: 'account',
  startRecoveryJob: 'account',
  startFailbackLaunch: 'account',
  terminateDrillInstances: 'account',
  describeJobFailures: 'account',
  chooseRecoverySnapshots: 'account',
  resolveTaggedServers: 'account',
  // one listing of the account's servers per wave placement; one call per placement, side by side
  selectPlanServers: 'account',
  checkPlanAccounts: 'filtered',
  // by recovery job: every recovery instance of the account
  describeFailbackInstances: 'account',
  pollJob: 'filtered',
  resolveDrillInstances: 'filtered',
  resolveRecoveryInstances: 'filtered',
  remainingDrillInstances: 'filtered',
  awaitFailbackReady: 'filtered',
  startMgnReplication: 'filtered',
  checkInstanceHealth: 'probe',
  // name resolution only
  checkProbeTargets: 'probe',
  requestCapacity: 'queue',
  closedCapacityHolders: 'queue',
  // describes and aborts each holder (at most the 20 jobs of the quota)
  preemptDrills: 'account',
  checkAccountAccess: 'filtered',
  // one snapshot read and one launch configuration read per server
  readRecoveryReadiness: 'account',
  readQuotaUsage: 'account',
  // one visibility listing per server
  lastSucceededDrills: 'account',
  sendNotification: 'notify',
  storeEvidence: 'evidence',
  // one read of the run's first history event
  approvalPolicy: 'filtered',
  // boot evidence: one batched EC2/SSM read, or one call about one instance or command
  awaitInstanceBoot: 'filtered',
  readConsoleOutput: 'filtered',
  guestCheckPolicy: 'filtered',
  awaitSsmAgent: 'filtered',
  // a retried send first lists the instance's recent commands
  sendGuestCheck: 'filtered',
  awaitGuestCheck: 'filtered',
  // every recovery instance of the account, their launch jobs, one describe per drill workflow
  findLeakedDrillInstances: 'account',
  // reprotect: by recovery job, every recovery instance of the account; then a source server read
  describeReprotectInstances: 'account',
  // one look at the instance (as above), then one call
  reverseReplication: 'account',
  stopFailback: 'account',
  // a read per region (DR and origin) of instances and servers; by job, every instance of the account
  describeEc2Failback: 'account',
  // lists the jobs since the step began first
  retireRecoveryInstances: 'account',
  // ListStagingAccounts, then a listing per staging account
  readExtensionCandidates: 'account',
  // one CreateExtendedSourceServer per server (the workflow sends at most 100 at a time)
  extendSourceServers: 'account',
  // ListStagingAccounts, then every server of each staging account
  readStagingEstate: 'account',
  // a plan's network step: reads filtered to its networks (up to 100 a call), its job and its log,
  // one CloudFormation call per stack
  describeSourceNetworks: 'filtered',
  sourceNetworksOfServers: 'filtered',
  startNetworkRecovery: 'filtered',
  awaitNetworkRecovery: 'account',
  deleteNetworkStacks: 'filtered',
  awaitStacksDeleted: 'filtered',
} satisfies Record<keyof DrsActivities, AttemptSize>;

/** Options every proxy gives; start-to-close and the heartbeat timeout come from the table above. */
export type AttemptOptions = Omit<ActivityOptions, 'startToCloseTimeout' | 'heartbeatTimeout'>;

/** Start-to-close and heartbeat timeout of one attempt of `name` (workflows/activity-summaries.ts applies them). */
export function attemptTimeouts(
  name: keyof DrsActivities,
): Pick<ActivityOptions, 'startToCloseTimeout' | 'heartbeatTimeout'> {
  return { startToCloseTimeout: START_TO_CLOSE[SIZE_OF[name]], heartbeatTimeout: HEARTBEAT_TIMEOUT };
}
