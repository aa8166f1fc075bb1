// A drill's record: what every launch keeps (LaunchRecord) and the drill's own cleanup, its
// terminate job and whether it had to go ahead without a capacity place. Builds the drill's report
// and `progress` answer. Deterministic (workflow time only).
import type { DrillProgress, DrillReport, JobView } from '../common/types';
import { jobTimesOf } from '../common/job-log';
import { LaunchRecord } from './launch-record';

export class DrillRecord extends LaunchRecord<DrillReport> {
  terminateJobId?: string;
  /** Cleanup went ahead without a capacity place (CapacityAsk.goAhead): after how long. */
  cleanupWentAhead?: string;

  /** Records the terminate job's own times once it ended. */
  noteTerminateJob(job: JobView): void {
    if (job.status === 'COMPLETED') this.jobTimes.terminate = jobTimesOf(job);
  }

  /** The report as of now, and the outcome's search attributes. */
  finish(summary: string): DrillReport {
    return this.finished({
      operation: 'drill',
      ...this.launchReport(summary, {
        terminateJobId: this.terminateJobId,
        ...(this.cleanupWentAhead ? { cleanupWentAhead: this.cleanupWentAhead } : {}),
      }),
    });
  }

  progress(): DrillProgress {
    return {
      operation: 'drill',
      ...this.launchProgress(),
      terminateJobId: this.terminateJobId,
      servers: this.serverProgress(),
      ...this.jobTimesField(),
      phaseDurations: { ...this.phases.durations },
      approved: this.approval !== undefined,
      abortReason: this.abortReason,
      report: this.report,
    };
  }
}
