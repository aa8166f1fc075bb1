// Types of drsPlan, a recovery plan: waves of source servers, each run as drsDrill or drsRecovery
// child workflows, ordered by dependencies. Validated plan (common/inputs-plan.ts), report and
// progress. Plain data only, safe in workflow code.
import type { DrsTarget, HealthCheck, LaunchStatus, Outcome } from './types';

export type WaveAction = 'drill' | 'recovery';

/** One wave after validation: servers by id, or a tag selector resolved when the plan starts. */
export interface WavePlan {
  name: string;
  action: WaveAction;
  sourceServerIds?: string[];
  /** Every tag must match (DescribeSourceServers' tags); resolved once, before the first wave. */
  tags?: Record<string, string>;
  /** Waves that must SUCCEED before this one starts; default: the wave before it. */
  dependsOn: string[];
  /** Wait for an `approve` message before starting this wave. */
  pauseBefore: boolean;
  /** Servers per child workflow (one DRS job each). */
  maxServersPerChild: number;
  /** Child workflows of this wave running at once. */
  maxChildrenAtOnce: number;
  /** Extra child input fields (drsDrill or drsRecovery input, e.g. `validation`), checked by the child's schema. */
  options: Record<string, unknown>;
  /** Must pass before the wave launches anything (else the wave FAILS and its dependants are skipped). */
  preChecks?: WaveChecks;
  /** Must pass after the wave's children succeeded (else the wave FAILS). */
  postChecks?: WaveChecks;
}

/** Every check against every host, retried until all pass or `timeoutSeconds` elapses. */
export interface WaveChecks {
  checks: HealthCheck[];
  hosts: string[];
  timeoutSeconds: number;
}

export interface WaveCheckResult {
  stage: 'pre' | 'post';
  host: string;
  passed: boolean;
  /** The last failure when it did not pass. */
  error?: string;
}

/** A validated `drsPlan` input, every default filled in. */
export interface RecoveryPlanInput extends DrsTarget {
  waves: WavePlan[];
  /** Required (true) when any wave is a recovery: children are started with `confirm: true`. */
  confirm: boolean;
  /** How long a `pauseBefore` gate waits for `approve`; then the plan ends ABORTED. */
  approvalTimeoutSeconds: number;
}

export type WaveStatus =
  | 'PENDING'
  | 'AWAITING_APPROVAL'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'PARTIAL'
  | 'FAILED'
  /** A wave it depends on did not succeed. */
  | 'SKIPPED'
  /** Not started (or not finished starting) because the plan was aborted. */
  | 'ABORTED';

export interface PlanChildReport {
  workflowId: string;
  workflowType: 'drsDrill' | 'drsRecovery';
  sourceServerIds: string[];
  /** The child's report outcome; FAILED when the child workflow failed (preflight refused, DRS error). */
  outcome?: Outcome;
  launchJobId?: string;
  summary?: string;
}

export interface PlanWaveReport {
  name: string;
  action: WaveAction;
  status: WaveStatus;
  dependsOn: string[];
  sourceServerIds: string[];
  children: PlanChildReport[];
  startedAt?: string;
  finishedAt?: string;
  /** Why the wave was skipped, aborted or failed. */
  reason?: string;
  /** Results of its pre- and post-checks, per host. */
  checks?: WaveCheckResult[];
}

export interface PlanServerReport {
  sourceServerId: string;
  wave: string;
  /** The child workflow that ran this server; unset when its wave never started. */
  childWorkflowId?: string;
  launchStatus: LaunchStatus | 'NOT_LAUNCHED';
  recoveryInstanceId?: string;
  ec2InstanceId?: string;
  timeToLaunchSeconds?: number;
  dataAgeSeconds?: number;
  /** Drill waves: the drill instance was terminated by its child. */
  terminated?: boolean;
  errors: string[];
}

export interface PlanReport {
  operation: 'plan';
  workflowId: string;
  outcome: Outcome;
  region: string;
  accountId?: string;
  waves: PlanWaveReport[];
  /** Every server of every wave, in wave order. */
  servers: PlanServerReport[];
  approvedBy: string[];
  /** Seconds per phase, in the order they ran. */
  phaseDurations: Partial<Record<PlanPhase, number>>;
  abortReason?: string;
  startedAt: string;
  finishedAt: string;
  summary: string;
}

export type PlanPhase = 'validating-input' | 'resolving-servers' | 'running-waves' | 'done';

export interface PlanProgress {
  operation: 'plan';
  phase: PlanPhase;
  waves: PlanWaveReport[];
  /** Waves whose `pauseBefore` gate is waiting for `approve`. */
  awaitingApproval: string[];
  abortReason?: string;
  report?: PlanReport;
}
