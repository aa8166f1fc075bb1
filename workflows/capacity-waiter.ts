// A run's side of the capacity queue (drsCapacity, capacity.ts): it asks for a place before each DRS
// job, waits for the grant while operators see its position, and gives the place back.
//
// Failover first: a failover's request (priority `failover`) is served before every waiting drill;
// one that still waits `preempt.afterMs` may abort the drills holding launch places. A cleanup never
// waits on the queue forever: its terminate job frees what DRS counts, so after `goAhead.afterMs` it
// goes ahead without a place.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  metricMeter,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  capacityWorkflowId,
  type CapacityLane,
  type CapacityPosition,
  type CapacityPriority,
  type CapacityRequest,
  type CapacityWaitStatus,
  type PreemptedDrill,
} from '../common/capacity';
import { recordCapacityWait } from '../common/metrics';
import type { DrsTarget } from '../common/types';
import { queueCallsUntil } from './capacity';
import { DEADLINE_EXCEEDED } from './job-waits';
import {
  capacityGrantedSignal,
  capacityHandOverSignal,
  capacityPositionSignal,
  capacityReleaseSignal,
} from './messages';
import { errorMessage } from './operation-support';

/** A waiting run asks again this often, so a queue that was terminated and restarted still has it. */
const REQUEST_REFRESH_MS = 10 * 60 * 1000;

interface Wait {
  granted: boolean;
  position?: CapacityPosition;
}

export interface CapacityAsk {
  target: DrsTarget;
  /** Names the job within the run (`launch`, `cleanup`, …): one place per step. */
  step: string;
  /** The servers the job will include. */
  sourceServerIds: string[];
  lane: CapacityLane;
  /** What the job is, for operators (e.g. "drill launch of 3 server(s)"). */
  purpose: string;
  /** The wait gives up here (DeadlineExceeded). */
  deadlineMs: number;
  /** `failover` for a failover's launch: served before every waiting drill. */
  priority?: CapacityPriority;
  /**
   * A failover that still waits after `afterMs` aborts the drills holding launch places in its queue
   * (same account and region), once; `onPreempted` hears which accepted.
   */
  preempt?: { afterMs: number; onPreempted: (drills: PreemptedDrill[]) => void };
  /**
   * A job that frees capacity (a terminate job) stops waiting after this long and goes ahead without
   * a place; `onGoAhead` hears after how long.
   */
  goAhead?: { afterMs: number; onGoAhead: (waitedMs: number) => void };
  /** An abort stops the wait (the place is given up). */
  aborted?: () => boolean;
  /** Called once when the run has to wait (the place was not granted at once). */
  onWait?: () => void;
}

/**
 * A run's side of the capacity queue: asks for places, waits, gives them back. Create one per run
 * (its constructor sets the signal handlers the queue answers on).
 */
export class CapacityWaiter {
  private readonly waits = new Map<string, Wait>();
  private readonly held = new Map<string, string>(); // requestId → queue workflow id
  /** The wait operators see: which request, and since when for what. */
  private current?: { requestId: string; status: CapacityWaitStatus };

  constructor() {
    setHandler(capacityGrantedSignal, ({ requestId }) => {
      const wait = this.waits.get(requestId);
      if (wait) wait.granted = true;
    });
    setHandler(capacityPositionSignal, (p) => {
      const wait = this.waits.get(p.requestId);
      if (wait) wait.position = p;
    });
  }

  /** The current wait as shown to operators (its position follows the queue's updates). */
  status(): CapacityWaitStatus | undefined {
    if (!this.current) return undefined;
    const { requestId, status } = this.current;
    const p = this.waits.get(requestId)?.position;
    return p
      ? { ...status, position: p.position, jobsInUse: p.jobsInUse, serversInUse: p.serversInUse }
      : status;
  }

