// Capacity under DRS's per-account-and-region job quotas, shared by every workflow and worker on one
// task queue of a namespace (the queue's id names the task queue, account and region). DRS refuses a
// new job (ServiceQuotaExceededException) when it would exceed the jobs in progress, the source
// servers across active jobs, or put a server into a second active job. So a run takes a grant from
// the account's capacity queue before it creates a job and gives it back when the job has COMPLETED.
// The queue itself is a workflow (workflows/capacity.ts); this file is its pure, deterministic
// bookkeeping, so the rules can be tested without Temporal.

/** The limits a grant respects; worker configuration, defaulting to DRS's published quotas. */
export interface CapacityLimits {
  /** Jobs in progress at once (DRS default 20). */
  maxConcurrentJobs: number;
  /** Source servers across all active jobs (DRS default 500). */
  maxServersInActiveJobs: number;
}

export const DRS_DEFAULT_LIMITS: CapacityLimits = { maxConcurrentJobs: 20, maxServersInActiveJobs: 500 };

/**
 * Cleanup (terminating drill instances) is served before launches: it frees what launches need and
 * stops paying for instances; within each lane places go first come, first served.
 */
export type CapacityLane = 'cleanup' | 'launch';

/**
 * A failover's launch (drsRecovery, and so a plan's recovery waves) is served before every other
 * waiting request, drill cleanups included: on the day of a disaster the failover must not queue
 * behind a burst of drills. Requests without it (drills, failbacks, old callers) keep their lane.
 */
export type CapacityPriority = 'failover';

export interface CapacityRequest {
  /** Unique per workflow run and step (`<workflowId>/<runId>/<step>`); repeats are ignored. */
  requestId: string;
  workflowId: string;
  runId: string;
  /** The servers the job will include: one job, these servers. */
  sourceServerIds: string[];
  lane: CapacityLane;
  /** Absent for drills, failbacks and every request of a build before priorities. */
  priority?: CapacityPriority;
  /** What the job is, for operators reading the queue (e.g. "drill launch"). */
  purpose: string;
  requestedAt: string;
}

export interface CapacityHolder extends CapacityRequest {
  grantedAt: string;
}

/** What a waiting run is told: its place in the queue (1 = next) and what is ahead of it. */
export interface CapacityPosition {
  requestId: string;
  position: number;
  jobsInUse: number;
  serversInUse: number;
}

/** What a run shows while it waits (progress query, drsctl --wait). */
export interface CapacityWaitStatus {
  purpose: string;
  /** 1 = next; unknown until the queue's first update arrives. */
  position?: number;
  jobsInUse?: number;
  serversInUse?: number;
  since: string;
}

/** A drill a failover aborted to get capacity (activities/capacity.ts preemptDrills). */
export interface PreemptedDrill {
  workflowId: string;
  /** What the drill's `abort` answered (what it still cleans up). */
  message: string;
}

/** Where a request stands: granted, waiting at a position, or not (yet) known to the queue. */
export type CapacityStanding = { granted: true } | { granted: false; position?: number };

/** What a request carries: the request and the sending worker's limits (the latest win). */
export interface CapacityRequestArgs {
  request: CapacityRequest;
  limits: CapacityLimits;
}

/** Carried across continue-as-new. */
export interface CapacityQueueState {
  limits: CapacityLimits;
  holders: CapacityHolder[];
  waiting: CapacityRequest[];
  /** Recently finished request ids, so a late duplicate request is not queued again. */
  finished: string[];
}

const FINISHED_REMEMBERED = 2000;

export function emptyCapacityState(limits: CapacityLimits = DRS_DEFAULT_LIMITS): CapacityQueueState {
  return { limits, holders: [], waiting: [], finished: [] };
}

/**
 * The queue of an account and region, shared by every run on the task queue in the namespace (the
 * queue runs on that task queue: a worker of another task queue could not serve it).
 */
export function capacityWorkflowId(taskQueue: string, region: string, accountId?: string): string {
  return `drs-capacity-${taskQueue}-${accountId ?? 'worker-account'}-${region}`;
}

/** Why a request can never be granted under `limits` (it needs more than the whole quota), if so. */
export function impossibleRequest(serverCount: number, limits: CapacityLimits): string | undefined {
  if (serverCount > limits.maxServersInActiveJobs)
    return `a job of ${serverCount} servers exceeds the limit of ${limits.maxServersInActiveJobs} servers across active jobs`;
  return undefined;
}

