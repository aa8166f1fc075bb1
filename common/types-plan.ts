// Types of drsPlan, a recovery plan: waves of source servers, each run as drsDrill or drsRecovery
// child workflows, ordered by dependencies. Report and progress (the validated plan is the schema's
// type, common/inputs-plan.ts). Plain data only, safe in workflow code.
import type { WaveAction } from './inputs-plan';
import type { NetworkStepReport } from './types-networks';
import type { Placement } from './plan-placement';
import type { RtoMeasure, TargetResults } from './targets';
import type { AbortRequest, Approval, LaunchStatus, Outcome, ServerBootReport } from './types';

export interface WaveCheckResult {
  stage: 'pre' | 'post';
  host: string;
  passed: boolean;
  /** The last failure when it did not pass. */
  error?: string;
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
  /** The account (unset: the worker's own) and region of the child's job; unset in runs recorded before. */
  region?: string;
  accountId?: string;
  /** The child's report outcome; FAILED when the child workflow failed (preflight refused, DRS error). */
  outcome?: Outcome;
  launchJobId?: string;
  summary?: string;
  /** A drill child's word that its servers booted and passed their checks (`dependentsStartWhen: healthy`). */
  healthy?: boolean;
}

export interface PlanWaveReport {
  name: string;
  action: WaveAction;
  status: WaveStatus;
  dependsOn: string[];
  sourceServerIds: string[];
  /**
   * The accounts and regions its servers are recovered in (the wave's own first); unset in runs
   * recorded before plans spanned accounts.
   */
  placements?: Placement[];
  children: PlanChildReport[];
  startedAt?: string;
  finishedAt?: string;
  /** Why the wave was skipped, aborted or failed. */
  reason?: string;
  /** Results of its pre- and post-checks, per host. */
  checks?: WaveCheckResult[];
  /** With `dependentsStartWhen: healthy`: when every server of the wave had passed its checks. */
  healthyAt?: string;
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
  /** StartRecovery request to every check passed (the child's boot evidence). */
  timeToHealthySeconds?: number;
  /** The boot verdict (the child's report holds the evidence itself). */
  boot?: Pick<ServerBootReport, 'result' | 'reason'>;
  dataAgeSeconds?: number;
  /** Drill waves: the drill instance was terminated by its child. */
  terminated?: boolean;
  /** The RTO/RPO targets that applied (plan, wave, server), each against its measured figure. */
  targets?: TargetResults;
  errors?: string[];
}

/**
 * A wave in the final report: its servers are the report's `servers[]` of that wave, so the wave
 * and its children do not list them again (it keeps a 4,000-server report under 1 MB).
 */
export type PlanWaveSummary = Omit<PlanWaveReport, 'sourceServerIds' | 'children'> & {
  children: Omit<PlanChildReport, 'sourceServerIds'>[];
};

export interface PlanReport {
  operation: 'plan';
  workflowId: string;
  outcome: Outcome;
  region: string;
  accountId?: string;
  waves: PlanWaveSummary[];
  /**
   * Every server of every wave, in wave order. Kept lean: no `errors` when there were none, and no
   * instance ids once a drill terminated the instance (its child's report still has them).
   */
  servers: PlanServerReport[];
  /** Every accepted `approve`, in order; one may open several waves waiting at once. */
  approvals: Approval[];
  abort?: AbortRequest;
  /** The network step before the waves (`network` in the input): preflight, job, stacks, cleanup. */
  network?: NetworkStepReport;
  /** Seconds per phase, in the order they ran. */
  phaseDurations: Partial<Record<PlanPhase, number>>;
  /** With targets: false when a server missed one (whatever the outcome says), else true. */
  targetsMet?: boolean;
  /** What the RTO targets were judged on: time to healthy when boot checks ran, else time to launch. */
  rtoMeasure?: RtoMeasure;
  abortReason?: string;
  startedAt: string;
  finishedAt: string;
  summary: string;
}

export type PlanPhase =
  | 'validating-input'
  | 'resolving-servers'
  | 'recovering-networks'
  | 'running-waves'
  | 'cleaning-up-networks'
  | 'done';

export interface PlanProgress {
  operation: 'plan';
  phase: PlanPhase;
  waves: PlanWaveReport[];
  /** Waves whose `pauseBefore` gate is waiting for `approve`. */
  awaitingApproval: string[];
  abortReason?: string;
  report?: PlanReport;
}
