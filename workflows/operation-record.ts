// The record every operation keeps (drill and failover launches, failback, replication, reprotect):
// its phases with their timings and the DrsPhase search attribute, errors, the abort, and the fields
// every report shares; and the outcome's search attributes. Deterministic workflow code.
import { log, upsertSearchAttributes } from '@temporalio/workflow';
import { DrsOutcome, DrsPhase } from '../common/search-attributes';
import type { AbortRequest, DrsTarget, Outcome } from '../common/types';
import { targetOf } from './operation-support';
import { closedRejection } from './operator-messages';

/** Milliseconds as seconds with one decimal (report durations). */
export const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Phase timings and the DrsPhase search attribute, for any phase name: every workflow's phases. */
export class PhaseClock<P extends string> {
  private startedMs = Date.now();
  readonly durations: Partial<Record<P, number>> = {};

  constructor(public phase: P) {}

  /**
   * `upsert: false` where the caller sets DrsPhase itself (markOutcome sets it with the outcome).
   * `sinceMs`: when the new phase really began, if that was before now (kept between the current
   * phase's start and now); the search attribute still changes now.
   */
  enter(phase: P, upsert = true, sinceMs?: number): void {
    const now = Date.now();
    const boundary = Math.min(now, Math.max(this.startedMs, sinceMs ?? now));
    this.durations[this.phase] = (this.durations[this.phase] ?? 0) + seconds(boundary - this.startedMs);
    this.phase = phase;
    this.startedMs = boundary;
    log.info(`phase ${phase}`, { phase });
    if (upsert) upsertSearchAttributes([{ key: DrsPhase, value: phase }]);
  }
}

/**
 * What every operation's record keeps (drill and recovery, failback, replication): phases with
 * DrsPhase, drill-level errors, the abort, the validated input (`spec`) and the report, and the fields that
 * every report shares.
 */
export class OperationRecord<P extends string, Spec extends DrsTarget, Report extends { outcome: Outcome }> {
  readonly startedAtMs = Date.now();
  readonly phases: PhaseClock<P>;
  readonly errors: string[] = [];
  /** Why the run stops early: an operator's abort, or a timeout that aborts. */
  abortReason?: string;
  /** The operator's accepted abort. */
  abortRequest?: AbortRequest;
  spec?: Spec;
  report?: Report;

  constructor(
    readonly workflowId: string,
    firstPhase: P,
  ) {
    this.phases = new PhaseClock(firstPhase);
  }

  /** Why an abort would do nothing now: the run finished or is aborting already. */
  closedRejection(): string | undefined {
    return closedRejection(this.report, {
      reason: this.abortReason,
      request: this.abortRequest,
    });
  }

  /** The state change of an accepted abort (the checks are the workflow's). */
  abort(request: AbortRequest): void {
    this.abortReason = request.reason;
    this.abortRequest = request;
  }

  /** A `progress` answer: the operation and its phase, what `fields` add, and how it is ending. */
  protected progressOf<O extends string, F extends object>(operation: O, fields: F) {
    return {
      operation,
      phase: this.phases.phase,
      ...fields,
      abortReason: this.abortReason,
      report: this.report,
    };
  }

  /** Where the operation ran, for its report. */
  protected reportTarget(): DrsTarget {
    return this.spec ? targetOf(this.spec) : { region: '' };
  }

  /** The fields every report ends with, as of now. */
  protected reportClosing(summary: string) {
    return {
      phaseDurations: this.phases.durations,
      startedAt: new Date(this.startedAtMs).toISOString(),
      finishedAt: new Date().toISOString(),
      summary,
      errors: this.errors,
      ...(this.abortRequest ? { abort: this.abortRequest } : {}),
    };
  }
}

export function markOutcome(outcome: Outcome): void {
  log.info(`outcome ${outcome}`, { outcome });
  upsertSearchAttributes([
    { key: DrsPhase, value: 'done' },
    { key: DrsOutcome, value: outcome },
  ]);
}
