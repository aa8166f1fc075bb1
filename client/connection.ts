// Connection settings for drsctl, named as the Temporal CLI names them: flags override environment
// variables, which override the defaults in common/config.ts. The Temporal CLI's own variable names
// (TEMPORAL_TLS_CLIENT_CERT_PATH, ...) are accepted as aliases so one CI environment serves both.
import { readFileSync } from 'node:fs';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { parseEnv, temporalEnvSchema } from '../common/config';
import { BadInputError, UnreachableError } from './errors';

/** Connection flags as commander hands them over (all optional: env and defaults fill the rest). */
export interface ConnectionFlags {
  address?: string;
  namespace?: string;
  apiKey?: string;
  tls?: boolean;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  tlsCaPath?: string;
  tlsServerName?: string;
  taskQueue?: string;
  /** Milliseconds to wait for the frontend before giving up with exit code 3. */
  connectTimeout?: number;
}

export interface ConnectionSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  tls: boolean;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  tlsCaPath?: string;
  tlsServerName?: string;
  connectTimeoutMs: number;
}

/** The Temporal CLI's variable names, read when the project's own name is unset. */
const TEMPORAL_CLI_ALIASES: Record<string, string> = {
  TEMPORAL_TLS_CERT: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
};

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export function resolveConnectionSettings(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
): ConnectionSettings {
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const [ours, theirs] of Object.entries(TEMPORAL_CLI_ALIASES)) {
    if (!merged[ours] && merged[theirs]) merged[ours] = merged[theirs];
  }
  let fromEnv;
  try {
    fromEnv = parseEnv(temporalEnvSchema, merged);
  } catch (err) {
    throw new BadInputError((err as Error).message);
  }
  const tlsCertPath = flags.tlsCertPath ?? fromEnv.TEMPORAL_TLS_CERT;
  const tlsKeyPath = flags.tlsKeyPath ?? fromEnv.TEMPORAL_TLS_KEY;
  if (Boolean(tlsCertPath) !== Boolean(tlsKeyPath)) {
    throw new BadInputError(
      '--tls-cert-path and --tls-key-path (TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY) go together',
    );
  }
  const tlsCaPath = flags.tlsCaPath ?? fromEnv.TEMPORAL_TLS_CA;
  const apiKey = flags.apiKey ?? fromEnv.TEMPORAL_API_KEY;
  const tlsFromEnv = ['1', 'true'].includes((env.TEMPORAL_TLS ?? '').toLowerCase());
  return {
    address: flags.address ?? fromEnv.TEMPORAL_ADDRESS,
    namespace: flags.namespace ?? fromEnv.TEMPORAL_NAMESPACE,
    taskQueue: flags.taskQueue ?? fromEnv.TEMPORAL_TASK_QUEUE,
    apiKey,
    // An API key (Temporal Cloud) or any TLS file implies TLS, as in the Temporal CLI.
    tls: Boolean(flags.tls || tlsFromEnv || apiKey || tlsCertPath || tlsCaPath),
    tlsCertPath,
    tlsKeyPath,
    tlsCaPath,
    tlsServerName: flags.tlsServerName ?? (env.TEMPORAL_TLS_SERVER_NAME || undefined),
    connectTimeoutMs: flags.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS,
  };
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new BadInputError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

export function connectionOptions(s: ConnectionSettings): ConnectionOptions {
  const options: ConnectionOptions = { address: s.address, connectTimeout: s.connectTimeoutMs };
  if (s.apiKey) options.apiKey = s.apiKey;
  if (s.tls) {
    options.tls = {
      serverNameOverride: s.tlsServerName,
      serverRootCACertificate: s.tlsCaPath ? readPem(s.tlsCaPath, 'TLS CA') : undefined,
      clientCertPair:
        s.tlsCertPath && s.tlsKeyPath
          ? { crt: readPem(s.tlsCertPath, 'TLS client cert'), key: readPem(s.tlsKeyPath, 'TLS client key') }
          : undefined,
    };
  }
  return options;
}

/** Connects (the SDK checks the frontend answers); any failure here is "unreachable", exit code 3. */
export async function connect(s: ConnectionSettings): Promise<Connection> {
  const options = connectionOptions(s);
  try {
    return await Connection.connect(options);
  } catch (err) {
    throw new UnreachableError(`Temporal at ${s.address} is unreachable: ${(err as Error).message}`);
  }
}
