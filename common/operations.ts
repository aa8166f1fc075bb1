// The operations a worker can be configured to serve (DRS_ALLOWED_OPERATIONS), by workflow type.
// The names are those of the DrsOperation search attribute and of drsctl's subcommands.

export const OPERATIONS = [
  'drill',
  'recovery',
  'failback',
  'replication',
  'plan',
  'readiness',
  'reconcile',
  'reprotect',
  'extend',
] as const;
export type OperationName = (typeof OPERATIONS)[number];

/** The operation a workflow type runs; drsCapacity (the shared queue) is part of every one. */
export const OPERATION_OF_WORKFLOW_TYPE: Record<string, OperationName | undefined> = {
  drsDrill: 'drill',
  drsRecovery: 'recovery',
  drsFailback: 'failback',
  drsReplication: 'replication',
  drsPlan: 'plan',
  drsReadiness: 'readiness',
  drsReconcile: 'reconcile',
  drsReprotect: 'reprotect',
  drsExtend: 'extend',
};
