// The product's Prometheus metrics. They go through Temporal's MetricMeter, so the worker's one
// /metrics endpoint (the Temporal runtime's Prometheus exporter) serves them beside the SDK's own.
// Safe to import from workflow code: pass `metricMeter` from @temporalio/workflow there (it skips
// emission during replay, so a restarted worker does not count a drill twice).
import type { MetricCounter, MetricHistogram, MetricMeter } from '@temporalio/common';

export const METRIC_NAMES = {
  drills: 'drs_drills_total',
  timeToLaunch: 'drs_time_to_launch_seconds',
  apiCalls: 'drs_api_calls_total',
  apiThrottles: 'drs_api_throttles_total',
} as const;

/** Bucket bounds in seconds: a DRS launch takes minutes to an hour or more. */
export const TIME_TO_LAUNCH_BUCKETS = [30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200];

export type DrsCallResult = 'ok' | 'throttled' | 'error';

interface Instruments {
  drills: MetricCounter;
  timeToLaunch: MetricHistogram;
  apiCalls: MetricCounter;
  apiThrottles: MetricCounter;
}

const byMeter = new WeakMap<MetricMeter, Instruments>();

function instruments(meter: MetricMeter): Instruments {
  let found = byMeter.get(meter);
  if (!found) {
    found = {
      drills: meter.createCounter(METRIC_NAMES.drills, '', 'finished drills by outcome'),
      timeToLaunch: meter.createHistogram(
        METRIC_NAMES.timeToLaunch,
        'float',
        's',
        'measured RTO: StartRecovery to every participating server launched',
      ),
      apiCalls: meter.createCounter(METRIC_NAMES.apiCalls, '', 'DRS API requests by operation and result'),
      apiThrottles: meter.createCounter(METRIC_NAMES.apiThrottles, '', 'DRS API requests answered 429'),
    };
    byMeter.set(meter, found);
  }
  return found;
}

/** Call once when a drill ends (any outcome); time to launch when the drill got that far. */
export function recordDrillFinished(
  meter: MetricMeter,
  drill: { outcome: string; timeToLaunchSeconds?: number },
): void {
  const m = instruments(meter);
  m.drills.add(1, { outcome: drill.outcome });
  if (drill.timeToLaunchSeconds !== undefined && drill.timeToLaunchSeconds >= 0) {
    m.timeToLaunch.record(drill.timeToLaunchSeconds);
  }
}

/** One DRS HTTP request (each SDK retry attempt counts). */
export function recordDrsCall(meter: MetricMeter, operation: string, result: DrsCallResult): void {
  const m = instruments(meter);
  m.apiCalls.add(1, { operation, result });
  if (result === 'throttled') m.apiThrottles.add(1, { operation });
}
