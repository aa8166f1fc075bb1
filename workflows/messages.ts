// Every signal, query and update the workflows handle, named by role. The names on the wire
// (`approve`, `abort`, `progress`) are shared by all workflows so drsctl and the UI address any
// of them the same way.
import { defineQuery, defineSignal } from '@temporalio/workflow';
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
