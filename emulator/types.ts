// Types shared by the emulator server and its control client (EmulatorControl). Everything here
// travels as JSON over the control API under /_emulator/, so it holds plain data only.
import type { DataReplicationErrorString, DataReplicationState } from '@aws-sdk/client-drs';

/** Duration profiles: `demo` finishes a launch job in ~15–25 s, `realistic` in ~10–20 minutes. */
export type DurationProfile = 'demo' | 'realistic';

export type InventoryKind = 'default' | 'empty';

/** Service quotas DRS enforces per account and region (defaults from the DRS service quotas page). */
export interface Quotas {
  /** Source servers in one launch job (StartRecovery / StartFailbackLaunch). */
  maxServersPerJob: number;
  /** Jobs that are not COMPLETED. */
  maxConcurrentJobs: number;
  /** Source servers across all jobs that are not COMPLETED. */
  maxServersInActiveJobs: number;
  /** Source servers in one account and region (CreateExtendedSourceServer, addServers). */
  maxSourceServers: number;
  /** Servers replicating in one account and region, extensions not counted (StartReplication). */
  maxReplicatingServers: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  maxServersPerJob: 100,
  maxConcurrentJobs: 20,
  maxServersInActiveJobs: 500,
  maxSourceServers: 4000,
  maxReplicatingServers: 300,
};

/** Scenarios shape the lifecycle of what happens next; all durations are emulator-clock seconds. */
export type Scenario =
  /** Launch jobs created afterwards that involve these servers (all when omitted) stay PENDING this long. */
  | { type: 'jobStuckPending'; seconds: number; sourceServerIds?: string[] }
  /** These servers end FAILED with a LAUNCH_FAILED log event in launch jobs created afterwards. */
  | { type: 'launchFailure'; sourceServerIds: string[]; error?: string }
  /** Sets the replication state of these servers now (e.g. STALLED with an AGENT_NOT_SEEN error). */
  | {
      type: 'replicationState';
      sourceServerIds: string[];
      state: DataReplicationState;
      error?: DataReplicationErrorString;
    }
  /** How long a started or retried replication takes from INITIATING to CONTINUOUS. */
  | { type: 'replicationCatchUp'; seconds: number }
  /** Participating servers report LAUNCHED this long before their recoveryInstanceID is filled in. */
  | { type: 'recoveryInstanceIdDelay'; seconds: number }
  /** These recovery instances (all non-drill ones when omitted) reach FAILBACK_READY_FOR_LAUNCH after this long. */
  | { type: 'failbackReadyAfter'; seconds: number; recoveryInstanceIds?: string[] }
  /**
   * ReverseReplication of these recovery instances (all when omitted) takes this long to CONTINUOUS
   * (default: the failbackReplication duration); with `stall`, it turns STALLED after its initiation.
   */
  | { type: 'reverseReplication'; seconds?: number; stall?: boolean; recoveryInstanceIds?: string[] }
  /**
   * IAM denies these operations (audit names: 'StartRecovery', 'mgn:StartReplication', '*' for all)
   * to these accounts (all when omitted): 403 AccessDeniedException before the operation runs.
   */
  | { type: 'accessDenied'; operations: string[]; accountIds?: string[] }
  /**
   * Instances launched afterwards for these servers fail EC2's instance status check (`impaired`)
   * after their boot time; the console shows a kernel panic (Windows: a stop error) or `console`.
   * Their SSM agent never registers.
   */
  | { type: 'bootFailure'; sourceServerIds: string[]; console?: string }
  /** Instances launched afterwards for these servers boot, but their SSM agent never registers. */
  | { type: 'ssmAgentMissing'; sourceServerIds: string[] }
  /** Run Command invocations sent afterwards to these servers' instances end Failed. */
  | { type: 'commandFailure'; sourceServerIds: string[]; exitCode?: number; output?: string }
  /** Run Command invocations sent afterwards to these servers' instances end TimedOut after their timeout. */
  | { type: 'commandTimeout'; sourceServerIds: string[] }
  /**
   * A launch action run of these servers' next launches ends FAILED: the action named `actionName`
   * (any, when omitted) whose `optional` flag matches (any, when omitted); where no configured action
   * matches, an extra run of an action of that name (default `emulated-check`) and flag fails.
   */
  | { type: 'launchActionFailure'; sourceServerIds: string[]; actionName?: string; optional?: boolean }
  /** These extended servers turn EXTENSION_ERROR now, with `message` as DRS's errorMessage. */
  | { type: 'extensionError'; sourceServerIds: string[]; message?: string }
  /** Network recoveries started afterwards for these source networks fail: their stacks roll back. */
  | { type: 'networkRecoveryFailure'; sourceNetworkIds: string[]; reason?: string };

