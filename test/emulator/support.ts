// Conformance-test plumbing: an emulator on a manual clock (tests move time explicitly, so nothing
// waits in real time) and real SDK clients pointed at it.
import { DescribeJobsCommand, DrsClient, type Job } from '@aws-sdk/client-drs';
import {
  emulatorClientConfig,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../emulator';

export const START = Date.parse('2024-06-01T00:00:00Z');

export interface Fixture {
  emulator: RunningEmulator;
  /** Retries like the SDK's default (3 attempts). */
  drsClient: DrsClient;
  /** One attempt: tests that must see the error itself. */
  strict: DrsClient;
  /** Moves the emulator clock forward. */
  advance(seconds: number): void;
  now(): number;
  close(): Promise<void>;
}

export async function fixture(options: EmulatorOptions = {}): Promise<Fixture> {
  let now = START;
  const emulator = await startEmulator({ seed: 42, clock: () => now, ...options });
  const drsClient = new DrsClient(emulatorClientConfig(emulator.url));
  const strict = new DrsClient(emulatorClientConfig(emulator.url, { maxAttempts: 1 }));
  return {
    emulator,
    drsClient,
    strict,
    advance: (seconds) => {
      now += seconds * 1000;
    },
    now: () => now,
    close: async () => {
      drsClient.destroy();
      strict.destroy();
      await emulator.close();
    },
  };
}

export async function describeJob(drsClient: DrsClient, jobID: string): Promise<Job> {
  const { items } = await drsClient.send(new DescribeJobsCommand({ filters: { jobIDs: [jobID] } }));
  if (!items?.[0]) throw new Error(`job ${jobID} not listed`);
  return items[0];
}

/** Advances the clock in steps until the job is COMPLETED; returns every status seen on the way. */
export async function runJobToCompletion(
  f: Fixture,
  jobID: string,
  stepSeconds = 1,
  maxSeconds = 600,
): Promise<{ job: Job; statuses: string[] }> {
  const statuses: string[] = [];
  for (let elapsed = 0; elapsed <= maxSeconds; elapsed += stepSeconds) {
    const job = await describeJob(f.drsClient, jobID);
    if (statuses[statuses.length - 1] !== job.status) statuses.push(job.status as string);
    if (job.status === 'COMPLETED') return { job, statuses };
    f.advance(stepSeconds);
  }
  throw new Error(`job ${jobID} not COMPLETED after ${maxSeconds}s of emulator time`);
}

/** Asserts that `promise` rejects with an SDK exception of class `type`; returns it. */
export async function rejectsWith<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof type) return err;
    throw new Error(`expected ${type.name}, got ${(err as Error).name}: ${(err as Error).message}`);
  }
  throw new Error(`expected ${type.name}, but the call succeeded`);
}
