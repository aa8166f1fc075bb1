// Types of the DR lifecycle beside drills: real failover (drsRecovery), failback (drsFailback) and
// replication control (drsReplication). Validated plans, reports and progress snapshots. Plain data
// only, safe in workflow code. Drill's types (common/types.ts) are reused where the shape is the same.
import type { CapacityWaitStatus } from './capacity';
import type { PointInTime } from './point-in-time';
import type { DrillPhase, DrillReport, DrsTarget, JobStatus, Outcome } from './types';

// ---------------------------------------------------------------------------------------------
// drsRecovery

/** A validated `drsRecovery` input, every default filled in. */
export interface RecoveryPlan extends DrsTarget {
  sourceServerIds: string[];
  recoverySnapshotIds: Record<string, string>;
  /** Every server at the newest snapshot at or before this time (chosen in preflight). */
  pointInTime?: PointInTime;
  /** `true` launches without waiting for an `approve` message. */
  confirm: boolean;
  /** Without `confirm`, how long to wait for `approve` before refusing. */
  approvalTimeoutSeconds: number;
  /**
   * Refuse servers whose replication is not CONTINUOUS under `maxReplicationLagSeconds`. Off by
   * default: in a real disaster the source is often unreachable (STALLED, lag growing) and the
   * last snapshot is exactly what a failover is for.
   */
  requireHealthyReplication: boolean;
  maxReplicationLagSeconds: number;
  launchTimeoutSeconds: number;
  tagJobs: boolean;
}

/** A recovery report has the drill report's shape; nothing is ever terminated. */
export interface RecoveryReport extends Omit<DrillReport, 'operation' | 'terminateJobId'> {
  operation: 'recovery';
  /** Who let the launch proceed: `input.confirm` or the `approve` message's `by`. */
  approvedBy?: string;
  /** Replication problems seen in preflight that did not block the failover. */
  warnings: string[];
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

/** A validated `drsFailback` input: named instances, or every instance a recovery job launched. */
export interface FailbackPlan extends DrsTarget {
  recoveryInstanceIds: string[];
  recoveryJobId?: string;
  /** Deadline for every instance to reach FAILBACK_READY_FOR_LAUNCH. */
  readyTimeoutSeconds: number;
  launchTimeoutSeconds: number;
  tagJobs: boolean;
}

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
}

export type FailbackPhase =
  'validating-input' | 'inspecting' | 'awaiting-readiness' | 'waiting-for-capacity' | 'launching' | 'done';

export interface FailbackInstanceReport {
  sourceServerId: string;
  recoveryInstanceId: string;
  /** READY / NOT_READY after the wait; LAUNCHED / FAILED from the failback job; SKIPPED when already failed back. */
  result: 'LAUNCHED' | 'FAILED' | 'NOT_READY' | 'SKIPPED' | 'PENDING';
  failbackState?: string;
  /** Workflow seconds from start until the instance was FAILBACK_READY_FOR_LAUNCH. */
  readyAfterSeconds?: number;
  errors: string[];
}

export interface FailbackReport {
  operation: 'failback';
  workflowId: string;
  outcome: Outcome;
  region: string;
  accountId?: string;
  recoveryJobId?: string;
  failbackJobId?: string;
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

export type ReplicationAction = 'repair' | 'stop' | 'start' | 'disconnect';

/** A validated `drsReplication` input. */
export interface ReplicationPlan extends DrsTarget {
  action: ReplicationAction;
  sourceServerIds: string[];
  /** Required (true) for `stop` and `disconnect`. */
  confirm: boolean;
  /** repair / start: wait until CONTINUOUS with lag at most this. */
  maxReplicationLagSeconds: number;
  /** repair / start: deadline for catching up. */
  timeoutSeconds: number;
  /** repair / start: wait for CONTINUOUS (false: report right after the call). */
  waitForContinuous: boolean;
}

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
  /** Workflow seconds from the call until CONTINUOUS under the lag limit. */
  recoveredAfterSeconds?: number;
  note?: string;
  errors: string[];
}

export type ReplicationPhase = 'validating-input' | 'inspecting' | 'acting' | 'waiting' | 'done';

export interface ReplicationReport {
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
