// The worker's connection to Temporal: plain gRPC for a local or in-cluster server, mTLS with a
// client certificate, or TLS + API key for Temporal Cloud.
import { readFileSync } from 'node:fs';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError, type WorkerConfig } from './config';

/** Reads a PEM file named by an environment variable, naming that variable when it cannot. */
function readPem(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${variable}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

export function connectionOptions(temporal: WorkerConfig['temporal']): NativeConnectionOptions {
  const { tls } = temporal;
  const options: NativeConnectionOptions = { address: temporal.address, apiKey: temporal.apiKey };
  if (!tls) return options;
  options.tls = {
    serverRootCACertificate: tls.caFile ? readPem('TEMPORAL_TLS_CA', tls.caFile) : undefined,
    clientCertPair:
      tls.certFile && tls.keyFile
        ? { crt: readPem('TEMPORAL_TLS_CERT', tls.certFile), key: readPem('TEMPORAL_TLS_KEY', tls.keyFile) }
        : undefined,
  };
  return options;
}

export async function connectToTemporal(temporal: WorkerConfig['temporal']): Promise<NativeConnection> {
  const options = connectionOptions(temporal);
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