  /**
   * Waits for a place; the request id once granted, undefined when `aborted()` turned true first.
   * With `goAhead`, the request id also once that wait passed or the queue could not be asked, with
   * no place held. Cancellation and the deadline give the place up (the deadline fails with
   * DeadlineExceeded).
   */
  async acquire(ask: CapacityAsk): Promise<string | undefined> {
    const { request, queueId } = requestOf(ask);
    const { requestId } = request;
    const wait: Wait = { granted: false };
    this.waits.set(requestId, wait);
    this.held.set(requestId, queueId);
    const aborted = ask.aborted ?? (() => false);
    const startedMs = Date.now();
    let preemptAtMs = ask.preempt ? startedMs + ask.preempt.afterMs : undefined;
    const goAheadAtMs = ask.goAhead ? startedMs + ask.goAhead.afterMs : undefined;
    const goAheadDue = () => goAheadAtMs !== undefined && Date.now() >= goAheadAtMs;
    const calls = queueCallsUntil(goAheadAtMs ?? ask.deadlineMs);
    try {
      const settled = () => wait.granted || aborted();
      for (let first = true; ; first = false) {
        let standing;
        try {
          standing = await calls.requestCapacity({ target: ask.target, queueWorkflowId: queueId, request });
        } catch (err) {
          if (!ask.goAhead || isCancellation(err)) throw err;
          // the queue did not answer within the bound: a job that frees capacity goes ahead anyway
          await this.release(requestId);
          return this.wentAhead(
            ask,
            requestId,
            startedMs,
            `the capacity queue did not answer (${errorMessage(err)})`,
          );
        }
        // granted at once (the usual case): go on without waiting for the grant signal
        if (standing.granted) wait.granted = true;
        if (settled()) break;
        if (first) {
          this.current = { requestId, status: { purpose: ask.purpose, since: request.requestedAt } };
          ask.onWait?.();
        }
        if (goAheadDue()) break;
        if (ask.preempt && preemptAtMs !== undefined && Date.now() >= preemptAtMs) {
          preemptAtMs = undefined; // once: drills started later queue behind the failover anyway
          ask.preempt.onPreempted(await preemptDrills(queueId, ask));
          continue; // ask again: the queue may have moved meanwhile
        }
        const remainingMs = ask.deadlineMs - Date.now();
        const wakeMs = Math.min(
          remainingMs,
          REQUEST_REFRESH_MS,
          (preemptAtMs ?? Infinity) - Date.now(),
          (goAheadAtMs ?? Infinity) - Date.now(),
        );
        if (remainingMs <= 0 || (await condition(settled, wakeMs))) break;
      }
      if (wait.granted) {
        recordCapacityWait(metricMeter, ask.lane, (Date.now() - startedMs) / 1000);
        return requestId;
      }
      await this.release(requestId);
      if (aborted()) return undefined;
      if (goAheadDue()) return this.wentAhead(ask, requestId, startedMs, 'no place was free');
      const where = wait.position ? ` (place ${wait.position.position} in the queue)` : '';
      throw ApplicationFailure.nonRetryable(
        `no DRS capacity for the ${ask.purpose} before its deadline${where}`,
        DEADLINE_EXCEEDED,
      );
    } catch (err) {
      if (isCancellation(err)) await this.release(requestId);
      throw err;
    } finally {
      this.waits.delete(requestId);
      if (this.current?.requestId === requestId) this.current = undefined;
    }
  }

  /** A `goAhead` job starts without a place: says so, and returns its request id (not held). */
  private wentAhead(ask: CapacityAsk, requestId: string, startedMs: number, why: string): string {
    const waitedMs = Date.now() - startedMs;
    log.warn(
      `${ask.purpose} goes ahead without a capacity place after ${Math.round(waitedMs / 1000)} s: ${why}`,
    );
    ask.goAhead?.onGoAhead(waitedMs);
    return requestId;
  }

  /**
   * Moves the place `from` (held by this run) to the job `ask` describes, and returns its request
   * id. Given back and asked for again, the place would go to the next run in the queue and this
   * job would wait for another one to end. The signal is not awaited: the place is this run's
   * already, so the job is started in the same workflow task. A place no longer held is asked
   * for as usual.
   */
  async handOver(from: string, ask: CapacityAsk): Promise<string | undefined> {
    const queueId = this.held.get(from);
    if (!queueId) return this.acquire(ask);
    const { request } = requestOf(ask);
    this.held.delete(from);
    this.held.set(request.requestId, queueId);
    void CancellationScope.nonCancellable(() =>
      getExternalWorkflowHandle(queueId)
        .signal(capacityHandOverSignal, { from, request })
        .catch(() => undefined),
    );
    return request.requestId;
  }

  /** Gives a place back (or leaves the queue); safe to call twice. */
  async release(requestId: string): Promise<void> {
    const queueId = this.held.get(requestId);
    if (!queueId) return;
    this.held.delete(requestId);
    await CancellationScope.nonCancellable(() =>
      getExternalWorkflowHandle(queueId)
        .signal(capacityReleaseSignal, { requestId })
        // the queue ended (terminated by hand): nothing is held there any more
        .catch(() => undefined),
    );
  }

  /** Gives back every place this run still holds (end of run: nothing may leak). */
  async releaseAll(): Promise<void> {
    for (const requestId of [...this.held.keys()]) await this.release(requestId);
  }
}

/** How long a failover tries to abort the drills holding places before it just goes on waiting. */
const PREEMPT_CALL_MS = 5 * 60 * 1000;

/**
 * Aborts the drills holding launch places in `queueId`'s queue, for the failover that asks. A
 * failure to do so never fails the failover: it keeps its place at the front and waits.
 */
async function preemptDrills(queueId: string, ask: CapacityAsk): Promise<PreemptedDrill[]> {
  const { workflowId } = workflowInfo();
  const afterSeconds = Math.round((ask.preempt?.afterMs ?? 0) / 1000);
  try {
    return await queueCallsUntil(Date.now() + PREEMPT_CALL_MS).preemptDrills({
      queueWorkflowId: queueId,
      by: `failover ${workflowId}`,
      reason: `preempted by failover ${workflowId}: no DRS capacity within ${afterSeconds} s`,
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.warn(`could not abort the drills holding capacity places: ${errorMessage(err)}`);
    return [];
  }
}

/** The queue request for `ask` from this run, and the queue's workflow id. */
function requestOf(ask: CapacityAsk): { request: CapacityRequest; queueId: string } {
  const info = workflowInfo();
  const request: CapacityRequest = {
    requestId: `${info.workflowId}/${info.runId}/${ask.step}`,
    workflowId: info.workflowId,
    runId: info.runId,
    sourceServerIds: ask.sourceServerIds,
    lane: ask.lane,
    ...(ask.priority ? { priority: ask.priority } : {}),
    purpose: ask.purpose,
    requestedAt: new Date().toISOString(),
  };
  return { request, queueId: capacityWorkflowId(info.taskQueue, ask.target.region, ask.target.accountId) };
}
