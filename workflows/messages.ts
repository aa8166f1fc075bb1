// Every signal and query the workflows handle, named by role. The names on the wire (`approve`,
// `abort`, `progress`) are the same for every workflow, so drsctl and the UI address any of them
// the same way; the `progress` answer differs per workflow type, so each type has its own query.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DrillProgress } from '../common/types';
import type { FailbackProgress, RecoveryProgress, ReplicationProgress } from '../common/types-lifecycle';
import type { PlanProgress } from '../common/types-plan';

export interface ApproveArgs {
  /** Who approved (recorded in the report). */
  by?: string;
}

export interface AbortArgs {
  /** Why (recorded in the report). */
  reason?: string;
}

/** Lets a gate proceed (a drill's approval-mode validation, a plan's pause between waves). */
export const approveSignal = defineSignal<[ApproveArgs?]>('approve');
/** Ends the operation early; whatever was launched by a drill is still cleaned up. */
export const abortSignal = defineSignal<[AbortArgs?]>('abort');

/** Current phase, per-server state, job ids and timings; the report once known. */
export const drillProgressQuery = defineQuery<DrillProgress>('progress');
export const recoveryProgressQuery = defineQuery<RecoveryProgress>('progress');
export const failbackProgressQuery = defineQuery<FailbackProgress>('progress');
export const replicationProgressQuery = defineQuery<ReplicationProgress>('progress');
export const planProgressQuery = defineQuery<PlanProgress>('progress');

/** drsDrill's query under its former name (workflows/drill.ts still imports it). */
export const progressQuery = drillProgressQuery;
