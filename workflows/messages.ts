// Every signal, query and update the workflows handle, named by role. The names on the wire
// (`approve`, `abort`, `progress`) are shared by all workflows so drsctl and the UI address any
// of them the same way.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import {
  CAPACITY_REQUEST_SIGNAL,
  type CapacityPosition,
  type CapacityQueueState,
  type CapacityRequestArgs,
} from '../common/capacity';
import type { DrillProgress } from '../common/types';
import type { FailbackProgress, RecoveryProgress, ReplicationProgress } from '../common/types-lifecycle';
import type { PlanProgress } from '../common/types-plan';

export interface ApproveArgs {
  /** Who approved (recorded in the report). */
  by?: string;
  comment?: string;
}

export interface AbortArgs {
  reason?: string;
  by?: string;
}

/** Lets a gate proceed (a drill's approval-mode validation, a plan's pause between waves). */
export const approveSignal = defineSignal<[ApproveArgs?]>('approve');
/** Ends the operation early; whatever was launched by a drill is still cleaned up. */
export const abortSignal = defineSignal<[AbortArgs?]>('abort');

/** What `progress` answers; each workflow adds its own shape to this union. */
export type OperationProgress = DrillProgress;
/** Current phase, per-server state, job ids and timings. */
export const progressQuery = defineQuery<OperationProgress>('progress');

// The same `progress` query, typed per lifecycle workflow (one wire name, so drsctl and the UI ask
// every workflow the same way).
export const recoveryProgressQuery = defineQuery<RecoveryProgress>('progress');
export const failbackProgressQuery = defineQuery<FailbackProgress>('progress');
export const replicationProgressQuery = defineQuery<ReplicationProgress>('progress');
export const planProgressQuery = defineQuery<PlanProgress>('progress');

// The capacity queue (workflows/capacity.ts) and the runs waiting in it. Runs ask through an
// activity (signal-with-start: the queue may not be running yet) and hear back by signal.
/** Asks the queue for a place; sent by the requestCapacity activity. */
export const capacityRequestSignal = defineSignal<[CapacityRequestArgs]>(CAPACITY_REQUEST_SIGNAL);
/** Gives a place back, or leaves the queue. */
export const capacityReleaseSignal = defineSignal<[{ requestId: string }]>('capacityRelease');
/** To a waiting run: its place was granted. */
export const capacityGrantedSignal = defineSignal<[{ requestId: string }]>('capacityGranted');
/** To a waiting run: its place in the queue changed. */
export const capacityPositionSignal = defineSignal<[CapacityPosition]>('capacityPosition');
/** The queue's holders and waiting runs. */
export const capacityQuery = defineQuery<CapacityQueueState>('capacity');
