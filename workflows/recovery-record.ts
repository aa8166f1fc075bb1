// A failover's record: what every launch keeps (LaunchRecord) and the failover's own fields, how it
// was confirmed, the warnings preflight let through and the drills it preempted. Builds the
// failover's report and `progress` answer. Deterministic (workflow time only).
import type { RecoveryProgress, RecoveryReport } from '../common/types-lifecycle';
import { LaunchRecord } from './launch-record';

export class RecoveryRecord extends LaunchRecord<RecoveryReport> {
  /** The gate was passed by `confirm: true` in the input. */
  confirmedByInput = false;
  /** Replication problems preflight saw that did not block the failover. */
  readonly warnings: string[] = [];
  /** Drills aborted for this failover's capacity place (`preemptDrills`). */
  readonly preemptedDrills: string[] = [];

  /** The report as of now, and the outcome's search attributes. */
  finish(summary: string): RecoveryReport {
    const approvedBy = this.approval?.by ?? (this.confirmedByInput ? 'input confirm' : undefined);
    return this.finished({
      ...this.launchReport(summary, {}),
      operation: 'recovery',
      ...(approvedBy ? { approvedBy } : {}),
      warnings: this.warnings,
      ...(this.preemptedDrills.length > 0 ? { preemptedDrills: this.preemptedDrills } : {}),
    });
  }

  progress(): RecoveryProgress {
    return {
      operation: 'recovery',
      ...this.launchProgress(),
      servers: this.serverProgress(),
      awaitingApproval: this.openGate !== undefined,
      approved: this.approval !== undefined,
      abortReason: this.abortReason,
      report: this.report,
    };
  }
}
