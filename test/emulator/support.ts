// Conformance-test plumbing: an emulator on a manual clock (tests move time explicitly, so nothing
// waits in real time) and real SDK clients pointed at it, whose every response is checked against
// the official DRS model (wire-check.ts).
import {
  DescribeJobsCommand,
  DrsClient,
  StartRecoveryCommand,
  type DrsClientConfig,
  type Job,
} from '@aws-sdk/client-drs';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import { MgnClient } from '@aws-sdk/client-mgn';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  DEFAULT_ACCOUNT,
  emulatorAwsConfig,
  emulatorClientConfig,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../emulator';
import { checkAwsResponses, type AwsExchange } from './aws-wire-check';
import { checkResponsesAgainstModel, type Exchange } from './wire-check';

const START = Date.parse('2024-06-01T00:00:00Z');

export interface Fixture {
  emulator: RunningEmulator;
  /** Retries like the SDK's default (3 attempts). */
  drsClient: DrsClient;
  /** One attempt: tests that must see the error itself. */
  strict: DrsClient;
  /** Every response the fixture's clients received, each already checked against its model. */
  exchanges: Exchange[];
  /** Another DRS client (e.g. another account or region), checked the same way, closed with the fixture. */
  client(options?: ClientOptions, config?: Partial<DrsClientConfig>): DrsClient;
  /** An MGN client, checked against the MGN model. */
  mgn(options?: ClientOptions): MgnClient;
  /** Every EC2 and SSM response the fixture's clients received, each already checked against its model. */
  awsExchanges: AwsExchange[];
  /** An EC2 client (one attempt unless told), checked against the EC2 model, closed with the fixture. */
  ec2(options?: ClientOptions): EC2Client;
  /** An SSM client (one attempt unless told), checked against the SSM model, closed with the fixture. */
  ssm(options?: ClientOptions): SSMClient;
  /** A CloudFormation client (one attempt unless told), checked against its model, closed with the fixture. */
  cloudformation(options?: ClientOptions): CloudFormationClient;
  /** Moves the emulator clock forward. */
  advance(seconds: number): void;
  now(): number;
  close(): Promise<void>;
}

type ClientOptions = Parameters<typeof emulatorClientConfig>[1];

export async function fixture(options: EmulatorOptions = {}): Promise<Fixture> {
  let now = START;
  const emulator = await startEmulator({ seed: 42, clock: () => now, ...options });
  const exchanges: Exchange[] = [];
  const awsExchanges: AwsExchange[] = [];
  const clients: { destroy(): void }[] = [];
  const checked = <C extends DrsClient | MgnClient>(client: C, service: 'drs' | 'mgn'): C => {
    checkResponsesAgainstModel(client, service, (ex) => exchanges.push(ex));
    clients.push(client);
    return client;
  };
  const client: Fixture['client'] = (clientOptions, config = {}) =>
    checked(new DrsClient({ ...emulatorClientConfig(emulator.url, clientOptions), ...config }), 'drs');
  return {
    emulator,
    drsClient: client(),
    strict: client({ maxAttempts: 1 }),
    exchanges,
    awsExchanges,
    client,
    mgn: (clientOptions) => checked(new MgnClient(emulatorClientConfig(emulator.url, clientOptions)), 'mgn'),
    ec2: (clientOptions) => {
      const ec2 = new EC2Client(emulatorAwsConfig(emulator.url, { maxAttempts: 1, ...clientOptions }));
      checkAwsResponses(ec2, 'ec2', (ex) => awsExchanges.push(ex));
      clients.push(ec2);
      return ec2;
    },
    ssm: (clientOptions) => {
      const ssm = new SSMClient(emulatorAwsConfig(emulator.url, { maxAttempts: 1, ...clientOptions }));
      checkAwsResponses(ssm, 'ssm', (ex) => awsExchanges.push(ex));
      clients.push(ssm);
      return ssm;
    },
    cloudformation: (clientOptions) => {
      const cfn = new CloudFormationClient(
        emulatorAwsConfig(emulator.url, { maxAttempts: 1, ...clientOptions }),
      );
      checkAwsResponses(cfn, 'cloudformation', (ex) => awsExchanges.push(ex));
      clients.push(cfn);
      return cfn;
    },
    advance: (seconds) => {
      now += seconds * 1000;
    },
    now: () => now,
    close: async () => {
      for (const client of clients) client.destroy();
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

/** StartRecovery for these servers, run to COMPLETED; returns the job and each server's instance id. */
export async function launched(
  f: Fixture,
  sourceServerIds: string[],
  isDrill = true,
): Promise<{ job: Job; instanceIds: string[] }> {
  const { job } = await f.drsClient.send(
    new StartRecoveryCommand({
      isDrill,
      sourceServers: sourceServerIds.map((sourceServerID) => ({ sourceServerID })),
    }),
  );
  // realistic durations take up to an hour of emulator time
  const { job: done } = await runJobToCompletion(f, job?.jobID as string, 5, 3 * 3600);
  const instanceIds = sourceServerIds.map(
    (id) => done.participatingServers?.find((p) => p.sourceServerID === id)?.recoveryInstanceID as string,
  );
  return { job: done, instanceIds };
}

/** The seeded inventory's server of this hostname in the default account. */
export async function serverNamed(f: Fixture, hostname: string): Promise<string> {
  const state = await f.emulator.control.state();
  const server = state.servers.find((s) => s.hostname === hostname && s.accountId === DEFAULT_ACCOUNT);
  if (!server) throw new Error(`no server ${hostname}`);
  return server.sourceServerID;
}
