// Workflow interceptor (runs inside the workflow sandbox): records each finished run's operation,
// outcome and measured recovery times from its report, so the workflow code itself stays free of
// metrics. `metricMeter` from @temporalio/workflow emits nothing while replaying, so a run resumed
// by a restarted worker is still counted exactly once.
import {
  ApplicationFailure,
  isCancellation,
  metricMeter,
  workflowInfo,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { recordRunFinished, type FinishedRun } from '../common/metrics';
import { OPERATION_OF_WORKFLOW_TYPE } from '../common/operations';

type ReportLike = Partial<Pick<FinishedRun, 'outcome' | 'servers'>>;

function recordRun(operation: string, report: ReportLike | undefined, fallbackOutcome: string): void {
  recordRunFinished(metricMeter, {
    operation,
    outcome: typeof report?.outcome === 'string' ? report.outcome : fallbackOutcome,
    servers: Array.isArray(report?.servers) ? report.servers : [],
  });
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        // drsCapacity (the shared queue) is not a run: it has its own gauges
        const operation = OPERATION_OF_WORKFLOW_TYPE[workflowInfo().workflowType];
        if (!operation) return next(input);
        try {
          const report = (await next(input)) as ReportLike;
          recordRun(operation, report, 'SUCCEEDED');
          return report;
        } catch (err) {
          if (isCancellation(err)) recordRun(operation, undefined, 'CANCELLED');
          // a refused preflight carries its report in the failure details
          else
            recordRun(
              operation,
              err instanceof ApplicationFailure ? (err.details?.[0] as ReportLike) : undefined,
              'FAILED',
            );
          throw err;
        }
      },
    },
  ],
});
