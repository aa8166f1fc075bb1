// Recurring DRS operations as Temporal Schedules. Each scheduled run is an ordinary workflow run of
// the same type with the same input, so it returns the same report (`drsctl status <run id>
// --report-junit …` writes it). Overlap defaults to SKIP: a drill never starts while the previous
// one on the same servers is still running.
import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleSummary,
} from '@temporalio/client';
// the SDK's own parser; the package root re-exports it only as deprecated
import type { ConnectionSettings } from './connection';
import { BadInputError, OperationFailedError } from './errors';
import { parseDuration } from './durations';
import type { Operation } from './operations';
import { localStarter } from './run-summaries';

export type OverlapPolicy = NonNullable<ScheduleOverlapPolicy>;
export const OVERLAP_POLICIES: string[] = Object.values(ScheduleOverlapPolicy).filter(
  (p): p is OverlapPolicy => !!p,
);

export interface ScheduleTiming {
  /** Cron expressions (5 fields, Temporal's syntax); union with `every`. */
  cron?: string[];
  /** A fixed interval such as `7d`, `12h`, `1h30m`. */
  every?: string;
  /** IANA time zone the cron expressions are read in (default UTC). */
  timeZone?: string;
  /** Random delay added to each run, e.g. `10m`, so many schedules do not fire together. */
  jitter?: string;
  overlap?: OverlapPolicy;
  note?: string;
  paused?: boolean;
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Checks the timing flags; every error names its flag. */
export function validateTiming(t: ScheduleTiming): void {
  if (!t.cron?.length && !t.every)
    throw new BadInputError('schedule needs --cron <expression> or --every <duration>');
  for (const expr of t.cron ?? []) {
    if (expr.trim().split(/\s+/).length !== 5 && !expr.startsWith('@')) {
      throw new BadInputError(
        `--cron: "${expr}" must have 5 fields (minute hour day-of-month month day-of-week) or be @daily, @weekly, …`,
      );
    }
  }
  if (t.every) parseDuration(t.every, '--every');
  if (t.jitter) parseDuration(t.jitter, '--jitter');
  if (t.timeZone && !validTimeZone(t.timeZone))
    throw new BadInputError(`--time-zone: "${t.timeZone}" is not an IANA time zone such as Europe/Berlin`);
  if (t.overlap && !OVERLAP_POLICIES.includes(t.overlap)) {
    throw new BadInputError(`--overlap: "${t.overlap}" must be one of ${OVERLAP_POLICIES.join(', ')}`);
  }
}

export class ScheduleManager {
  constructor(
    private readonly client: Client,
    private readonly settings: ConnectionSettings,
  ) {}

  /** Creates a schedule that starts `operation` with `input` (already validated). */
  async create(
    scheduleId: string,
    operation: Operation,
    input: Record<string, unknown>,
    timing: ScheduleTiming,
  ): Promise<void> {
    validateTiming(timing);
    await this.client.schedule.create({
      scheduleId,
      spec: {
        cronExpressions: timing.cron,
        intervals: timing.every ? [{ every: parseDuration(timing.every, '--every') }] : undefined,
        timezone: timing.timeZone,
        jitter: timing.jitter ? parseDuration(timing.jitter, '--jitter') : undefined,
      },
      action: {
        type: 'startWorkflow',
        workflowType: operation.workflowType,
        // Temporal appends the scheduled time: `<scheduleId>-2026-11-30T03:00:00Z`
        workflowId: scheduleId,
        taskQueue: this.settings.taskQueue,
        args: [input],
        // every run it starts shows this in the UI; the creator is who set the schedule up
        ...operation.summarize(input, `schedule ${scheduleId} (created by ${localStarter()})`),
      },
      policies: { overlap: timing.overlap ?? 'SKIP' },
      state: { note: timing.note, paused: timing.paused },
      memo: { drsOperation: operation.name },
    });
  }

  async list(): Promise<ScheduleSummary[]> {
    const all: ScheduleSummary[] = [];
    for await (const summary of this.client.schedule.list()) all.push(summary);
    return all;
  }

  describe(scheduleId: string): Promise<ScheduleDescription> {
    return this.existing(scheduleId, (h) => h.describe());
  }

  pause(scheduleId: string, note?: string): Promise<void> {
    return this.existing(scheduleId, (h) => h.pause(note ?? 'paused by drsctl'));
  }

  unpause(scheduleId: string, note?: string): Promise<void> {
    return this.existing(scheduleId, (h) => h.unpause(note ?? 'unpaused by drsctl'));
  }

  /** Runs the schedule's action now, under the schedule's overlap policy unless one is given. */
  trigger(scheduleId: string, overlap?: OverlapPolicy): Promise<void> {
    return this.existing(scheduleId, (h) => h.trigger(overlap));
  }

  delete(scheduleId: string): Promise<void> {
    return this.existing(scheduleId, (h) => h.delete());
  }

  private async existing<T>(
    scheduleId: string,
    call: (h: ReturnType<Client['schedule']['getHandle']>) => Promise<T>,
  ): Promise<T> {
    try {
      return await call(this.client.schedule.getHandle(scheduleId));
    } catch (err) {
      if (err instanceof ScheduleNotFoundError)
        throw new OperationFailedError(`schedule ${scheduleId} not found`);
      throw err;
    }
  }
}
