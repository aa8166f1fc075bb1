// A typed client for DRS workflows: start (with deterministic ids), watch progress, send the
// approve / abort updates, cancel, and read the final report. drsctl is built on it; other Node code (a chat bot, a portal) can use
// it the same way:
//
//   const client = await DrsOperationsClient.connect(resolveConnectionSettings({}));
//   const run = await client.start(drillOperation, { sourceServerIds: ['s-…'], region: 'us-east-1' });
//   const result = await client.waitForResult(run.workflowId, { onProgress: (p) => console.log(p.phase) });
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import {
  Client,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
  type Connection,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import {
  ApplicationFailure,
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type QueryDefinition,
} from '@temporalio/common';
import { INVALID_INPUT } from '../common/failures';
import type { DrillProgress, Outcome } from '../common/types';
import type { FailbackProgress, RecoveryProgress, ReplicationProgress } from '../common/types-lifecycle';
import type { PlanProgress } from '../common/types-plan';
import type { ReadinessProgress } from '../common/readiness';
import type { ReconcileProgress } from '../common/reconcile';
import type { ReprotectProgress } from '../common/types-reprotect';
import type { ExtendProgress } from '../common/extend';
import {
  abortUpdate,
  approveUpdate,
  drillProgressQuery,
  failbackProgressQuery,
  planProgressQuery,
  readinessProgressQuery,
  reconcileProgressQuery,
  recoveryProgressQuery,
  replicationProgressQuery,
  type AbortResult,
  type ApproveResult,
} from '../workflows/messages';
import { connect, type ConnectionSettings } from './connection';
import { BadInputError, CliError, OperationFailedError, RejectedError, UnreachableError } from './errors';
import { workflowIdOf, type Operation } from './operations';
import { reportForFailedRun, type OperationReport } from '../common/reports/report';
import { localStarter } from './run-summaries';
import { ScheduleManager } from './schedules';

/** The `progress` query's answer, told apart by `operation`. */
export type Progress =
  | DrillProgress
  | RecoveryProgress
  | FailbackProgress
  | ReplicationProgress
  | PlanProgress
  | ReadinessProgress
  | ReconcileProgress
  | ReprotectProgress
  | ExtendProgress;

/** Each workflow type's typed progress query; `progress` answers undefined for a type not listed. */
const PROGRESS_QUERIES = new Map<string, QueryDefinition<Progress>>([
  ['drsDrill', drillProgressQuery],
  ['drsRecovery', recoveryProgressQuery],
  ['drsFailback', failbackProgressQuery],
  ['drsReplication', replicationProgressQuery],
  ['drsPlan', planProgressQuery],
  ['drsReadiness', readinessProgressQuery],
  ['drsReconcile', reconcileProgressQuery],
]);

/** A run whose progress to ask: its workflow type picks the typed query. */
interface RunRef {
  workflowId: string;
  runId?: string;
  /** The workflow type, e.g. `drsDrill` (from describe). */
  type: string;
}

interface StartedRun {
  workflowId: string;
  runId: string;
  /** True when a run with this id was already running and we attached to it (CI retry). */
  attached: boolean;
}

export interface RunResult {
  workflowId: string;
  runId: string;
  /** The report: the workflow's own, or one made up from the failure when it ended without one. */
  report: OperationReport;
  /** Set when the workflow failed because its input was invalid (exit code 2). */
  invalidInput?: boolean;
}

interface WaitOptions {
  onProgress?: (progress: Progress) => void;
  /** How often to ask the `progress` query (ms). */
  pollIntervalMs?: number;
}

// gRPC status codes (grpc-js is the SDK's dependency, not ours; the numbers are the gRPC spec's).
const GRPC = { INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, UNAVAILABLE: 14 } as const;
const GRPC_UNREACHABLE = new Set<number>([GRPC.UNAVAILABLE, GRPC.DEADLINE_EXCEEDED]);

/** The gRPC status code of an SDK error or of its cause, if it is one. */
function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  const cause = (err as Error)?.cause;
  return isGrpcServiceError(cause) ? cause.code : undefined;
}

/** How long `approve` / `abort` wait for the run's answer unless told (`--timeout`). */
const OPERATOR_UPDATE_TIMEOUT_MS = 30_000;

/** Maps SDK errors to drsctl's errors: unreachable → 3, missing workflow → 1; others pass through. */
function translateTemporalError(err: unknown, what: string): unknown {
  if (err instanceof CliError) return err;
  if (err instanceof WorkflowNotFoundError) return new OperationFailedError(`${what}: workflow not found`);
  const grpc = isGrpcServiceError(err)
    ? err
    : isGrpcServiceError((err as Error)?.cause)
      ? (err as Error).cause
      : undefined;
  if (grpc && isGrpcServiceError(grpc)) {
    const code: number = grpc.code;
    if (GRPC_UNREACHABLE.has(code))
      return new UnreachableError(`${what}: Temporal unreachable: ${grpc.details}`);
    if (code === GRPC.NOT_FOUND) return new OperationFailedError(`${what}: ${grpc.details}`);
    if (code === GRPC.INVALID_ARGUMENT) return new BadInputError(`${what}: ${grpc.details}`);
  }
  return err;
}

