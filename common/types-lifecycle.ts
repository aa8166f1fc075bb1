// Types of the DR lifecycle beside drills: real failover (drsRecovery), failback (drsFailback) and
// replication control (drsReplication). Reports and progress snapshots (the validated inputs are the
// schemas' types, common/inputs-lifecycle.ts). Plain data only, safe in workflow code. Drill's types
// (common/types.ts) are reused where the shape is the same.
import type { CapacityWaitStatus } from './capacity';
import type { ReplicationAction } from './inputs-lifecycle';
import type { DrillPhase, JobStatus, LaunchReport, OperatorRecord, Outcome, ServerBootReport } from './types';

// ---------------------------------------------------------------------------------------------
// drsRecovery

/** A failover's report: what every launch reports, and its confirmation; nothing is ever terminated. */
export interface RecoveryReport extends LaunchReport {
  operation: 'recovery';
  /** Who let the launch proceed: `input confirm`, or the accepted `approve`'s `by` (details in `approval`). */
  approvedBy?: string;
  /** Replication problems seen in preflight that did not block the failover. */
  warnings: string[];
  /** The drills this failover aborted to get capacity (`preemptDrills`): workflow ids. */
  preemptedDrills?: string[];
}

export interface RecoveryProgress {
  operation: 'recovery';
  phase: DrillPhase;
  /** While waiting for capacity: the place in the queue. */
  capacity?: CapacityWaitStatus;
  launchJobId?: string;
  launchJobStatus?: JobStatus;
  servers: { sourceServerId: string; launchStatus?: string; recoveryInstanceId?: string }[];
  awaitingApproval: boolean;
  approved: boolean;
  abortReason?: string;
  report?: RecoveryReport;
}

// ---------------------------------------------------------------------------------------------
// drsFailback

/** What the failback activities see of one recovery instance. */
export interface FailbackInstance {
  recoveryInstanceId: string;
  sourceServerId: string;
  found: boolean;
  isDrill?: boolean;
  /** The job that launched the instance. */
  jobId?: string;
  failbackState?: string;
  failbackJobId?: string;
  ec2InstanceState?: string;
  /** AWS: the server was an EC2 instance in another region (the EC2 path); ON_PREMISES: Failback Client. */
  originEnvironment?: string;
}

export type FailbackPhase =
  | 'validating-input'
  | 'inspecting'
  | 'awaiting-readiness'
  | 'waiting-for-capacity'
  | 'launching'
  | 'booting'
  | 'reprotecting'
  | 'retiring'
  | 'stopping'
  | 'done';

export interface FailbackInstanceReport {
  sourceServerId: string;
  recoveryInstanceId: string;
  /** READY / NOT_READY after the wait; LAUNCHED / FAILED from the failback job; SKIPPED when already failed back. */
  result: 'LAUNCHED' | 'FAILED' | 'NOT_READY' | 'SKIPPED' | 'STOPPED' | 'PENDING';
  failbackState?: string;
  /** Workflow seconds from start until the instance was FAILBACK_READY_FOR_LAUNCH. */
  readyAfterSeconds?: number;
  /** Why it was skipped, or what `stop` did. */
  note?: string;
  // --- the EC2 path ---
  originRegion?: string;
  /** The reversed source server in the origin region the recovery launched from. */
  reversedSourceServerId?: string;
  /** The instance launched in the origin region, and its EC2 instance. */
  originRecoveryInstanceId?: string;
  originEc2InstanceId?: string;
  /** Its boot evidence (EC2 status checks, launch actions). */
  boot?: ServerBootReport;
  /** The original source server's replication states after it was reversed back (…, CONTINUOUS). */
  statesSeen?: string[];
  /** Workflow seconds from the ReverseReplication that restored the original direction until CONTINUOUS. */
  protectedAfterSeconds?: number;
  /** The DR-region recovery instance was terminated (terminateRecoveryInstances). */
  drInstanceTerminated?: boolean;
  errors: string[];
}

