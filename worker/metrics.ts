// The Prometheus endpoint: the Temporal runtime's own exporter, which also serves the product's
// metrics (common/metrics.ts) because they are recorded through Temporal's MetricMeter.
import type { MetricsExporterConfig } from '@temporalio/worker';
import { HISTOGRAM_BUCKETS } from '../common/metrics';

export function prometheusExporter(bindAddress: string): MetricsExporterConfig {
  return {
    prometheus: {
      bindAddress,
      histogramBucketOverrides: HISTOGRAM_BUCKETS,
    },
  };
}
