// The SDK makes exactly one HTTP attempt per call (the factory's maxAttempts 1), so the retry layers
// are the product's own (drsCall's bounded tries of a read, test/integration/read-retries.test.ts,
// and Temporal's activity retry policy): counted on the wire, in the emulator's audit log.
import { strict as assert } from 'node:assert';
import { DescribeJobsCommand } from '@aws-sdk/client-drs';
import { AwsClientFactory } from '../../activities/drs-client';
import { emulatorCredentials, startEmulator, type RunningEmulator } from '../../emulator';

describe('one SDK attempt per DRS call (emulator)', () => {
  let emulator: RunningEmulator;

  before(async () => {
    emulator = await startEmulator({ quiet: true });
  });
  after(() => emulator.close());
  beforeEach(async () => {
    await emulator.control.reset();
    // every DescribeJobs answered 500 InternalServerException: a retrying SDK would call again
    await emulator.control.faults({ operation: 'DescribeJobs', errorRate: 1 });
  });

  /** HTTP requests the emulator saw for one failing DescribeJobs through a factory's client. */
  async function attemptsOfOneCall(factory: AwsClientFactory): Promise<number> {
    try {
      const client = factory.drsClient(undefined);
      await assert.rejects(client.send(new DescribeJobsCommand({})), { name: 'InternalServerException' });
    } finally {
      factory.destroy();
    }
    return (await emulator.control.audit({ operation: 'DescribeJobs' })).length;
  }

  it("the factory's client makes one attempt and leaves retrying to Temporal", async () => {
    const factory = new AwsClientFactory({
      endpoint: emulator.url,
      defaultRegion: 'us-east-1',
      credentialsFor: emulatorCredentials,
    });
    assert.equal(await attemptsOfOneCall(factory), 1);
  });

  it('the same call with maxAttempts 3 is seen three times (the count sees SDK retries)', async () => {
    const factory = new AwsClientFactory({
      endpoint: emulator.url,
      defaultRegion: 'us-east-1',
      credentialsFor: emulatorCredentials,
      maxAttempts: 3,
    });
    assert.equal(await attemptsOfOneCall(factory), 3);
  });
});
