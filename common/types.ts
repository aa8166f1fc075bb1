// Types shared by workflows, activities and the client: reports and the progress snapshot (the
// validated inputs are the schemas' types, common/inputs.ts). Plain data only, safe in workflow code.
import type { CapacityWaitStatus } from './capacity';
import type { JobStep, JobTimeline, JobTimes, ServerStepTimes } from './job-log';
import type { RtoMeasure, TargetResults } from './targets';

/** How an operation ended. Every report carries one. */
export type Outcome = 'SUCCEEDED' | 'PARTIAL' | 'FAILED' | 'ABORTED';

/** DRS job states (there is no failed job status: failure is per server). */
export type JobStatus = 'PENDING' | 'STARTED' | 'COMPLETED';
/** Per-server launch status inside a job. */
export type LaunchStatus = 'PENDING' | 'IN_PROGRESS' | 'LAUNCHED' | 'FAILED' | 'TERMINATED';

/** Where a DRS call goes: the region and, for staging accounts, the account id. */
export interface DrsTarget {
  region: string;
  /** Staging account holding the source servers; unset = the worker's own account. */
  accountId?: string;
}

// ---------------------------------------------------------------------------------------------
// Operators' `approve` and `abort`, as every report records them

/** An accepted `approve`: who, when (workflow time, ISO-8601), their note and the gate it opened. */
export interface Approval {
  by: string;
  at: string;
  note?: string;
  /** e.g. `validation`, `confirmation`, `wave "web"`. */
  gate: string;
}

/** An accepted `abort`: who, when (workflow time, ISO-8601) and why. */
export interface AbortRequest {
  by: string;
  at: string;
  reason: string;
}

/** The report fields that record operators' messages (absent when none was accepted). */
export interface OperatorRecord {
  approval?: Approval;
  abort?: AbortRequest;
}

// ---------------------------------------------------------------------------------------------
// drsDrill

export type DrillPhase =
  | 'validating-input'
  | 'preflight'
  | 'repairing-replication'
  /** drsRecovery: preflight done, waiting for an `approve` message before a real failover. */
  | 'awaiting-approval'
  /** Queued for a place under DRS's job quotas (common/capacity.ts) before a launch or cleanup job. */
  | 'waiting-for-capacity'
  | 'launching'
  /** Boot evidence: EC2 status checks, launch actions, in-guest checks (workflows/boot.ts). */
  | 'booting'
  | 'validating'
  | 'cleaning-up'
  | 'done';

export interface DrillServerReport {
  sourceServerId: string;
  /** LAUNCHED / FAILED as DRS reported it (or PENDING if never got that far). */
  launchStatus: LaunchStatus | 'NOT_LAUNCHED';
  recoveryInstanceId?: string;
  ec2InstanceId?: string;
  /** The snapshot the instance was launched from (ISO-8601). */
  pointInTime?: string;
  /** Snapshot requested in the input, if any. */
  recoverySnapshotId?: string;
  /**
   * Time to launch (RTO), from DRS's own record: the launch job's creation (the StartRecovery
   * request, after any wait for capacity) to the end of this server's launch (the job's end: DRS
   * logs no per-server end). Runs started before job logs were read: when a poll saw LAUNCHED.
   */
  timeToLaunchSeconds?: number;
  /** The server's snapshot, conversion and launch steps, from the launch job's log. */
  steps?: ServerStepTimes;
  /** Data age at launch (RPO): when the launch job finished minus the snapshot's point in time. */
  dataAgeSeconds?: number;
  /** Replication lag seen in preflight. */
  replicationLagSeconds?: number;
  /** Result of validation health checks, when run. */
  healthy?: boolean;
  /** Boot evidence from inside AWS: status checks, SSM agent, launch actions, in-guest checks. */
  boot?: ServerBootReport;
  /**
   * Time to healthy: the StartRecovery request until every check of this server passed (status
   * checks, launch actions, in-guest checks). Unset when a check failed or none ran.
   */
  timeToHealthySeconds?: number;
  /** True when cleanup terminated this server's drill instance. */
  terminated?: boolean;
  /** The RTO/RPO targets that applied to this server, each against its measured figure. */
  targets?: TargetResults;
  errors: string[];
}

// ---------------------------------------------------------------------------------------------
// Boot evidence: what a launched instance showed from inside AWS (EC2 status checks, the SSM agent,
// DRS launch actions, in-guest checks by SSM Run Command). No network path from the worker needed.

/**
 * EC2's system and instance status checks (ok | impaired | insufficient-data | not-applicable |
 * initializing) as last seen, and when both passed (or one failed).
 */
export interface StatusChecksRecord {
  system?: string;
  instance?: string;
  /** When a poll first saw both `ok` (ISO-8601; resolution: the poll interval). */
  passedAt?: string;
  /** When a poll first saw one `impaired`. */
  impairedAt?: string;
}

/** One DRS launch action run on the instance (job's participatingServers[].launchActionsStatus.runs). */
export interface LaunchActionRunRecord {
  actionName: string;
  actionId?: string;
  runId?: string;
  /** IN_PROGRESS | SUCCEEDED | FAILED */
  status: string;
  optional: boolean;
  failureReason?: string;
}

