// `approve` and `abort` for every workflow: as updates, whose validator rejects a request with
// nothing to act on before anything reaches history and whose answer says what was done; and as
// signals (workflows/messages.ts says why they stay), which go through the same check and the same
// state change, and are dropped where the update would be rejected. Deterministic workflow code.
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { REQUEST_REJECTED } from '../common/failures';
import type { AbortRequest, Approval } from '../common/types';
import {
  abortSignal,
  abortUpdate,
  approveSignal,
  approveUpdate,
  type AbortArgs,
  type AbortResult,
  type ApproveArgs,
  type ApproveResult,
} from './messages';

/** One action's rules: why a request would do nothing now (undefined: it acts), and the state change. */
export interface OperatorAction<Request, Result> {
  rejection(request: Request): string | undefined;
  act(request: Request): Result;
}

export interface OperatorActions {
  /** Absent for a workflow with no gate (drsFailback, drsReplication): every approve is rejected. */
  approve?: OperatorAction<Omit<Approval, 'gate'>, ApproveResult>;
  abort: OperatorAction<AbortRequest, AbortResult>;
}

const UNNAMED = 'unnamed operator';

const approvalOf = (args?: ApproveArgs): Omit<Approval, 'gate'> => ({
  by: args?.by?.trim() || UNNAMED,
  at: new Date().toISOString(),
  ...(args?.note ? { note: args.note } : {}),
});

const abortOf = (args?: AbortArgs): AbortRequest => ({
  by: args?.by?.trim() || UNNAMED,
  at: new Date().toISOString(),
  reason: args?.reason?.trim() || 'aborted by operator',
});

function rejectIf(reason: string | undefined): void {
  if (reason !== undefined) throw ApplicationFailure.create({ message: reason, type: REQUEST_REJECTED });
}

/** Registers the `approve` and `abort` updates and signals of a workflow of type `workflowType`. */
export function acceptOperatorMessages(workflowType: string, actions: OperatorActions): void {
  const { approve, abort } = actions;
  if (approve) {
    setHandler(approveUpdate, (args?: ApproveArgs) => approve.act(approvalOf(args)), {
      validator: (args?: ApproveArgs) => rejectIf(approve.rejection(approvalOf(args))),
    });
    setHandler(approveSignal, (args) => {
      const approval = approvalOf(args);
      if (approve.rejection(approval) === undefined) approve.act(approval);
    });
  } else {
    // the handler never runs: the validator rejects every request
    setHandler(approveUpdate, (_args?: ApproveArgs) => ({ gate: '', message: '' }), {
      validator: (_args?: ApproveArgs) =>
        rejectIf(`not a workflow that takes approvals: ${workflowType} has no gate`),
    });
  }
  setHandler(abortUpdate, (args?: AbortArgs) => abort.act(abortOf(args)), {
    validator: (args?: AbortArgs) => rejectIf(abort.rejection(abortOf(args))),
  });
  setHandler(abortSignal, (args) => {
    const request = abortOf(args);
    if (abort.rejection(request) === undefined) abort.act(request);
  });
}

/** The rejections every workflow shares, in the order they are told: finished, then already aborting. */
export function closedRejection(
  finished: { outcome: string } | undefined,
  abort: { reason?: string; request?: AbortRequest },
): string | undefined {
  if (finished) return `already finished (${finished.outcome})`;
  if (abort.reason !== undefined)
    return `already finishing: aborted (${abort.reason}${abort.request ? `, by ${abort.request.by} at ${abort.request.at}` : ''})`;
  return undefined;
}

/**
 * The only operator action of a run with no gate: `abort`. `rejection` says why an abort is refused
 * now; `cleanup` what the run still does once aborted. The answer names the phase it was aborted in.
 */
export function abortOnly(
  what: string,
  record: { abort(request: AbortRequest): void; phases: { phase: string } },
  rejection: () => string | undefined,
  cleanup: () => string,
): OperatorActions {
  return {
    abort: {
      rejection,
      act: (request) => {
        const effect = cleanup();
        record.abort(request);
        return { cleanup: effect, message: `aborting ${what} in phase ${record.phases.phase}; ${effect}` };
      },
    },
  };
}
