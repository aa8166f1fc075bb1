// Every update, signal and query the workflows handle, named by role. The names on the wire
// (`approve`, `abort`, `progress`) are the same for every workflow, so drsctl and the UI address any
// of them the same way; the `progress` answer differs per workflow type, so each type has its own query.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  CapacityStanding,
  CapacityPosition,
  CapacityQueueState,
  CapacityRequest,
  CapacityRequestArgs,
} from '../common/capacity';
import type { DrillProgress } from '../common/types';
import type { FailbackProgress, RecoveryProgress, ReplicationProgress } from '../common/types-lifecycle';
import type { PlanProgress } from '../common/types-plan';
import type { ReadinessProgress } from '../common/readiness';
import type { ReconcileProgress } from '../common/reconcile';
import type { ReprotectProgress } from '../common/types-reprotect';
import type { ExtendProgress } from '../common/extend';

export interface ApproveArgs {
  /** Who approved (recorded in the report). */
  by?: string;
  note?: string;
}

export interface AbortArgs {
  /** Who aborted (recorded in the report). */
  by?: string;
  /** Why (recorded in the report). */
  reason?: string;
}

/** What an accepted `approve` did. */
export interface ApproveResult {
  /** The gate it opened, as the report names it (`validation`, `confirmation`, `wave "web"`). */
  gate: string;
  message: string;
}

/** What an accepted `abort` did, and what the run still cleans up before it ends. */
export interface AbortResult {
  cleanup: string;
  message: string;
}

/**
 * Lets a gate proceed (a drill's approval-mode validation, a failover's confirmation, a plan's
 * pause between waves). The validator rejects a request with nothing to act on, with the reason.
 */
export const approveUpdate = defineUpdate<ApproveResult, [ApproveArgs]>('approve');
/** Ends the operation early; whatever a drill launched is still cleaned up. Rejected when there is nothing left to stop. */
export const abortUpdate = defineUpdate<AbortResult, [AbortArgs]>('abort');

// The same two as signals, which cannot answer: one with nothing to act on is dropped. A plan
// forwards its abort to its children this way (workflow code cannot send updates), and runs and
// histories from before the updates carry them.
export const approveSignal = defineSignal<[ApproveArgs?]>('approve');
export const abortSignal = defineSignal<[AbortArgs?]>('abort');

/** Current phase, per-server state, job ids and timings; the report once known. */
export const drillProgressQuery = defineQuery<DrillProgress>('progress');
export const recoveryProgressQuery = defineQuery<RecoveryProgress>('progress');
export const failbackProgressQuery = defineQuery<FailbackProgress>('progress');
export const replicationProgressQuery = defineQuery<ReplicationProgress>('progress');
export const planProgressQuery = defineQuery<PlanProgress>('progress');
export const readinessProgressQuery = defineQuery<ReadinessProgress>('progress');
export const reconcileProgressQuery = defineQuery<ReconcileProgress>('progress');
export const reprotectProgressQuery = defineQuery<ReprotectProgress>('progress');
export const extendProgressQuery = defineQuery<ExtendProgress>('progress');

// The capacity queue (workflows/capacity.ts) and the runs waiting in it (workflows/capacity-waiter.ts).
// Runs ask through an activity (Update-with-Start: the queue may not be running yet, and workflow
// code cannot start it) and hear of a later grant or a new position by signal.
/**
 * Asks the queue for a place and answers where the request stands once the queue has granted what
 * fits. Its validator refuses a request that can never fit, so it is never queued.
 */
export const capacityRequestUpdate = defineUpdate<CapacityStanding, [CapacityRequestArgs]>('capacityRequest');
/** The same request as a signal, which cannot answer: sent by builds before the update (runs in flight). */
export const capacityRequestSignal = defineSignal<[CapacityRequestArgs]>('capacityRequest');
/** Gives a place back, or leaves the queue. */
export const capacityReleaseSignal = defineSignal<[{ requestId: string }]>('capacityRelease');
/** Moves a place the run holds (`from`) to its next job, in one step (CapacityQueue.handOver). */
export const capacityHandOverSignal =
  defineSignal<[{ from: string; request: CapacityRequest }]>('capacityHandOver');
/** To a waiting run: its place was granted. */
export const capacityGrantedSignal = defineSignal<[{ requestId: string }]>('capacityGranted');
/** To a waiting run: its place in the queue changed. */
export const capacityPositionSignal = defineSignal<[CapacityPosition]>('capacityPosition');
/** Where one request stands: read after the signal by the activity of builds before the update. */
export const capacityStandingQuery = defineQuery<CapacityStanding, [string]>('capacityPlace');
/** The queue's holders and waiting runs. */
export const capacityQuery = defineQuery<CapacityQueueState>('capacity');

/**
 * A plan's drill child tells the plan its servers' boot verdicts are in (`healthy`: every server
 * passed), so waves that depend on a wave with `dependentsStartWhen: "healthy"` start while the
 * child still validates and cleans up.
 */
export const childHealthSignal = defineSignal<[{ workflowId: string; healthy: boolean }]>('childHealth');