async function guarded<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw translateTemporalError(err, what);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Who drsctl acts as (the Temporal client identity, and `by` of approve / abort): user@host. */
function clientIdentity(): string {
  let user = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): the environment's name stays
  }
  return `${user}@${hostname()}`;
}

/**
 * Memo key of the start request that created a run: a retry (USE_EXISTING) finds another value in
 * the run it attached to, so `attached` needs no look before the start.
 */
const START_REQUEST_MEMO = 'drsctlStartRequest';

/** The Temporal-side client for DRS operations (not the AWS SDK's DrsClient). */
export class DrsOperationsClient {
  readonly schedules: ScheduleManager;

  constructor(
    readonly client: Client,
    readonly settings: ConnectionSettings,
  ) {
    this.schedules = new ScheduleManager(client, settings);
  }

  /** Connects to Temporal; throws UnreachableError (exit 3) when the frontend does not answer. */
  static async connect(settings: ConnectionSettings): Promise<DrsOperationsClient> {
    const connection: Connection = await connect(settings);
    const client = new Client({ connection, namespace: settings.namespace, identity: clientIdentity() });
    return new DrsOperationsClient(client, settings);
  }

  /** The Temporal client identity (user@host): recorded in history, and `by` unless told otherwise. */
  get identity(): string {
    return this.client.options.identity;
  }

  async close(): Promise<void> {
    await this.client.connection.close();
  }

  /**
   * Starts `operation` with an already validated input. The id defaults to the operation's
   * deterministic id; while a run with that id is open Temporal attaches the request to it (USE_EXISTING), once it has
   * closed the id starts a fresh run (ALLOW_DUPLICATE). `startedBy` is named in the run's UI
   * details (default: drsctl, the OS user and host).
   */
  async start(
    operation: Operation,
    input: Record<string, unknown>,
    opts: { workflowId?: string; startedBy?: string } = {},
  ): Promise<StartedRun> {
    const workflowId = opts.workflowId ?? workflowIdOf(operation, input);
    return guarded(`starting ${operation.workflowType} ${workflowId}`, async () => {
      const startRequest = randomUUID();
      const handle = await this.client.workflow.start(operation.workflowType, {
        workflowId,
        taskQueue: this.settings.taskQueue,
        args: [input],
        ...operation.summarize(input, opts.startedBy ?? localStarter()),
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        memo: { [START_REQUEST_MEMO]: startRequest },
      });
      const { memo } = await handle.describe();
      const attached = memo?.[START_REQUEST_MEMO] !== startRequest;
      return { workflowId, runId: handle.firstExecutionRunId, attached };
    });
  }

  describe(workflowId: string): Promise<WorkflowExecutionDescription> {
    return guarded(`describing ${workflowId}`, () => this.client.workflow.getHandle(workflowId).describe());
  }

  /**
   * The run's `progress`, through its workflow type's query; undefined for a type we do not know
   * or when no worker answers in time.
   */
  async progress(run: RunRef): Promise<Progress | undefined> {
    const handle = this.client.workflow.getHandle(run.workflowId, run.runId);
    try {
      const query = PROGRESS_QUERIES.get(run.type);
      return query ? await handle.query(query) : undefined;
    } catch (err) {
      const translated = translateTemporalError(err, `querying ${run.workflowId}`);
      if (translated instanceof CliError) throw translated;
      return undefined;
    }
  }

  /** Opens the gate the run waits at; RejectedError (exit 4) with the run's reason when there is none. */
  approve(
    workflowId: string,
    args: { by?: string; note?: string; timeoutMs?: number } = {},
  ): Promise<ApproveResult> {
    const by = args.by ?? this.identity;
    return this.operatorUpdate(`approving ${workflowId}`, workflowId, args.timeoutMs, () =>
      this.client.workflow
        .getHandle(workflowId)
        .executeUpdate(approveUpdate, { args: [{ by, ...(args.note ? { note: args.note } : {}) }] }),
    );
  }

  /** Aborts the run; the answer says what it still cleans up. RejectedError (exit 4) when there is nothing to stop. */
  abort(workflowId: string, args: { by?: string; reason: string; timeoutMs?: number }): Promise<AbortResult> {
    const by = args.by ?? this.identity;
    return this.operatorUpdate(`aborting ${workflowId}`, workflowId, args.timeoutMs, () =>
      this.client.workflow
        .getHandle(workflowId)
        .executeUpdate(abortUpdate, { args: [{ by, reason: args.reason }] }),
    );
  }

