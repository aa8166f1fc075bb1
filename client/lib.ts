// A typed client for DRS workflows: start (with deterministic ids), watch progress, signal, cancel,
// and read the final report. drsctl is built on it; other Node code (a chat bot, a portal) can use
// it the same way:
//
//   const client = await DrsOperationsClient.connect(resolveConnectionSettings({}));
//   const run = await client.start(drillOperation, { sourceServerIds: ['s-…'], region: 'us-east-1' });
//   const result = await client.waitForResult(run.workflowId, { onProgress: (p) => console.log(p.phase) });
import {
  Client,
  WorkflowFailedError,
  WorkflowNotFoundError,
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
} from '@temporalio/common';
import { INVALID_INPUT } from '../common/failures';
import type { DrillProgress, Outcome } from '../common/types';
import type { FailbackProgress, RecoveryProgress, ReplicationProgress } from '../common/types-lifecycle';
import type { PlanProgress } from '../common/types-plan';
import {
  abortSignal,
  approveSignal,
  drillProgressQuery,
  failbackProgressQuery,
  planProgressQuery,
  recoveryProgressQuery,
  replicationProgressQuery,
} from '../workflows/messages';
import { connect, type ConnectionSettings } from './connection';
import { BadInputError, CliError, OperationFailedError, UnreachableError } from './errors';
import type { Operation } from './operations';
import { reportForFailedRun, type OperationReport } from './reports/report';
import { localStarter } from './run-summaries';
import { ScheduleManager } from './schedules';

/** The `progress` query's answer, told apart by `operation`. */
export type Progress =
  DrillProgress | RecoveryProgress | FailbackProgress | ReplicationProgress | PlanProgress;

/** A run whose progress to ask: its workflow type picks the typed query. */
export interface RunRef {
  workflowId: string;
  runId?: string;
  /** The workflow type, e.g. `drsDrill` (from describe). */
  type: string;
}

export interface StartedRun {
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

export interface WaitOptions {
  onProgress?: (progress: Progress) => void;
  /** How often to ask the `progress` query (ms). */
  pollIntervalMs?: number;
}

// gRPC status codes (grpc-js is the SDK's dependency, not ours; the numbers are the gRPC spec's).
const GRPC = { INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, UNAVAILABLE: 14 } as const;
const GRPC_UNREACHABLE = new Set<number>([GRPC.UNAVAILABLE, GRPC.DEADLINE_EXCEEDED]);

/** Maps SDK errors to drsctl's errors: unreachable → 3, missing workflow → 1; others pass through. */
export function translateTemporalError(err: unknown, what: string): unknown {
  if (err instanceof CliError) return err;
  if (err instanceof WorkflowNotFoundError) return new OperationFailedError(`${what}: workflow not found`);
  const grpc = isGrpcServiceError(err)
    ? err
    : isGrpcServiceError((err as Error)?.cause)
      ? (err as Error).cause
      : undefined;
  if (grpc && isGrpcServiceError(grpc)) {
    if (GRPC_UNREACHABLE.has(grpc.code))
      return new UnreachableError(`${what}: Temporal unreachable: ${grpc.details}`);
    if (grpc.code === GRPC.NOT_FOUND) return new OperationFailedError(`${what}: ${grpc.details}`);
    if (grpc.code === GRPC.INVALID_ARGUMENT) return new BadInputError(`${what}: ${grpc.details}`);
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
    return new DrsOperationsClient(new Client({ connection, namespace: settings.namespace }), settings);
  }

  async close(): Promise<void> {
    await this.client.connection.close();
  }

  /**
   * Starts `operation` with an already validated input. The id defaults to the operation's
   * deterministic id; while a run with that id is open we attach to it (USE_EXISTING), once it has
   * closed the id starts a fresh run (ALLOW_DUPLICATE). `startedBy` is named in the run's UI
   * details (default: drsctl, the OS user and host).
   */
  async start(
    operation: Operation,
    input: Record<string, unknown>,
    opts: { workflowId?: string; startedBy?: string } = {},
  ): Promise<StartedRun> {
    const workflowId = opts.workflowId ?? operation.workflowId(input);
    return guarded(`starting ${operation.workflowType} ${workflowId}`, async () => {
      const before = await this.describe(workflowId).catch(() => undefined);
      const handle = await this.client.workflow.start(operation.workflowType, {
        workflowId,
        taskQueue: this.settings.taskQueue,
        args: [input],
        ...operation.summarize(input, opts.startedBy ?? localStarter()),
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      });
      const runId = handle.firstExecutionRunId;
      const attached = before?.status.name === 'RUNNING' && before.runId === runId;
      return { workflowId, runId, attached };
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
      switch (run.type) {
        case 'drsDrill':
          return await handle.query(drillProgressQuery);
        case 'drsRecovery':
          return await handle.query(recoveryProgressQuery);
        case 'drsFailback':
          return await handle.query(failbackProgressQuery);
        case 'drsReplication':
          return await handle.query(replicationProgressQuery);
        case 'drsPlan':
          return await handle.query(planProgressQuery);
        default:
          return undefined;
      }
    } catch (err) {
      const translated = translateTemporalError(err, `querying ${run.workflowId}`);
      if (translated instanceof CliError) throw translated;
      return undefined;
    }
  }

  approve(workflowId: string): Promise<void> {
    return guarded(`approving ${workflowId}`, () =>
      this.client.workflow.getHandle(workflowId).signal(approveSignal, { by: 'drsctl' }),
    );
  }

  abort(workflowId: string, reason: string): Promise<void> {
    return guarded(`aborting ${workflowId}`, () =>
      this.client.workflow.getHandle(workflowId).signal(abortSignal, { reason }),
    );
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
      !last || last.operation === 'plan' ? [] : last.servers.map((s) => s.sourceServerId);
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
