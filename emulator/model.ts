// The emulator's internal records. API shapes (SDK types) are produced from these by serialize.ts;
// state changes happen through the store, the job planner and the replication timeline.
import type {
  DataReplicationError,
  DataReplicationState,
  ExtensionStatus,
  FailbackLaunchType,
  FailbackState,
  InitiatedBy,
  JobLog,
  JobStatus,
  JobType,
  LastLaunchResult,
  LastLaunchType,
  LaunchConfiguration,
  LaunchConfigurationTemplate,
  LaunchStatus,
  OriginEnvironment,
  RecoveryInstanceDataReplicationState,
  ReplicationConfiguration,
  ReplicationDirection,
  SourceCloudProperties,
  SourceProperties,
} from '@aws-sdk/client-drs';

/** Replication as a timeline: a base state since `since`, optionally a catch-up run towards CONTINUOUS. */
export interface ReplicationRecord {
  state: DataReplicationState;
  since: number;
  error?: DataReplicationError;
  /** A started or retried replication: INITIATING → INITIAL_SYNC|BACKLOG → CREATING_SNAPSHOT → CONTINUOUS. */
  catchUp?: { startedAt: number; endsAt: number; fromScratch: boolean };
  /** When the current replication attempt was initiated. */
  initiatedAt: number;
  /** Lag while CONTINUOUS. */
  baseLagMs: number;
  /** Newest recoverable data while not CONTINUOUS; undefined = no snapshot to launch from. */
  dataAsOf?: number;
  /** Oldest data a point-in-time snapshot may hold; undefined = no snapshots (never synced, or deleted). */
  snapshotsFrom?: number;
  /** DisconnectSourceServer sets totalStorageBytes of every disk to zero. */
  disksZeroed?: boolean;
  stagingAvailabilityZone: string;
}

export interface LastLaunchRecord {
  jobID: string;
  type: LastLaunchType;
  apiCallAt: number;
  status: LaunchStatus;
}

export interface SourceServerRecord {
  seq: number;
  id: string;
  arn: string;
  accountId: string;
  region: string;
  hostname: string;
  tags: Record<string, string>;
  addedAt: number;
  agentVersion: string;
  sourceProperties: SourceProperties;
  sourceCloudProperties?: SourceCloudProperties;
  replication: ReplicationRecord;
  recoveryInstanceId?: string;
  lastLaunch?: LastLaunchRecord;
  lastLaunchResult: LastLaunchResult;
  replicationDirection: ReplicationDirection;
  reversedDirectionSourceServerArn?: string;
  staging: {
    status: ExtensionStatus;
    stagingAccountID: string;
    stagingSourceServerArn?: string;
    /** Why DRS cannot reach the staging server (EXTENSION_ERROR). */
    errorMessage?: string;
  };
  /** For an extended source server: the staging account's server it mirrors. */
  extendedFrom?: string;
  /** recoveryMode is newer than the pinned SDK's types, so it is added here. */
  launchConfiguration: LaunchConfiguration & { recoveryMode?: 'FAST' | 'OPTIMAL' };
  replicationConfiguration: ReplicationConfiguration;
}

export interface ParticipantRecord {
  sourceServerID: string;
  recoveryInstanceID?: string;
  launchStatus: LaunchStatus;
  /** launchActionsStatus: filled in once the launched instance's SSM agent registered. */
  launchActions?: { agentDiscoveredAt: number; runs: LaunchActionRunRecord[] };
}

export interface JobRecord {
  seq: number;
  id: string;
  arn: string;
  accountId: string;
  region: string;
  type: JobType;
  initiatedBy: InitiatedBy;
  createdAt: number;
  endAt?: number;
  status: JobStatus;
  participants: ParticipantRecord[];
  tags: Record<string, string>;
  log: JobLog[];
}

export interface FailbackRecord {
  state: FailbackState;
  /** FAILBACK_IN_PROGRESS becomes FAILBACK_READY_FOR_LAUNCH at this time. */
  readyAt?: number;
  failbackClientID?: string;
  failbackJobID?: string;
  failbackInitiationTime?: number;
  failbackLaunchType?: FailbackLaunchType;
}

export interface RecoveryInstanceRecord {
  seq: number;
  id: string;
  arn: string;
  accountId: string;
  region: string;
  sourceServerID: string;
  jobID: string;
  isDrill: boolean;
  ec2State: 'PENDING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'SHUTTING-DOWN' | 'TERMINATED' | 'NOT_FOUND';
  pointInTime: number;
  launchedAt: number;
  originEnvironment: OriginEnvironment;
  originAvailabilityZone?: string;
  tags: Record<string, string>;
  failback: FailbackRecord;
  replicationState: RecoveryInstanceDataReplicationState;
  /** Set while a TERMINATE job holds this instance. */
  terminatingJobID?: string;
}

