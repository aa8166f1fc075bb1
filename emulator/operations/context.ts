// What every operation handler gets and returns.
import type { Partition } from '../model';
import type { EmulatorStore } from '../store';
import type { Body } from '../validation';

export interface CallContext {
  store: EmulatorStore;
  partition: Partition;
  /** Emulator-clock time of this call (lifecycle steps due by then have already run). */
  now: number;
  body: Body;
  query: Record<string, string | string[] | undefined>;
  /** The `{resourceArn}` path parameter of the tagging operations. */
  resourceArn?: string;
}

export interface OperationResult {
  statusCode: number;
  body?: unknown;
}

export type Handler = (ctx: CallContext) => OperationResult;

export const ok = (body: unknown, statusCode = 200): OperationResult => ({ statusCode, body });

/** One served operation: its HTTP route (restJson1 `http` trait) and handler. */
export interface OperationRoute {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  handler: Handler;
  /** Whether the account must have called InitializeService. */
  needsInitializedAccount: boolean;
}

/** A POST route at `/<name>` for an initialized account: the shape of most DRS operations. */
export const post = (name: string, handler: Handler): OperationRoute => ({
  name,
  method: 'POST',
  path: `/${name}`,
  handler,
  needsInitializedAccount: true,
});
