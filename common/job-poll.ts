// How job waits pick the time of their next poll: the worker setting DRS_JOB_POLL, read by the
// job-wait activity (activities/job-watch.ts). Pure, so the configuration can check it at start.
/** How a wait picks the time of its next poll (worker setting DRS_JOB_POLL). */
export type JobPollPolicy =
  /** The default: batched, phase-aware, aligned ticks. */
  | { kind: 'adaptive'; nearMs: number; farMs: number; farMaxMs: number }
  /** Every `intervalMs`, whatever the job is doing (a baseline for `npm run bench`). */
  | { kind: 'fixed'; intervalMs: number }
  /** 5 s growing by 1.5x to 1 min per poll (this project's waits before adaptive ones). */
  | { kind: 'backoff' };

export const ADAPTIVE_POLL: JobPollPolicy = {
  kind: 'adaptive',
  nearMs: 2000,
  farMs: 20_000,
  farMaxMs: 60_000,
};

/** Parses `adaptive`, `fixed:<seconds>` or `backoff`; undefined when it is none of them. */
export function parseJobPollPolicy(text: string): JobPollPolicy | undefined {
  if (text === 'adaptive') return ADAPTIVE_POLL;
  if (text === 'backoff') return { kind: 'backoff' };
  const fixed = /^fixed:(\d+(?:\.\d+)?)$/.exec(text);
  if (fixed && Number(fixed[1]) >= 0.5) return { kind: 'fixed', intervalMs: Number(fixed[1]) * 1000 };
  return undefined;
}