  /**
   * Runs an approve / abort update. The validator's rejection (or the SDK's, for a workflow without
   * the update) becomes RejectedError; so does a run that has closed, which cannot take updates.
   * A run answers only through a worker: with none polling, the server holds the request, so it
   * is given `timeoutMs` (UnreachableError, exit 3, saying so).
   */
  private async operatorUpdate<T>(
    what: string,
    workflowId: string,
    timeoutMs: number = OPERATOR_UPDATE_TIMEOUT_MS,
    send: () => Promise<T>,
  ): Promise<T> {
    try {
      return await this.client.withDeadline(Date.now() + timeoutMs, send);
    } catch (err) {
      if (grpcCode(err) === GRPC.DEADLINE_EXCEEDED || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
        throw new UnreachableError(
          `${what}: no answer within ${timeoutMs / 1000} s: the run answers through a worker, and none took the request (is a worker polling task queue ${this.settings.taskQueue}?). A worker that starts soon may still apply it`,
        );
      if (err instanceof WorkflowUpdateFailedError)
        throw new RejectedError(`${what}: rejected: ${err.cause?.message ?? err.message}`);
      const translated = translateTemporalError(err, what);
      if (translated instanceof OperationFailedError) {
        const description = await this.describe(workflowId).catch(() => undefined);
        if (description && description.status.name !== 'RUNNING')
          throw new RejectedError(`${what}: rejected: already finished (${description.status.name})`);
      }
      throw translated;
    }
  }

  /** Cancels the run: a drill still terminates what it launched (non-cancellable cleanup). */
  cancel(workflowId: string): Promise<void> {
    return guarded(`cancelling ${workflowId}`, async () => {
      await this.client.workflow.getHandle(workflowId).cancel();
    });
  }

  /**
   * Waits until the run closes, polling `progress` meanwhile, and returns its report. A run that
   * ends without a report (failed, cancelled, terminated, timed out) gets one made from the last
   * progress seen, so CI still lists every server.
   */
  async waitForResult(workflowId: string, opts: WaitOptions & { runId?: string } = {}): Promise<RunResult> {
    const handle = this.client.workflow.getHandle(workflowId, opts.runId);
    const { runId, type } = await this.describe(workflowId);
    const run = { workflowId, runId, type };
    let last: Progress | undefined;
    let done = false;
    const poller = (async () => {
      while (!done) {
        const progress = await this.progress(run).catch(() => undefined);
        if (progress && !done) {
          last = progress;
          opts.onProgress?.(progress);
        }
        await sleep(opts.pollIntervalMs ?? 1000);
      }
    })();
    const operation = type.replace(/^drs/, '').toLowerCase();
    // a plan's progress lists waves, not servers (as before: its failure report names none)
    const serverIds = () =>
      !last ||
      last.operation === 'plan' ||
      last.operation === 'readiness' ||
      last.operation === 'reconcile' ||
      last.operation === 'extend'
        ? []
        : last.servers.map((s) => s.sourceServerId);
    try {
      const report = (await guarded(`waiting for ${workflowId}`, () => handle.result())) as OperationReport;
      return { workflowId, runId, report };
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      const { message, outcome, invalidInput, details } = describeFailure(err);
      // a drill refused in preflight carries its report in the failure; a cancelled one keeps it in `progress`
      const final = isReport(details) ? details : (await this.progress(run).catch(() => undefined))?.report;
      const report = isReport(final)
        ? final
        : reportForFailedRun(operation, workflowId, serverIds(), message, outcome);
      return { workflowId, runId, report, invalidInput };
    } finally {
      done = true;
      await poller;
    }
  }

  /**
   * The report of a run (waiting until it closes) without asking `progress`: a closed run's report
   * needs no worker. A run that failed without one gets one made from the failure.
   */
  async reportOf(workflowId: string, runId?: string): Promise<RunResult> {
    const handle = this.client.workflow.getHandle(workflowId, runId);
    const description = await this.describe(workflowId);
    try {
      const report = (await guarded(`reading ${workflowId}`, () => handle.result())) as OperationReport;
      return { workflowId, runId: description.runId, report };
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      const { message, outcome, invalidInput, details } = describeFailure(err);
      const operation = description.type.replace(/^drs/, '').toLowerCase();
      const report = isReport(details)
        ? details
        : reportForFailedRun(operation, workflowId, [], message, outcome);
      return { workflowId, runId: description.runId, report, invalidInput };
    }
  }
}

interface FailureSummary {
  message: string;
  outcome: Outcome;
  invalidInput: boolean;
  /** The first detail of an application failure (a drill's preflight attaches its report). */
  details?: unknown;
}

function describeFailure(err: WorkflowFailedError): FailureSummary {
  const cause = err.cause;
  if (cause instanceof CancelledFailure)
    return { message: 'cancelled', outcome: 'ABORTED', invalidInput: false };
  if (cause instanceof TerminatedFailure)
    return { message: 'terminated', outcome: 'ABORTED', invalidInput: false };
  if (cause instanceof TimeoutFailure)
    return { message: 'workflow timed out', outcome: 'FAILED', invalidInput: false };
  const message = cause?.message ?? err.message;
  if (!(cause instanceof ApplicationFailure)) return { message, outcome: 'FAILED', invalidInput: false };
  return {
    message,
    outcome: 'FAILED',
    invalidInput: cause.type === INVALID_INPUT,
    details: cause.details?.[0],
  };
}

function isReport(value: unknown): value is OperationReport {
  const v = value as OperationReport | undefined;
  return typeof v?.outcome === 'string' && Array.isArray(v.servers);
}
