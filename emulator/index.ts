// Public entry point of the DRS emulator: start one in-process, or point SDK clients at one.
import type { DrsClientConfig } from '@aws-sdk/client-drs';
import { EmulatorControl } from './control-client';
import { emulatorCredentials } from './credentials';
import { Emulator, type EmulatorOptions } from './emulator';
import { buildServer } from './server';

export { EmulatorControl } from './control-client';
export { emulatorCredentials } from './credentials';
export type { EmulatorOptions } from './emulator';
export { DEFAULT_ACCOUNT, STAGING_ACCOUNT, pickHealthyServers } from './inventory';
export type * from './types';

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:4599 — use as the SDK client's `endpoint`. */
  url: string;
  port: number;
  control: EmulatorControl;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = new Emulator(options);
  const app = buildServer(emulator, options.quiet ?? true);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { url, port, control: new EmulatorControl(url), close: () => app.close() };
}

/** What any AWS SDK v3 client (EC2Client, SSMClient, DrsClient, …) needs to talk to the emulator. */
interface EmulatorAwsConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
}

/**
 * Client config for EC2Client and SSMClient (any service the emulator serves): the endpoint, the
 * region and keys naming the account, which the emulator reads back from the signature.
 */
export function emulatorAwsConfig(
  url: string,
  options: { region?: string; accountId?: string; maxAttempts?: number } = {},
): EmulatorAwsConfig {
  return {
    endpoint: url,
    region: options.region ?? 'us-east-1',
    credentials: emulatorCredentials(options.accountId),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  };
}

/** SDK client config for the emulator at `url` (DrsClient and MgnClient accept the same fields). */
export function emulatorClientConfig(
  url: string,
  options: { region?: string; accountId?: string; maxAttempts?: number } = {},
): DrsClientConfig {
  return {
    endpoint: url,
    region: options.region ?? 'us-east-1',
    credentials: emulatorCredentials(options.accountId),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  };
}
