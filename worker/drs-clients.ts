// The worker's DRS clients: the activities' AwsClientFactory with per-account assumed roles and a
// per-request metrics middleware (calls by operation and result, throttles, errors by name).
import type { DrsClient } from '@aws-sdk/client-drs';
import { isThrottlingError } from '@smithy/service-error-classification';
import { ApplicationFailure, type MetricMeter } from '@temporalio/common';
import { INVALID_INPUT } from '../common/failures';
import { assumedRoleCredentials, roleInEachAccount } from '../activities/credentials';
import { AwsClientFactory, type DrsCredentials } from '../activities/drs-client';
import { recordDrsCall, type DrsCallResult } from '../common/metrics';
import { emulatorCredentials } from '../emulator/credentials';
import type { WorkerConfig } from './config';

/** The role to assume for calls in `accountId`: listed ARN first, then the name pattern. */
export function roleArnFor(aws: WorkerConfig['aws'], accountId: string): string | undefined {
  return (
    aws.accountRoleArns[accountId] ??
    (aws.accountRoleName ? roleInEachAccount(aws.accountRoleName)(accountId) : undefined)
  );
}

/**
 * Credentials for a call in `accountId`: the role configured for it (through STS_ENDPOINT when
 * set); without `accountId`, the worker's own: the AWS SDK's default chain, whatever DRS_ENDPOINT
 * says, or with DRS_EMULATOR the emulator's keys. The emulator's STS stands in for AWS's then, so
 * other accounts are reached by AssumeRole exactly as in AWS. An `accountId` with no role is
 * refused (InvalidInput naming the field): the worker's own credentials would act in its own
 * account, not the one the input names.
 */
export function accountCredentials(
  aws: WorkerConfig['aws'],
): (accountId: string | undefined) => DrsCredentials | undefined {
  const own = aws.emulator ? emulatorCredentials() : undefined;
  const assumed = assumedRoleCredentials({
    roleArnFor: (accountId) => roleArnFor(aws, accountId),
    region: aws.region,
    ...(own ? { masterCredentials: own } : {}),
    stsEndpoint: aws.stsEndpoint,
    sessionName: 'temporal-drs-worker',
  });
  return (accountId) => {
    if (!accountId) return own;
    const role = assumed(accountId);
    if (role) return role;
    throw ApplicationFailure.nonRetryable(
      `accountId: no role to assume in account ${accountId} (set DRS_ACCOUNT_ROLE_ARNS or DRS_ACCOUNT_ROLE_NAME); leave accountId out for the worker's own account`,
      INVALID_INPUT,
    );
  };
}

function callResult(err: unknown): DrsCallResult {
  return isThrottlingError(err as Parameters<typeof isThrottlingError>[0]) ? 'throttled' : 'error';
}

/**
 * Counts every HTTP request of `client` (each SDK attempt; it sits inside the retry middleware,
 * around the deserializer, so it sees the service's answer already turned into an error class).
 */
function instrumentDrsClient(client: DrsClient, meter: MetricMeter): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
      try {
        const output = await next(args);
        recordDrsCall(meter, operation, 'ok');
        return output;
      } catch (err) {
        recordDrsCall(meter, operation, callResult(err), (err as { name?: string }).name);
        throw err;
      }
    },
    { step: 'deserialize', priority: 'high', name: 'temporalDrsMetrics' },
  );
}

/** AwsClientFactory whose DRS clients are instrumented once, when first created. */
export class InstrumentedDrsClientFactory extends AwsClientFactory {
  private readonly instrumented = new WeakSet<DrsClient>();

  constructor(
    options: ConstructorParameters<typeof AwsClientFactory>[0],
    private readonly meter: MetricMeter,
  ) {
    super(options);
  }

  override drsClient(region: string | undefined, accountId?: string): DrsClient {
    const client = super.drsClient(region, accountId);
    if (!this.instrumented.has(client)) {
      instrumentDrsClient(client, this.meter);
      this.instrumented.add(client);
    }
    return client;
  }
}

export function createDrsClientFactory(aws: WorkerConfig['aws'], meter: MetricMeter): AwsClientFactory {
  return new InstrumentedDrsClientFactory(
    {
      endpoint: aws.drsEndpoint,
      ec2Endpoint: aws.ec2Endpoint,
      ssmEndpoint: aws.ssmEndpoint,
      cloudFormationEndpoint: aws.cloudFormationEndpoint,
      defaultRegion: aws.region,
      credentialsFor: accountCredentials(aws),
    },
    meter,
  );
}
