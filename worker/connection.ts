// The worker's connection to Temporal: the settings and TLS files of common/temporal-connection.ts
// (shared with drsctl), through the worker's NativeConnection.
import { NativeConnection } from '@temporalio/worker';
import {
  temporalConnectionOptions,
  TemporalSettingsError,
  type TemporalSettings,
} from '../common/temporal-connection';
import { ConfigError } from './config';

/** Connects; an unreadable TLS file is a ConfigError (exit 2), no answer TemporalUnreachableError (exit 3). */
export async function connectToTemporal(temporal: TemporalSettings): Promise<NativeConnection> {
  let options;
  try {
    options = temporalConnectionOptions(temporal);
  } catch (err) {
    throw err instanceof TemporalSettingsError ? new ConfigError(err.message) : err;
  }
  try {
    return await NativeConnection.connect(options);
  } catch (err) {
    throw new TemporalUnreachableError(
      `cannot connect to Temporal at ${temporal.address}: ${(err as Error).message}`,
    );
  }
}

export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}