export interface FailbackReport extends Omit<OperatorRecord, 'approval'> {
  operation: 'failback';
  workflowId: string;
  outcome: Outcome;
  region: string;
  accountId?: string;
  recoveryJobId?: string;
  failbackJobId?: string;
  /** Which failback ran, chosen from the instances' origin: StartFailbackLaunch (ON_PREMISES), or a recovery in the origin region (AWS); STOP: StopFailback. */
  path?: 'ON_PREMISES' | 'AWS' | 'STOP';
  /** The EC2 path: the recovery job in the origin region, and the terminate job in the DR region. */
  originRecoveryJobId?: string;
  terminateJobId?: string;
  servers: FailbackInstanceReport[];
  phaseDurations: Partial<Record<FailbackPhase, number>>;
  startedAt: string;
  finishedAt: string;
  summary: string;
  errors: string[];
}

export interface FailbackProgress {
  operation: 'failback';
  phase: FailbackPhase;
  /** While waiting for capacity: the place in the queue. */
  capacity?: CapacityWaitStatus;
  failbackJobId?: string;
  servers: FailbackInstanceReport[];
  abortReason?: string;
  report?: FailbackReport;
}

// ---------------------------------------------------------------------------------------------
// drsReplication

/** What the replication activities see of one source server, in DRS or (for `start`) MGN. */
export interface ReplicationTarget {
  sourceServerId: string;
  found: boolean;
  service?: 'drs' | 'mgn';
  replicationState?: string;
  lagSeconds?: number;
  replicationError?: string;
  recoveryInstanceId?: string;
  activeJobId?: string;
  /** stagingArea.status: EXTENDED servers replicate in the staging account. */
  stagingStatus?: string;
  stagingAccountId?: string;
  /** An extended server's staging server (the id in stagingArea.stagingSourceServerArn). */
  stagingSourceServerId?: string;
  /** stagingArea.errorMessage of an EXTENSION_ERROR server: why DRS cannot reach its staging server. */
  extensionError?: string;
  /** MGN only: AGENT_BASED or SNAPSHOT_SHIPPING. */
  mgnReplicationType?: string;
}

/** How one server fares in a replication action. */
export interface ReplicationServerReport {
  sourceServerId: string;
  service: 'drs' | 'mgn';
  /** DONE: the call was made (and the wait, if any, succeeded); SKIPPED: nothing to do; FAILED. */
  result: 'DONE' | 'SKIPPED' | 'FAILED';
  stateBefore?: string;
  stateAfter?: string;
  lagSecondsAfter?: number;
  /** Replication states seen while waiting, in order (INITIATING, INITIAL_SYNC, …, CONTINUOUS). */
  statesSeen: string[];
  replicationError?: string;
  stagingAccountId?: string;
  /** Where the call was made when not in the run's account: an extended server's staging server. */
  actedIn?: { accountId: string; sourceServerId: string };
  /** Workflow seconds from the call until CONTINUOUS under the lag limit. */
  recoveredAfterSeconds?: number;
  note?: string;
  errors: string[];
}

export type ReplicationPhase = 'validating-input' | 'inspecting' | 'acting' | 'waiting' | 'done';

export interface ReplicationReport extends Omit<OperatorRecord, 'approval'> {
  operation: 'replication';
  action: ReplicationAction;
  workflowId: string;
  outcome: Outcome;
  region: string;
  accountId?: string;
  servers: ReplicationServerReport[];
  phaseDurations: Partial<Record<ReplicationPhase, number>>;
  startedAt: string;
  finishedAt: string;
  summary: string;
  errors: string[];
}

export interface ReplicationProgress {
  operation: 'replication';
  action?: ReplicationAction;
  phase: ReplicationPhase;
  servers: ReplicationServerReport[];
  abortReason?: string;
  report?: ReplicationReport;
}
