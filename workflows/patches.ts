// Every patch id the workflows pass to patched(): runs recorded before a change replay on the old
// path, new runs take the new one. One entry per patch; `deprecateWhen` says when the old path can
// go (deprecatePatch, then removal). Deterministic workflow code.
export const PATCHES = {
  // ---- i24: safe to run against production ----
  /** Hosts an input names for probes are checked against the worker's probe rule before any launch. */
  probeTargets: {
    id: 'probe-targets',
    since: '0.2.0',
    deprecateWhen: 'no open run started before 0.2.0 names probe hosts',
  },
  /** A gate's approver is checked against the worker's approver list and the run's starter. */
  approvalPolicy: {
    id: 'approval-policy',
    since: '0.2.0',
    deprecateWhen: 'no open run started before 0.2.0 waits at a gate',
  },
  /** drsRecovery chooses the point in time once (it chose twice, naming a refused server twice). */
  pointInTimeOnce: {
    id: 'recovery-point-in-time-once',
    since: '0.2.0',
    deprecateWhen: 'no open drsRecovery started before 0.2.0 is in preflight',
  },
  /** A drill whose launch start failed looks for the job it may have created, and cleans it up. */
  failedStartLookup: {
    id: 'drill-failed-start-lookup',
    since: '0.2.0',
    deprecateWhen: 'no open drill started before 0.2.0 is launching',
  },
  // ---- end i24 ----
} as const;
