// drsctl's connection to Temporal: flags override the environment and the Temporal CLI's profile
// file, read by common/temporal-connection.ts (shared with the worker), so one CI environment or
// one `temporal.toml` serves the worker, drsctl and the Temporal CLI alike.
import { Connection } from '@temporalio/client';
import {
  resolveTemporalSettings,
  temporalConnectionOptions,
  TemporalSettingsError,
  type TemporalOverrides,
  type TemporalSettings,
} from '../common/temporal-connection';
import { BadInputError, UnreachableError } from './errors';

/** Connection flags as commander hands them over (all optional: env, profile and defaults fill the rest). */
export interface ConnectionFlags extends TemporalOverrides {
  /** Milliseconds to wait for the frontend before giving up with exit code 3. */
  connectTimeout?: number;
}

export interface ConnectionSettings extends TemporalSettings {
  connectTimeoutMs: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Bad settings (a certificate without its key, an unreadable TLS file, a missing profile) exit 2. */
function asBadInput<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw err instanceof TemporalSettingsError ? new BadInputError(err.message) : err;
  }
}

export function resolveConnectionSettings(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
): ConnectionSettings {
  const { connectTimeout, ...overrides } = flags;
  return {
    ...asBadInput(() => resolveTemporalSettings(env, overrides)),
    connectTimeoutMs: connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS,
  };
}

/** Connects (the SDK checks the frontend answers); any failure here is "unreachable", exit code 3. */
export async function connect(s: ConnectionSettings): Promise<Connection> {
  const options = { ...asBadInput(() => temporalConnectionOptions(s)), connectTimeout: s.connectTimeoutMs };
  try {
    return await Connection.connect(options);
  } catch (err) {
    throw new UnreachableError(`Temporal at ${s.address} is unreachable: ${(err as Error).message}`);
  }
}