export class CapacityQueue {
  /**
   * `priorities` false keeps the order of a queue run started by a build before failover priority
   * (first come, first served within each lane) for the rest of that run, so it replays.
   */
  constructor(
    readonly state: CapacityQueueState,
    private readonly priorities = true,
  ) {}

  /** Queues a request; false when it is already queued, held or finished. */
  request(request: CapacityRequest): boolean {
    const id = request.requestId;
    if (this.isKnown(id)) return false;
    this.state.waiting.push(request);
    return true;
  }

  isKnown(requestId: string): boolean {
    const { holders, waiting, finished } = this.state;
    return (
      holders.some((h) => h.requestId === requestId) ||
      waiting.some((w) => w.requestId === requestId) ||
      finished.includes(requestId)
    );
  }

  /**
   * Moves a run's place from one of its jobs to its next (`from` → `request`) in one step, so no
   * waiting run takes it in between. The new job holds a place even when `from` is not held any
   * more (a queue restarted by hand): the run goes on regardless, and the count has to show it.
   * False when the request is already known.
   */
  handOver(from: string, request: CapacityRequest, now: string): boolean {
    if (this.isKnown(request.requestId)) return false;
    this.release(from);
    this.state.holders.push({ ...request, grantedAt: now });
    return true;
  }

  /** Gives a place back, or leaves the queue; true when it changed anything. */
  release(requestId: string): boolean {
    const { holders, waiting, finished } = this.state;
    const before = holders.length + waiting.length;
    this.state.holders = holders.filter((h) => h.requestId !== requestId);
    this.state.waiting = waiting.filter((w) => w.requestId !== requestId);
    if (!finished.includes(requestId)) finished.push(requestId);
    if (finished.length > FINISHED_REMEMBERED) finished.splice(0, finished.length - FINISHED_REMEMBERED);
    return this.state.holders.length + this.state.waiting.length !== before;
  }

  standing(requestId: string): CapacityStanding {
    if (this.state.holders.some((h) => h.requestId === requestId)) return { granted: true };
    const index = this.ordered().findIndex((w) => w.requestId === requestId);
    return index < 0 ? { granted: false } : { granted: false, position: index + 1 };
  }

  usage(): { jobsInUse: number; serversInUse: number } {
    const servers = this.state.holders.reduce((n, h) => n + h.sourceServerIds.length, 0);
    return { jobsInUse: this.state.holders.length, serversInUse: servers };
  }

  /**
   * Waiting requests in service order: failovers, then the cleanup lane, then launches, each by
   * arrival.
   */
  ordered(): CapacityRequest[] {
    const { waiting } = this.state;
    const first = this.priorities ? waiting.filter((w) => w.priority === 'failover') : [];
    const rest = waiting.filter((w) => !first.includes(w));
    return [
      ...first,
      ...rest.filter((w) => w.lane === 'cleanup'),
      ...rest.filter((w) => w.lane === 'launch'),
    ];
  }

  /** Launch places held without priority: the drills among them are what a failover may preempt. */
  preemptibleHolders(): CapacityHolder[] {
    return this.state.holders.filter((h) => h.lane === 'launch' && h.priority === undefined);
  }

  /**
   * Grants places in service order while the next request fits; stops at the first that does not
   * (no overtaking, so a large request is never starved by small ones). A request that could never
   * fit is granted once nothing else holds a place, so it fails at DRS rather than wait forever.
   */
  grant(now: string): CapacityHolder[] {
    const granted: CapacityHolder[] = [];
    for (const next of this.ordered()) {
      if (!this.fits(next)) break;
      const holder = { ...next, grantedAt: now };
      this.state.waiting = this.state.waiting.filter((w) => w.requestId !== next.requestId);
      this.state.holders.push(holder);
      granted.push(holder);
    }
    return granted;
  }

  positions(): CapacityPosition[] {
    const usage = this.usage();
    return this.ordered().map((w, i) => ({ requestId: w.requestId, position: i + 1, ...usage }));
  }

  private fits(request: CapacityRequest): boolean {
    const { holders, limits } = this.state;
    if (holders.length === 0) return true;
    const busy = new Set(holders.flatMap((h) => h.sourceServerIds));
    if (request.sourceServerIds.some((id) => busy.has(id))) return false; // one active job per server
    const { jobsInUse, serversInUse } = this.usage();
    return (
      jobsInUse + 1 <= limits.maxConcurrentJobs &&
      serversInUse + request.sourceServerIds.length <= limits.maxServersInActiveJobs
    );
  }
}
