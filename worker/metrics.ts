// The Prometheus endpoint: the Temporal runtime's own exporter, which also serves the product's
// metrics (common/metrics.ts) because they are recorded through Temporal's MetricMeter.
import type { MetricsExporterConfig } from '@temporalio/worker';
import { METRIC_NAMES, TIME_TO_LAUNCH_BUCKETS } from '../common/metrics';

export function prometheusExporter(bindAddress: string): MetricsExporterConfig {
  return {
    prometheus: {
      bindAddress,
      histogramBucketOverrides: { [METRIC_NAMES.timeToLaunch]: TIME_TO_LAUNCH_BUCKETS },
    },
  };
}
