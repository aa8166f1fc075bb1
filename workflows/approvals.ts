// Who may open a gate: the operation's approver list, and for a failover (a drsRecovery, or a
// plan's recovery wave) never the identity that started the run: one person cannot both ask for
// and allow a failover. The policy comes from the worker (activities/approvals.ts) when the first
// gate opens, behind patched(): runs recorded before replay without asking. Deterministic.
import { patched, workflowInfo } from '@temporalio/workflow';
import type { ApprovalPolicy } from '../activities/approvals';
import type { OperationName } from '../common/operations';
import { drsActivities } from './operation-support';
import { PATCHES } from './patches';

export class Approvers {
  private policy?: ApprovalPolicy;
  private loading?: Promise<void>;

  constructor(private readonly operation: OperationName) {}

  /** Reads the policy once, before the first gate opens (waves at their gates together share it). */
  load(): Promise<void> {
    this.loading ??= this.read();
    return this.loading;
  }

  private async read(): Promise<void> {
    if (!patched(PATCHES.approvalPolicy.id)) return;
    const info = workflowInfo();
    const startedIn = info.root ?? info.parent ?? { workflowId: info.workflowId, runId: info.runId };
    this.policy = await drsActivities.approvalPolicy({
      operation: this.operation,
      startedIn: { workflowId: startedIn.workflowId, runId: startedIn.runId },
    });
  }

  /** Why `by` may not open the gate (undefined: they may); `failover`: the starter may not. */
  rejection(by: string, failover: boolean): string | undefined {
    const policy = this.policy;
    if (!policy) return undefined;
    if (policy.approvers && !policy.approvers.includes(by))
      return `${by} may not approve ${this.operation} runs: not in DRS_APPROVERS_${this.operation.toUpperCase()}`;
    if (failover && policy.startedBy !== undefined && by === policy.startedBy)
      return `${by} started this run and may not approve its failover: another person must approve`;
    return undefined;
  }
}
