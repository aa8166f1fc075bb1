// The product's Prometheus metrics. They go through Temporal's MetricMeter, so the worker's one
// /metrics endpoint (the Temporal runtime's Prometheus exporter) serves them beside the SDK's own.
// Safe to import from workflow code: pass `metricMeter` from @temporalio/workflow there (it skips
// emission during replay, so a restarted worker does not count a drill twice).
//
// Labels stay bounded: operation names, outcomes, DRS operation and error names, lanes, regions
// and accounts; never a server, run or workflow id (the one queue label names an account's
// capacity queue, of which there is one per task queue, account and region).
import type { MetricCounter, MetricGauge, MetricHistogram, MetricMeter } from '@temporalio/common';

const METRIC_NAMES = {
  runs: 'drs_runs_total',
  timeToLaunch: 'drs_time_to_launch_seconds',
  timeToHealthy: 'drs_time_to_healthy_seconds',
  capacityWaiting: 'drs_capacity_queue_waiting',
  capacityHolders: 'drs_capacity_queue_holders',
  capacityWait: 'drs_capacity_wait_seconds',
  apiCalls: 'drs_api_calls_total',
  apiThrottles: 'drs_api_throttles_total',
  apiErrors: 'drs_api_errors_total',
  drillInstancesAlive: 'drs_drill_instances_alive',
  drillInstanceOldest: 'drs_drill_instance_oldest_seconds',
} as const;

/** Bucket bounds in seconds: a DRS launch, and a boot after it, take minutes to an hour or more. */
const TIME_TO_LAUNCH_BUCKETS = [30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200];
/** A wait for capacity: none at all usually, hours behind a large plan's waves. */
const CAPACITY_WAIT_BUCKETS = [1, 10, 60, 300, 900, 1800, 3600, 7200, 14400];
/** Every histogram's buckets, for the exporter (worker/metrics.ts). */
export const HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [METRIC_NAMES.timeToLaunch]: TIME_TO_LAUNCH_BUCKETS,
  [METRIC_NAMES.timeToHealthy]: TIME_TO_LAUNCH_BUCKETS,
  [METRIC_NAMES.capacityWait]: CAPACITY_WAIT_BUCKETS,
};

/** The outcomes a run's report can carry (readiness: its verdict); anything else counts as OTHER. */
const OUTCOMES = new Set([
  'SUCCEEDED',
  'PARTIAL',
  'FAILED',
  'ABORTED',
  'CANCELLED',
  'READY',
  'AT_RISK',
  'NOT_READY',
]);

export type DrsCallResult = 'ok' | 'throttled' | 'error';

interface Instruments {
  runs: MetricCounter;
  timeToLaunch: MetricHistogram;
  timeToHealthy: MetricHistogram;
  capacityWaiting: MetricGauge;
  capacityHolders: MetricGauge;
  capacityWait: MetricHistogram;
  apiCalls: MetricCounter;
  apiThrottles: MetricCounter;
  apiErrors: MetricCounter;
  drillInstancesAlive: MetricGauge;
  drillInstanceOldest: MetricGauge;
}

const byMeter = new WeakMap<MetricMeter, Instruments>();

