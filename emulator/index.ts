// Public entry point of the DRS emulator: start one in-process, or point SDK clients at one.
import type { DrsClientConfig } from '@aws-sdk/client-drs';
import { EmulatorControl } from './control-client';
import { Emulator, type EmulatorOptions } from './emulator';
import { DEFAULT_ACCOUNT } from './inventory';
import { buildServer } from './server';

export { EmulatorControl } from './control-client';
export type { EmulatorOptions } from './emulator';
export { DEFAULT_ACCOUNT, DEFAULT_REGION, STAGING_ACCOUNT, pickHealthyServers } from './inventory';
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

/**
 * Dummy credentials that the emulator maps to `accountId` (its first 12-digit run in the access
 * key id names the account). Any credentials work; these just pick the account.
 */
export function emulatorCredentials(accountId: string = DEFAULT_ACCOUNT): {
  accessKeyId: string;
  secretAccessKey: string;
} {
  return { accessKeyId: `AKIA${accountId}EMU`, secretAccessKey: 'emulator-secret' };
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