export interface FaultSpec {
  /** Operation name as in the audit log (e.g. 'StartRecovery', 'mgn:StartReplication') or '*' for all. */
  operation: string;
  /** Fraction of calls answered 429 ThrottlingException (with Retry-After). */
  throttleRate?: number;
  /** Fraction of calls answered 500 InternalServerException. */
  errorRate?: number;
  /** Added to every matching call, in real milliseconds. */
  latencyMs?: number;
  /** The next N matching calls are executed but answered 500 InternalServerException (a lost response). */
  dropResponses?: number;
}

/** A call received and not answered yet (e.g. held by a latency fault). */
export type InFlightCall = Pick<AuditEntry, 'time' | 'operation' | 'region' | 'accountId' | 'request'>;

export interface AuditEntry {
  seq: number;
  /** Emulator-clock time the call was received (ISO-8601). */
  time: string;
  /** 'StartRecovery', … for DRS; 'mgn:StartReplication' for MGN; 'sts:AssumeRole' for STS. */
  operation: string;
  region: string;
  accountId: string;
  statusCode: number;
  errorType?: string;
  /** True when a dropResponses fault hid the real outcome from the caller. */
  dropped?: boolean;
  /** The request body (or query for GET). */
  request: unknown;
}

export interface EmulatorConfig {
  timeScale: number;
  durations: DurationProfile;
  quotas: Quotas;
}

export interface EmulatorConfigUpdate {
  /** Multiplies every lifecycle duration (0.01 = a hundred times faster). */
  timeScale?: number;
  durations?: DurationProfile;
  quotas?: Partial<Quotas>;
}

export interface AddServersRequest {
  count: number;
  accountId?: string;
  region?: string;
  replicationState?: DataReplicationState;
  tags?: Record<string, string>;
  /** Servers of EC2 instances in another region (us-west-2). */
  ec2Origin?: boolean;
}

export interface ServerSummary {
  sourceServerID: string;
  accountId: string;
  region: string;
  hostname: string;
  replicationState: string;
  /** FAILOVER, or FAILBACK for a server ReverseReplication created. */
  replicationDirection: string;
  recoveryInstanceId?: string;
  extendedFrom?: string;
  tags: Record<string, string>;
}

export interface JobSummary {
  jobID: string;
  accountId: string;
  region: string;
  type: string;
  initiatedBy: string;
  status: string;
  sourceServerIDs: string[];
  tags: Record<string, string>;
}

export interface RecoveryInstanceSummary {
  recoveryInstanceID: string;
  accountId: string;
  region: string;
  sourceServerID: string;
  jobID: string;
  isDrill: boolean;
  ec2InstanceState: string;
  failbackState: string;
}

export interface MgnServerSummary {
  sourceServerID: string;
  accountId: string;
  region: string;
  replicationType: string;
  replicationState: string;
}

/** GET /_emulator/usage: one entry per account and region that has been used. */
export interface JobUsage {
  accountId: string;
  region: string;
  activeJobs: number;
  serversInActiveJobs: number;
  peak: { activeJobs: number; serversInActiveJobs: number };
}

export interface EmulatorStateSnapshot {
  /** Emulator-clock time (ISO-8601). */
  now: string;
  seed: number;
  config: EmulatorConfig;
  scenarios: Scenario[];
  faults: FaultSpec[];
  servers: ServerSummary[];
  jobs: JobSummary[];
  recoveryInstances: RecoveryInstanceSummary[];
  mgnServers: MgnServerSummary[];
}
