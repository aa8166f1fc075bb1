// What a notification says: built in workflow code from the run's own state, so it holds nothing
// secret (the receivers' URLs are the worker's configuration, activities/notifications.ts).
// Plain data, safe in workflow code.

export type NotificationKind =
  /** A run ended (its report's outcome, or the failure). */
  | 'run-ended'
  /** A run waits at a gate for `approve`. */
  | 'awaiting-approval'
  /** A readiness run found the plan AT_RISK or NOT_READY. */
  | 'readiness'
  /** A readiness run found servers with no SUCCEEDED drill within the window. */
  | 'drill-stale'
  /** A run's evidence could not be written to the evidence store (the run's outcome stands). */
  | 'evidence-not-stored';

export interface NotificationEvent {
  kind: NotificationKind;
  /** One line for people: "drill SUCCEEDED", "readiness NOT_READY". */
  title: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  outcome?: string;
  summary?: string;
  /** Workflow time, ISO-8601. */
  at: string;
  /** Source servers concerned (stale drills: the stale ones). */
  sourceServerIds?: string[];
}