/** The first and last lines of a command's or console's output, bounded in size. */
export interface OutputExcerpt {
  first: string[];
  last: string[];
  /** Lines left out between `first` and `last` (0: the whole output is shown). */
  omittedLines: number;
}

/** One in-guest check (SSM Run Command) run on the instance: what ran and what it answered. */
export interface GuestCheckRecord {
  /** `checks[i]` of the input, or the name it gave. */
  name: string;
  document: string;
  commands: string[];
  commandId?: string;
  /** SSM's invocation status: Success, Failed, TimedOut, Cancelled, … */
  status?: string;
  exitCode?: number;
  expectedExitCode: number;
  outputPattern?: string;
  passed: boolean;
  durationSeconds?: number;
  /** When it passed (ISO-8601). */
  passedAt?: string;
  output?: OutputExcerpt;
  /** Why it did not pass, when not by its exit code (no agent, a deadline, a refused call). */
  error?: string;
}

/** A server's boot evidence in the report. */
export interface ServerBootReport {
  /** PASSED: every check passed; FAILED: one did not (see `reason`); NOT_CHECKED: turned off, or not launched. */
  result: 'PASSED' | 'FAILED' | 'NOT_CHECKED';
  reason?: string;
  /** EC2 status checks (absent when the boot check was off). */
  statusChecks?: StatusChecksRecord;
  /** The last lines of the console output of a server that did not boot. */
  console?: OutputExcerpt;
  /** When DRS saw the SSM agent (launch actions) and when it was Online in SSM. */
  ssmAgent?: { discoveredAt?: string; onlineAt?: string; pingStatus?: string };
  launchActions?: LaunchActionRunRecord[];
  checks?: GuestCheckRecord[];
  /** When every check had passed (ISO-8601). */
  healthyAt?: string;
}

/** What every launch's report has: a drill's (DrillReport) and a failover's (RecoveryReport). */
export interface LaunchReport extends OperatorRecord {
  workflowId: string;
  outcome: Outcome;
  region: string;
  accountId?: string;
  servers: DrillServerReport[];
  launchJobId?: string;
  /** The launch job's own times (DRS's record). */
  jobTimes?: { launch?: JobTimes };
  /** Seconds per phase, in the order they ran. */
  phaseDurations: Partial<Record<DrillPhase, number>>;
  /** With targets: false when a server missed one (whatever the outcome says), else true. */
  targetsMet?: boolean;
  /**
   * What the RTO targets were judged on: time to healthy when boot checks ran, else time to launch.
   */
  rtoMeasure?: RtoMeasure;
  startedAt: string;
  finishedAt: string;
  /** Why the launch ended as it did (abort reason, first error). */
  summary: string;
  errors: string[];
}

export interface DrillReport extends LaunchReport {
  operation: 'drill';
  terminateJobId?: string;
  /** Cleanup started its terminate job without a capacity place, and why (a stuck or full queue). */
  cleanupWentAhead?: string;
  /** The launch and terminate jobs' own times (DRS's record). */
  jobTimes?: { launch?: JobTimes; terminate?: JobTimes };
}

/** The `progress` query's answer. */
export interface DrillProgress {
  operation: 'drill';
  phase: DrillPhase;
  /** While waiting for capacity: the place in the queue. */
  capacity?: CapacityWaitStatus;
  launchJobId?: string;
  launchJobStatus?: JobStatus;
  terminateJobId?: string;
  servers: {
    sourceServerId: string;
    launchStatus?: string;
    recoveryInstanceId?: string;
    /** Where the server is in the launch job, by the job log (when read). */
    step?: JobStep;
    timeToLaunchSeconds?: number;
    /** PASSED / FAILED once the boot evidence is in. */
    boot?: ServerBootReport['result'];
    timeToHealthySeconds?: number;
  }[];
  /** The launch job's times once it ended; the terminate job's once cleanup ended. */
  jobTimes?: { launch?: JobTimes; terminate?: JobTimes };
  phaseDurations: Partial<Record<DrillPhase, number>>;
  approved: boolean;
  abortReason?: string;
  /** The report as far as it is known (filled in at the end). */
  report?: DrillReport;
}

// ---------------------------------------------------------------------------------------------
// What activities report about DRS jobs and instances (plain data kept small: it goes into history)

/** A DRS job as the activities report it (`toJobView`); the emulator's control API has its own JobSummary. */
export interface JobView {
  jobId: string;
  type?: string;
  initiatedBy?: string;
  status: JobStatus;
  creationDateTime?: string;
  endDateTime?: string;
  servers: { sourceServerId: string; launchStatus?: LaunchStatus; recoveryInstanceId?: string }[];
  tags: Record<string, string>;
  /** Each server's steps from the job's log, when the poll read it (always once COMPLETED). */
  timeline?: JobTimeline;
}

/** A drill's recovery instance, as DescribeRecoveryInstances lists it. */
export interface DrillInstance {
  sourceServerId: string;
  recoveryInstanceId: string;
  ec2InstanceId?: string;
  ec2InstanceState?: string;
  /** The snapshot the instance was launched from (ISO-8601). */
  pointInTime?: string;
  primaryIp?: string;
}

export interface TerminateResult {
  /** The terminate job, when there was anything to terminate. */
  jobId?: string;
  recoveryInstanceIds: string[];
}