function instruments(meter: MetricMeter): Instruments {
  let found = byMeter.get(meter);
  if (!found) {
    const seconds = (name: string, description: string) =>
      meter.createHistogram(name, 'float', 's', description);
    found = {
      runs: meter.createCounter(METRIC_NAMES.runs, '', 'finished runs by operation and outcome'),
      timeToLaunch: seconds(
        METRIC_NAMES.timeToLaunch,
        'StartRecovery to every participating server launched, per drill or failover',
      ),
      timeToHealthy: seconds(
        METRIC_NAMES.timeToHealthy,
        'StartRecovery to every launched server booted and checked, per drill or failover',
      ),
      capacityWaiting: meter.createGauge(
        METRIC_NAMES.capacityWaiting,
        'int',
        '',
        'runs waiting for a DRS job place',
      ),
      capacityHolders: meter.createGauge(METRIC_NAMES.capacityHolders, 'int', '', 'DRS job places held'),
      capacityWait: seconds(METRIC_NAMES.capacityWait, 'how long a run waited for a DRS job place'),
      apiCalls: meter.createCounter(METRIC_NAMES.apiCalls, '', 'DRS API requests by operation and result'),
      apiThrottles: meter.createCounter(METRIC_NAMES.apiThrottles, '', 'DRS API requests answered 429'),
      apiErrors: meter.createCounter(METRIC_NAMES.apiErrors, '', 'DRS API requests that failed, by error'),
      drillInstancesAlive: meter.createGauge(
        METRIC_NAMES.drillInstancesAlive,
        'int',
        '',
        'drill recovery instances up in the account and region, at the last reconcile pass',
      ),
      drillInstanceOldest: meter.createGauge(
        METRIC_NAMES.drillInstanceOldest,
        'float',
        's',
        'age of the oldest drill recovery instance up, at the last reconcile pass',
      ),
    };
    byMeter.set(meter, found);
  }
  return found;
}

/** What a finished run's report says, as far as metrics go (every product report has these). */
export interface FinishedRun {
  operation: string;
  outcome: string;
  servers?: { timeToLaunchSeconds?: number; timeToHealthySeconds?: number }[];
}

/** The slowest server's figure: a run's time to launch (or healthy) is its last server's. */
function slowest(values: (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined && v >= 0);
  return known.length > 0 ? Math.max(...known) : undefined;
}

/** Call once when a run ends (any outcome): its count, and its recovery times where it got that far. */
export function recordRunFinished(meter: MetricMeter, run: FinishedRun): void {
  const m = instruments(meter);
  const { operation } = run;
  m.runs.add(1, { operation, outcome: OUTCOMES.has(run.outcome) ? run.outcome : 'OTHER' });
  const servers = run.servers ?? [];
  const launched = slowest(servers.map((s) => s.timeToLaunchSeconds));
  if (launched !== undefined) m.timeToLaunch.record(launched, { operation });
  const healthy = slowest(servers.map((s) => s.timeToHealthySeconds));
  if (healthy !== undefined) m.timeToHealthy.record(healthy, { operation });
}

/** The capacity queue's state after a round (called by drsCapacity; `queue` names the queue). */
export function recordCapacityQueue(
  meter: MetricMeter,
  queue: string,
  waiting: number,
  holders: number,
): void {
  const m = instruments(meter);
  m.capacityWaiting.set(waiting, { queue });
  m.capacityHolders.set(holders, { queue });
}

/** A run got its place (`lane`: launch or cleanup) after waiting this long (0 when granted at once). */
export function recordCapacityWait(meter: MetricMeter, lane: string, waitedSeconds: number): void {
  instruments(meter).capacityWait.record(Math.max(0, waitedSeconds), { lane });
}

/** AWS error names are a short, fixed list per service; anything else odd is cut to one value. */
const errorLabel = (name: string | undefined) => (name && /^[A-Za-z.]{1,64}$/.test(name) ? name : 'Other');

/** One DRS HTTP request (each SDK retry attempt counts); `errorName` for a failed one. */
export function recordDrsCall(
  meter: MetricMeter,
  operation: string,
  result: DrsCallResult,
  errorName?: string,
): void {
  const m = instruments(meter);
  m.apiCalls.add(1, { operation, result });
  if (result === 'throttled') m.apiThrottles.add(1, { operation });
  if (result !== 'ok') m.apiErrors.add(1, { operation, error: errorLabel(errorName) });
}

/** What a reconcile pass saw: drill instances up in an account and region, and the oldest one's age. */
export function recordDrillInstances(
  meter: MetricMeter,
  where: { region: string; accountId?: string },
  alive: number,
  oldestSeconds: number,
): void {
  const m = instruments(meter);
  const tags = { region: where.region, account: where.accountId ?? 'worker-account' };
  m.drillInstancesAlive.set(alive, tags);
  m.drillInstanceOldest.set(Math.max(0, oldestSeconds), tags);
}
