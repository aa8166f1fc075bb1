// Who may approve a run's gate: the approver list of its operation in the worker's configuration
// (DRS_APPROVERS_<OPERATION>), and who started the run, from the start event Temporal recorded
// (for a plan's child, the plan's). Workflow code reads neither, so a run asks once, as its first
// gate opens. Temporal records the identity a client gives: it names a person only where the
// server authenticates callers (mTLS or SSO with an authorizer, docs/deployment.md).
import { Context } from '@temporalio/activity';
import type { OperationName } from '../common/operations';

/** Approver identities per operation; an operation without a list takes any approver. */
export type ApproverLists = Partial<Record<OperationName, string[]>>;

export interface ApprovalPolicy {
  /** Unset: anyone may approve. */
  approvers?: string[];
  /** The identity that started the run (or the root run that started it). */
  startedBy?: string;
}

export function createApprovalActivities(lists: ApproverLists) {
  async function approvalPolicy(input: {
    operation: OperationName;
    startedIn: { workflowId: string; runId: string };
  }): Promise<ApprovalPolicy> {
    const { client } = Context.current();
    const history = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: input.startedIn,
      maximumPageSize: 1,
    });
    const startedBy = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.identity;
    const approvers = lists[input.operation];
    return { ...(approvers ? { approvers } : {}), ...(startedBy ? { startedBy } : {}) };
  }
  return { approvalPolicy };
}
