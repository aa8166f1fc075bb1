// drsReconcile: its input, its report, and the rule that decides what happens to each drill
// instance found in an account and region. Pure and deterministic: the workflow decides with it,
// unit tests check it without Temporal.
//
// The rule: a drill instance is ours only if the job that launched it carries this product's
// workflow-id tag (and, when tagged with a namespace, this namespace's). Ours, whose workflow is
// closed or gone from Temporal, launched longer ago than the grace period: terminate. Anything
// untagged is never touched: it is reported once older than `untaggedMaxAgeSeconds`.
import { z } from 'zod';
import { accountIdSchema, DAY, parseInput, regionSchema, secondsUpTo } from './inputs';
import type { Outcome } from './types';

export const reconcileInputSchema = z.strictObject({
  region: regionSchema,
  accountId: accountIdSchema.optional(),
  /** A closed drill's instances are left this long after their launch (its own cleanup may be late). */
  graceSeconds: secondsUpTo(30 * DAY).default(1800),
  /** Untagged drill instances older than this are reported (never terminated). */
  untaggedMaxAgeSeconds: secondsUpTo(365 * DAY).default(DAY),
  /** Report what would be terminated, terminate nothing. */
  dryRun: z.boolean().default(false),
  /** Deadline for the terminate jobs, any wait for capacity included. */
  cleanupTimeoutSeconds: secondsUpTo(DAY).default(3 * 3600),
});

export type ReconcileInput = z.input<typeof reconcileInputSchema>;
export type ReconcileSpec = z.output<typeof reconcileInputSchema>;

export function parseReconcileInput(raw: unknown): ReconcileSpec {
  return parseInput('drsReconcile', reconcileInputSchema, raw);
}

/** A drill instance as the listing found it, with what the tags of its launch job say. */
export interface FoundDrillInstance {
  recoveryInstanceId: string;
  sourceServerId: string;
  ec2InstanceId?: string;
  ec2InstanceState?: string;
  launchJobId?: string;
  /** When the launch was requested (the launch job's creation), else DRS's last update of the instance. */
  launchedAt?: string;
  /** The `temporal-drs:workflow-id` tag of the launch job; undefined when untagged. */
  workflowId?: string;
  /** The `temporal-drs:namespace` tag of the launch job (jobs tagged before it existed have none). */
  namespace?: string;
}

/** The state of a workflow id in this namespace: RUNNING, a closed status, or NOT_FOUND. */
export type WorkflowState = string;

export type ReconcileAction =
  /** Terminated by this run (or by an earlier attempt of it). */
  | 'terminate'
  /** Would have been terminated without `dryRun`. */
  | 'would-terminate'
  /** Ours, left alone (its workflow runs, or the grace period is not over). */
  | 'keep'
  /** Not ours: reported for a person to look at, never touched. */
  | 'report';

export interface ReconciledInstance extends FoundDrillInstance {
  action: ReconcileAction;
  reason: string;
  /** The workflow's state when its tag named one. */
  workflowState?: WorkflowState;
  /** After the terminate job: the instance is gone (false: it is still up, see errors). */
  terminated?: boolean;
  terminateJobId?: string;
}

export interface ReconcileReport {
  operation: 'reconcile';
  workflowId: string;
  outcome: Outcome;
  region: string;
  accountId?: string;
  dryRun: boolean;
  graceSeconds: number;
  untaggedMaxAgeSeconds: number;
  /**
   * Every drill instance that needs a word, one row each: of closed drills (terminated or kept), and
   * not ours. Named `servers` (each row has its sourceServerId) so drsctl's generic report writers,
   * the HTML page and the evidence store read them like any report's rows.
   */
  servers: (ReconciledInstance & { errors?: string[] })[];
  /** Drill instances of drills still running: counted, not listed (a running plan may have thousands). */
  runningDrillInstances: number;
  terminateJobIds: string[];
  summary: string;
  errors: string[];
  startedAt: string;
  finishedAt: string;
}

export interface ReconcileProgress {
  operation: 'reconcile';
  phase: 'listing' | 'terminating' | 'waiting-for-capacity' | 'done';
  report?: ReconcileReport;
}

/** States in which a drill instance needs no terminate call. */
export const GONE_EC2_STATES = new Set(['TERMINATED', 'SHUTTING-DOWN', 'NOT_FOUND']);

const briefDuration = (s: number) => (s % 3600 === 0 ? `${s / 3600} h` : `${Math.round(s / 60)} min`);

/**
 * What to do with one instance, `nowMs` being workflow time. `namespace` is the reconciler's own:
 * a job tagged by a deployment in another namespace is that deployment's to clean up.
 */
export function decide(
  instance: FoundDrillInstance,
  state: WorkflowState | undefined,
  spec: Pick<ReconcileSpec, 'graceSeconds' | 'untaggedMaxAgeSeconds' | 'dryRun'>,
  namespace: string,
  nowMs: number,
): ReconciledInstance | undefined {
  const launched = Date.parse(instance.launchedAt ?? '');
  const ageSeconds = Number.isFinite(launched) ? Math.floor((nowMs - launched) / 1000) : undefined;
  const age = ageSeconds === undefined ? 'of unknown age' : `launched ${briefDuration(ageSeconds)} ago`;
  if (!instance.workflowId) {
    if (ageSeconds !== undefined && ageSeconds < spec.untaggedMaxAgeSeconds) return undefined;
    return {
      ...instance,
      action: 'report',
      reason: `its launch job has no temporal-drs tag (not started by this product), ${age}: never touched`,
    };
  }
  if (instance.namespace !== undefined && instance.namespace !== namespace)
    return {
      ...instance,
      action: 'report',
      reason: `launched by workflow ${instance.workflowId} of namespace ${instance.namespace}, not this one`,
    };
  const ours = { ...instance, workflowState: state };
  if (state === undefined || state === 'RUNNING')
    return { ...ours, action: 'keep', reason: `its workflow ${instance.workflowId} is running` };
  const closed = state === 'NOT_FOUND' ? 'is gone from Temporal' : `ended ${state}`;
  if (ageSeconds === undefined)
    return {
      ...ours,
      action: 'keep',
      reason: `its workflow ${instance.workflowId} ${closed}, but its launch time is unknown`,
    };
  if (ageSeconds < spec.graceSeconds)
    return {
      ...ours,
      action: 'keep',
      reason: `its workflow ${instance.workflowId} ${closed}, but it was ${age}, within the grace period of ${briefDuration(spec.graceSeconds)}`,
    };
  return {
    ...ours,
    action: spec.dryRun ? 'would-terminate' : 'terminate',
    reason: `its workflow ${instance.workflowId} ${closed} and it was ${age} (grace ${briefDuration(spec.graceSeconds)})`,
  };
}
