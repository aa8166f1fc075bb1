// The Temporal server's clock as an activity sees it, and ticks aligned on it: waits of different
// runs and workers that poll on the same ticks land in the same batch window and share its call.
import { Context } from '@temporalio/activity';

/** A poll is never set closer than this (a tick that is about to pass is skipped). */
export const MIN_DELAY_MS = 300;
/**
 * How far apart two polls of one tick can read the clock: a retry starts a little after its tick,
 * later on a loaded worker. Ages that should be whole ticks are compared with this much slack, so
 * the same tick decides the same way however late its polls run.
 */
export const TICK_SLACK_MS = 1000;

/**
 * Now by the Temporal server's clock: when this attempt was scheduled plus the time it has run.
 * Ticks are aligned on it, so every worker agrees on them (a retry is scheduled exactly at its
 * tick). A server sets a retry's scheduled time to when it is due; the Java time-skipping test
 * server sets it to when the retry was decided (the previous attempt's end), which puts this a
 * whole poll delay behind: tests on it pass their server's clock to the job waits instead.
 */
export function serverNow(): number {
  const context = Context.current();
  let started = attemptStarts.get(context);
  if (started === undefined) attemptStarts.set(context, (started = Date.now()));
  return context.info.currentAttemptScheduledTimestampMs + (Date.now() - started);
}
const attemptStarts = new WeakMap<Context, number>();

/** Milliseconds to the next multiple of `interval` (never closer than MIN_DELAY_MS). */
export function aligned(now: number, interval: number): number {
  const delay = interval - (now % interval);
  return delay < MIN_DELAY_MS ? delay + interval : delay;
}
