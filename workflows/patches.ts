// Every patch id workflow code passes to patched() / deprecatePatch(), in one place. A patch id is
// written into a run's history (a marker), so an id must never change once released, and an entry
// leaves this register only after its deprecatePatch() step has itself outlived every run that
// recorded the marker. Workflow code uses `PATCHES.<name>.id`, never a bare string.
//
// `since` is the release whose builds first record the marker; `deprecateWhen` is the condition
// under which patched(id) can become deprecatePatch(id) (the old branch deleted): no open run, and
// no history kept for replay (test/histories, a namespace's retention), predates that release.
//
// One block per branch that adds patches, so concurrent additions merge without conflicts.

export interface PatchEntry {
  /** The marker id recorded in histories: never edit a released one. */
  readonly id: string;
  /** The release that introduced the patch. */
  readonly since: string;
  /** When `patched(id)` may become `deprecatePatch(id)` and the old branch be removed. */
  readonly deprecateWhen: string;
}

export const PATCHES = {
  // --- 0.1.0 (patches that predate this register) ---

  /** Runs started before the capacity queue existed replay without queue calls (workflows/launch.ts). */
  capacityQueue: {
    id: 'capacity-queue',
    since: '0.1.0',
    deprecateWhen:
      'no open drill, recovery or failback run started by a build before 0.1.0, and no such history in test/histories',
  },
  /**
   * A drill with no validation wait hands its launch place straight to its cleanup; a queue task run
   * by a build without the hand-over handler ignored the signal (workflows/capacity.ts, drill.ts).
   */
  capacityHandOver: {
    id: 'capacity-hand-over',
    since: '0.1.0',
    deprecateWhen:
      'no open drsDrill and no open drsCapacity run (a queue continues-as-new, so check its current run) started before 0.1.0',
  },
  /** Job waits start from the created job instead of polling at once (workflows/job-waits.ts). */
  jobWaitFromCreated: {
    id: 'job-wait-from-created',
    since: '0.1.0',
    deprecateWhen:
      'no open run that follows a DRS job started before 0.1.0, and no such history in test/histories',
  },
  /** Notification activities; runs recorded before them replay without the calls (workflows/notifications.ts). */
  notifications: {
    id: 'notifications',
    since: '0.1.0',
    deprecateWhen:
      'no open run of any workflow type started before 0.1.0, and no such history in test/histories',
  },
  // ---- i23: evidence that outlives Temporal ----
  /** Every run stores its evidence (workflows/evidence.ts) before it closes. */
  evidenceStore: {
    id: 'evidence-store',
    since: '0.2.0',
    deprecateWhen: 'no open run started before 0.2.0',
  },
  /**
   * Runs that end without their report (refused input, a failure before the report, a cancellation)
   * store a minimal report as evidence too (workflows/end-evidence.ts).
   */
  evidenceEveryEnd: {
    id: 'evidence-every-end',
    since: '0.2.0',
    deprecateWhen:
      'no open run started before 0.2.0, and no history in test/histories recorded without the marker',
  },
  // ---- end i23 ----
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
  // --- 0.2.0: boot evidence (issue 22) ---

  /**
   * After the launch job, drills, failovers and plan waves follow each launched instance until EC2's
   * status checks pass, read its launch actions and run its in-guest checks (workflows/boot.ts); a
   * drill with boot evidence no longer hands its launch place to its cleanup. Runs recorded before
   * end at LAUNCHED as they did.
   */
  bootEvidence: {
    id: 'boot-evidence',
    since: '0.2.0',
    deprecateWhen:
      'no open drsDrill or drsRecovery run started by a build before 0.2.0, and no such history in test/histories',
  },

  // --- i24-priority: failover first, cleanup never blocked by the capacity queue ---

  /**
   * The capacity queue serves failovers before drills; a queue run started by a build before this
   * keeps first come, first served to its end (workflows/capacity.ts, common/capacity.ts).
   */
  capacityPriority: {
    id: 'capacity-priority',
    since: '0.2.0',
    deprecateWhen:
      'no open drsCapacity run (a queue continues-as-new, so check its current run) started before 0.2.0',
  },
  /** A drill's cleanup goes ahead without a capacity place after a bounded wait (workflows/drill.ts). */
  cleanupGoAhead: {
    id: 'cleanup-go-ahead',
    since: '0.2.0',
    deprecateWhen: 'no open drsDrill started before 0.2.0, and no such history in test/histories',
  },

  // ---- i25-reprotect: failback of servers that ran in EC2 in another region ----
  /**
   * drsFailback chooses its path from the instances' origin: EC2-originated ones fail back by a
   * recovery in the origin region from their reversed servers, then replication is reversed back
   * (workflows/failback-ec2.ts). Runs recorded before it took the StartFailbackLaunch path for every
   * instance.
   */
  ec2Failback: {
    id: 'failback-ec2-path',
    since: '0.2.0',
    deprecateWhen: 'no open drsFailback started before 0.2.0, and no such history in test/histories',
  },
  // ---- end i25-reprotect ----
  // ---- i26-extend: an estate across staging accounts ----
  /**
   * drsReplication acts on an extended server's staging server, in its staging account, where runs
   * recorded before refused it (workflows/replication.ts).
   */
  replicationInStagingAccount: {
    id: 'replication-in-staging-account',
    since: '0.2.0',
    deprecateWhen: 'no open drsReplication started before 0.2.0 that names an extended server',
  },
  /** drsReadiness reads every staging account (their roles, quota headroom, servers not extended). */
  readinessEstate: {
    id: 'readiness-estate',
    since: '0.2.0',
    deprecateWhen:
      'no drsReadiness history recorded before 0.2.0 is kept for replay (readiness runs are short)',
  },
  // ---- end i26-extend ----
  // --- i25-net: a plan's network step ---

  /**
   * A plan with `network` recovers its source networks before the waves and, in a drill, deletes the
   * stacks at cleanup (workflows/plan-network.ts). Older builds refused the field (their schema is
   * strict), so only runs of this build record the marker.
   */
  planNetworkStep: {
    id: 'plan-network-step',
    since: '0.2.0',
    deprecateWhen: 'no open drsPlan started before 0.2.0, and no such history in test/histories',
  },
  // ---- i26-plans: plans across accounts and regions ----
  /**
   * drsPlan checks that the worker reaches every account and region of the plan, and selects
   * servers (tags, staging accounts) with selectPlanServers in each wave's own account and region
   * (workflows/plan-estate.ts); runs recorded before resolve tags with resolveTaggedServers.
   */
  planPlacements: {
    id: 'plan-placements',
    since: '0.2.0',
    deprecateWhen:
      'no open drsPlan started before 0.2.0 is resolving its servers, and no such history in test/histories',
  },
  // ---- end i26-plans ----
  // ---- i28-retire: a failback's terminate job in the capacity queue ----
  /**
   * The EC2 failback's TerminateRecoveryInstances runs through runJob: it takes a place in the DR
   * region's capacity queue (cleanup lane) like every other job (workflows/failback-ec2.ts). Runs
   * recorded before started it with no place.
   */
  failbackRetireQueued: {
    id: 'failback-retire-queued',
    since: '0.2.0',
    deprecateWhen:
      'no open drsFailback on its EC2 path started by a build without this marker, and test/histories no longer keeps drsFailback-ec2-home.json (recorded before it)',
  },
  // ---- end i28-retire ----
} as const satisfies Record<string, PatchEntry>;
