// Every workflow the worker registers. Type names are stable: the UI, CI and schedules start them
// by name. drsCapacity is the capacity queue every run shares (one per task queue, account and region).
export { drsDrill } from './drill';
export { drsRecovery } from './recovery';
export { drsFailback } from './failback';
export { drsReplication } from './replication';
export { drsPlan } from './plan';
export { drsCapacity } from './capacity';
export { drsReadiness } from './readiness';
export { drsReconcile } from './reconcile';
export { drsReprotect } from './reprotect';
export { drsExtend } from './extend';
