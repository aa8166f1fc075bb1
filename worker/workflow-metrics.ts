// Workflow interceptor (runs inside the workflow sandbox): records each finished drill's outcome
// and measured time to launch from its report, so the workflow code itself stays free of metrics.
// `metricMeter` from @temporalio/workflow emits nothing while replaying, so a drill resumed by a
// restarted worker is still counted exactly once.
import {
  ApplicationFailure,
  isCancellation,
  metricMeter,
  workflowInfo,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { recordDrillFinished } from '../common/metrics';

interface ReportLike {
  outcome?: string;
  servers?: { timeToLaunchSeconds?: number }[];
}

/** The drill's time to launch: until the last participating server launched. */
function timeToLaunchSeconds(report: ReportLike): number | undefined {
  const times = (report.servers ?? []).flatMap((s) =>
    s.timeToLaunchSeconds === undefined ? [] : [s.timeToLaunchSeconds],
  );
  return times.length > 0 ? Math.max(...times) : undefined;
}

function recordDrill(report: ReportLike | undefined, fallbackOutcome: string): void {
  recordDrillFinished(metricMeter, {
    outcome: report?.outcome ?? fallbackOutcome,
    timeToLaunchSeconds: report ? timeToLaunchSeconds(report) : undefined,
  });
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        if (workflowInfo().workflowType !== 'drsDrill') return next(input);
        try {
          const report = (await next(input)) as ReportLike;
          recordDrill(report, 'SUCCEEDED');
          return report;
        } catch (err) {
          if (isCancellation(err)) recordDrill(undefined, 'CANCELLED');
          // a refused preflight carries its report in the failure details
          else
            recordDrill(
              err instanceof ApplicationFailure ? (err.details?.[0] as ReportLike) : undefined,
              'FAILED',
            );
          throw err;
        }
      },
    },
  ],
});
