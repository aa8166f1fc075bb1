// Types of reprotect (drsReprotect) and of the EC2 failback path of drsFailback: what the activities
// see of a recovery instance and of its servers, and the reports. Plain data, safe in workflow code.
import type { OperatorRecord, Outcome } from './types';

/** One recovery instance with what its source server says about the direction of replication. */
export interface ReprotectInstance {
  recoveryInstanceId: string;
  found: boolean;
  sourceServerId: string;
  isDrill?: boolean;
  /** AWS: the server was an EC2 instance (in `originRegion`); ON_PREMISES: Failback Client path. */
  originEnvironment?: string;
  ec2InstanceId?: string;
  ec2InstanceState?: string;
  failbackState?: string;
  /** The job that launched the instance. */
  jobId?: string;
  /** The source server's: FAILOVER, or FAILBACK for a server ReverseReplication created. */
  replicationDirection?: string;
  /** The source server's sourceCloudProperties.originRegion: where the EC2 instance ran. */
  originRegion?: string;
  /** The source server's reversedDirectionSourceServerArn: the server replicating the other way. */
  reversedDirectionSourceServerArn?: string;
}

export type ReprotectResult = 'PROTECTED' | 'NOT_PROTECTED' | 'STOPPED' | 'SKIPPED' | 'FAILED' | 'PENDING';

export interface ReprotectServerReport {
  /** The DR-region source server the instance was recovered from. */
  sourceServerId: string;
  recoveryInstanceId: string;
  ec2InstanceId?: string;
  /** PROTECTED: the reversed server replicates CONTINUOUS; STOPPED: StopFailback ended it. */
  result: ReprotectResult;
  /** Why it was skipped. */
  note?: string;
  /** The new source server in the origin region, replicating this instance back. */
  reversedSourceServerId?: string;
  reversedSourceServerArn?: string;
  originRegion?: string;
  /** Replication state of the reversed server when last seen. */
  replicationState?: string;
  /** Its replication states in the order seen (INITIATING, INITIAL_SYNC, …, CONTINUOUS). */
  statesSeen: string[];
  /** Workflow seconds from the ReverseReplication call until the reversed server was CONTINUOUS. */
  timeToProtectedSeconds?: number;
  errors: string[];
}

export type ReprotectPhase =
  'validating-input' | 'inspecting' | 'reversing' | 'waiting' | 'stopping' | 'done';

export interface ReprotectReport extends Omit<OperatorRecord, 'approval'> {
  operation: 'reprotect';
  workflowId: string;
  outcome: Outcome;
  region: string;
  accountId?: string;
  recoveryJobId?: string;
  servers: ReprotectServerReport[];
  phaseDurations: Partial<Record<ReprotectPhase, number>>;
  startedAt: string;
  finishedAt: string;
  summary: string;
  errors: string[];
}

export interface ReprotectProgress {
  operation: 'reprotect';
  phase: ReprotectPhase;
  servers: ReprotectServerReport[];
  abortReason?: string;
  report?: ReprotectReport;
}

// ---------------------------------------------------------------------------------------------
// drsFailback, EC2 path

/** One server to bring home: its DR-region recovery instance and the reversed server fed by it. */
export interface Ec2FailbackServer {
  /** The id the input named (a DR recovery instance, or a reversed source server). */
  namedId: string;
  found: boolean;
  /** Why it could not be resolved (what is missing). */
  problem?: string;
  drRegion: string;
  drRecoveryInstanceId?: string;
  /** The original source server (FAILOVER direction), in the DR region. */
  drSourceServerId?: string;
  drIsDrill?: boolean;
  drEc2InstanceState?: string;
  originRegion?: string;
  reversedSourceServerId?: string;
  reversedSourceServerArn?: string;
  /** The named server's direction (FAILOVER: still replicating forward). */
  namedDirection?: string;
  /** Replication state of the reversed server (CONTINUOUS: ready to launch from). */
  reversedReplicationState?: string;
  /** The reversed server's recovery instance: set once a failback recovery launched from it. */
  reversedRecoveryInstanceId?: string;
}
