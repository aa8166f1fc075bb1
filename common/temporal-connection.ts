// How the worker and drsctl reach Temporal, read the way the Temporal CLI reads it (through
// @temporalio/envconfig): a profile of the TOML config file (TEMPORAL_CONFIG_FILE, by default
// ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE picks one), overridden by the standard
// TEMPORAL_* variables, overridden by drsctl's flags. TEMPORAL_TLS_CERT / _KEY / _CA, this
// project's earlier names, stand for TEMPORAL_TLS_CLIENT_CERT_PATH / _CLIENT_KEY_PATH /
// _SERVER_CA_CERT_PATH and win when both are set. Not workflow code (reads files).
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { loadClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import { DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE, DEFAULT_TEMPORAL_ADDRESS } from './config';

/** drsctl's connection flags: they override the environment and the profile. */
export interface TemporalOverrides {
  address?: string;
  namespace?: string;
  apiKey?: string;
  tls?: boolean;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  tlsCaPath?: string;
  tlsServerName?: string;
  taskQueue?: string;
}

/** A PEM file or inline PEM, and the setting it came from (named when it cannot be used). */
export type PemSource = ConfigDataSource & { from: string };

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  /** Unset: plain gRPC. An empty object: TLS with the system's root certificates. */
  tls?: { serverName?: string; clientCert?: PemSource; clientKey?: PemSource; serverCa?: PemSource };
  /** gRPC headers (TEMPORAL_GRPC_META_<NAME>, a profile's grpc_meta). */
  grpcMeta?: Record<string, string>;
}

/** Settings that cannot work; the message names the variable, flag or profile key. */
export class TemporalSettingsError extends Error {
  override name = 'TemporalSettingsError';
}

const FORMER_NAMES = {
  TEMPORAL_TLS_CERT: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
} as const;

/** Per TLS file: its flag, the variables that may set it (first wins), where envconfig puts it, its profile key. */
const TLS_FILES = {
  clientCert: {
    flag: ['--tls-cert-path', 'tlsCertPath'],
    vars: ['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_DATA'],
    loaded: 'clientCert',
    profileKey: 'tls.client_cert',
  },
  clientKey: {
    flag: ['--tls-key-path', 'tlsKeyPath'],
    vars: ['TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_CLIENT_KEY_DATA'],
    loaded: 'clientKey',
    profileKey: 'tls.client_key',
  },
  serverCa: {
    flag: ['--tls-ca-path', 'tlsCaPath'],
    vars: ['TEMPORAL_TLS_CA', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_DATA'],
    loaded: 'serverCACert',
    profileKey: 'tls.server_ca_cert',
  },
} as const;

export function resolveTemporalSettings(
  env: NodeJS.ProcessEnv,
  overrides: TemporalOverrides = {},
): TemporalSettings {
  // an empty variable is unset (docker-compose passes `${VAR:-}` as "")
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value) set[name] = value;
  for (const [former, standard] of Object.entries(FORMER_NAMES)) if (set[former]) set[standard] = set[former];

  let profile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: set });
  } catch (err) {
    const file = set.TEMPORAL_CONFIG_FILE ?? 'the Temporal config file';
    throw new TemporalSettingsError(`${file}: ${(err as Error).message}`);
  }
  const profileName = set.TEMPORAL_PROFILE ?? 'default';

  const source = (file: keyof typeof TLS_FILES): PemSource | undefined => {
    const { flag, vars, loaded: field, profileKey } = TLS_FILES[file];
    const fromFlag = overrides[flag[1]];
    if (fromFlag) return { path: fromFlag, from: flag[0] };
    const loaded = profile.tls?.[field];
    if (!loaded) return undefined;
    return { ...loaded, from: vars.find((v) => set[v]) ?? `profile "${profileName}" ${profileKey}` };
  };
  const files = {
    clientCert: source('clientCert'),
    clientKey: source('clientKey'),
    serverCa: source('serverCa'),
  };
  const { clientCert, clientKey } = files;
  if (Boolean(clientCert) !== Boolean(clientKey)) {
    const [given, missing] = clientCert
      ? [clientCert.from, clientCert.from.replace('CERT', 'KEY').replace('cert', 'key')]
      : [clientKey!.from, clientKey!.from.replace('KEY', 'CERT').replace('key', 'cert')];
    throw new TemporalSettingsError(`${missing}: mTLS needs both ${given} and ${missing}`);
  }

  const apiKey = overrides.apiKey ?? profile.apiKey;
  const serverName = overrides.tlsServerName ?? profile.tls?.serverName;
  // As the Temporal CLI: TLS when asked for, when any TLS setting or an API key is given, unless
  // TLS is disabled explicitly (TEMPORAL_TLS=false, a profile's tls.disabled); a flag wins.
  const anyFlag = overrides.tls || overrides.tlsCertPath || overrides.tlsCaPath || overrides.tlsServerName;
  const useTls = anyFlag || (profile.tls ? profile.tls.disabled !== true : apiKey !== undefined);
  return {
    address: overrides.address ?? profile.address ?? DEFAULT_TEMPORAL_ADDRESS,
    namespace: overrides.namespace ?? profile.namespace ?? DEFAULT_NAMESPACE,
    taskQueue: overrides.taskQueue ?? set.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    apiKey,
    tls: useTls ? { serverName, ...files } : undefined,
    grpcMeta: profile.grpcMeta,
  };
}

function readPem(source: PemSource | undefined): Buffer | undefined {
  if (!source) return undefined;
  if ('data' in source) return Buffer.from(source.data);
  try {
    return readFileSync(source.path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new TemporalSettingsError(`${source.from}: cannot read ${source.path}: ${reason}`);
  }
}

/** Options for NativeConnection.connect (worker) and Connection.connect (drsctl); reads the PEM files. */
export function temporalConnectionOptions(s: TemporalSettings): {
  address: string;
  apiKey?: string;
  tls?: TLSConfig;
  metadata?: Record<string, string>;
} {
  const clientCert = readPem(s.tls?.clientCert);
  const clientKey = readPem(s.tls?.clientKey);
  return {
    address: s.address,
    apiKey: s.apiKey,
    metadata: s.grpcMeta,
    tls: s.tls && {
      serverNameOverride: s.tls.serverName,
      serverRootCACertificate: readPem(s.tls.serverCa),
      clientCertPair: clientCert && clientKey ? { crt: clientCert, key: clientKey } : undefined,
    },
  };
}

/** The settings for a log line: where each TLS file came from, never a key or a header value. */
export function describeTemporalSettings(s: TemporalSettings): Record<string, unknown> {
  return {
    address: s.address,
    namespace: s.namespace,
    taskQueue: s.taskQueue,
    apiKey: s.apiKey ? 'set' : 'unset',
    tls: s.tls
      ? {
          serverName: s.tls.serverName,
          clientCert: s.tls.clientCert?.from,
          clientKey: s.tls.clientKey?.from,
          serverCa: s.tls.serverCa?.from,
        }
      : 'off',
    grpcMeta: s.grpcMeta && Object.keys(s.grpcMeta),
  };
}