export interface MgnServerRecord {
  seq: number;
  id: string;
  arn: string;
  accountId: string;
  region: string;
  hostname: string;
  replicationType: 'AGENT_BASED' | 'SNAPSHOT_SHIPPING';
  /** MGN adds PENDING_SNAPSHOT_SHIPPING and SHIPPING_SNAPSHOT to the DRS states. */
  state: string;
  since: number;
  /** After StartReplication: INITIATING → SHIPPING_SNAPSHOT → CONTINUOUS. */
  catchUp?: { startedAt: number; endsAt: number };
  lastSnapshotAt?: number;
  tags: Record<string, string>;
}

/** One account in one region: what a DRS client with those credentials and that region sees. */
export interface Partition {
  accountId: string;
  region: string;
  initialized: boolean;
  servers: Map<string, SourceServerRecord>;
  jobs: Map<string, JobRecord>;
  recoveryInstances: Map<string, RecoveryInstanceRecord>;
  mgnServers: Map<string, MgnServerRecord>;
  /** Jobs not yet COMPLETED (the concurrency quotas count these). */
  activeJobs: Set<JobRecord>;
  /** The most jobs, and servers across jobs, that were ever active at once (since the last reset). */
  peak: { activeJobs: number; serversInActiveJobs: number };
  /** Account-level launch settings for new source servers (one default per account and region). */
  launchConfigurationTemplates: Map<string, LaunchConfigurationTemplate & { seq: number }>;
  /** EC2 instances launched here, terminated ones included. */
  guests: Map<string, GuestRecord>;
  /** SSM Run Command commands sent here. */
  commands: Map<string, CommandRecord>;
  /** Launch actions by resource id (source server or launch configuration template), then action id. */
  launchActions: Map<string, Map<string, LaunchActionRecord>>;
}

/**
 * The EC2 side of a recovery instance: its guest OS boot, its status checks and its SSM agent. It
 * outlives the DRS record (EC2 keeps listing a terminated instance for a while).
 */
export interface GuestRecord {
  seq: number;
  instanceId: string;
  accountId: string;
  region: string;
  sourceServerID: string;
  /** The DRS record, whose ec2State is the instance state; kept after DRS forgets it. */
  instance: RecoveryInstanceRecord;
  platform: 'Linux' | 'Windows';
  hostname: string;
  privateIp: string;
  availabilityZone: string;
  launchedAt: number;
  /** When both status checks settle (ok, or impaired under the bootFailure scenario). */
  bootedAt: number;
  /** Set by the bootFailure scenario: the instance status check fails, the console shows this. */
  bootFailure?: { console?: string };
  /** When the SSM agent registered (undefined: not yet, or never). */
  agentAt?: number;
  /** When EC2 reported the instance terminated. */
  terminatedAt?: number;
}

export type InvocationStatus = 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'TimedOut';

/** One instance's part of an SSM command: its timeline is fixed when the command is sent. */
export interface InvocationRecord {
  instanceId: string;
  /** Before this, GetCommandInvocation answers InvocationDoesNotExist (SSM's eventual consistency). */
  visibleAt: number;
  startAt: number;
  endAt: number;
  outcome: {
    status: 'Success' | 'Failed' | 'TimedOut';
    responseCode: number;
    stdout: string;
    stderr: string;
  };
}

export interface CommandRecord {
  seq: number;
  commandId: string;
  accountId: string;
  region: string;
  documentName: string;
  documentVersion?: string;
  comment?: string;
  parameters: Record<string, string[]>;
  instanceIds: string[];
  timeoutSeconds: number;
  requestedAt: number;
  invocations: InvocationRecord[];
}

/** A DRS launch action (PutLaunchAction), on a source server or the account's launch template. */
export interface LaunchActionRecord {
  seq: number;
  resourceId: string;
  actionId: string;
  actionCode: string;
  type: 'SSM_AUTOMATION' | 'SSM_COMMAND';
  name: string;
  active: boolean;
  order: number;
  actionVersion: string;
  optional: boolean;
  parameters: Record<string, { value: string; type: 'SSM_STORE' | 'DYNAMIC' }>;
  description: string;
  category: 'MONITORING' | 'VALIDATION' | 'CONFIGURATION' | 'SECURITY' | 'OTHER';
}

export interface LaunchActionRunRecord {
  action: Omit<LaunchActionRecord, 'seq' | 'resourceId'>;
  runId: string;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  failureReason?: string;
}
