// Exactly-once without the lookup on the common path: the first attempt of a launch step calls
// StartRecovery without listing the account's jobs first; a retry (its first try's response lost)
// lists them and returns the job instead of launching again. Real activity, real SDK client, the
// emulator's wire log; the attempt number comes from Temporal's MockActivityEnvironment.
import { strict as assert } from 'node:assert';
import { DescribeJobsCommand, DrsClient, StartRecoveryCommand } from '@aws-sdk/client-drs';
import type { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { AwsClientFactory } from '../../activities/drs-client';
import { createJobActivities, type StartLaunchJobInput } from '../../activities/jobs';
import type { JobView } from '../../common/types';
import {
  emulatorClientConfig,
  emulatorCredentials,
  pickHealthyServers,
  startEmulator,
  type RunningEmulator,
} from '../../emulator';

const REGION = 'us-east-1';

describe('launch steps look for an earlier job only when retried (emulator)', () => {
  let emulator: RunningEmulator;
  let factory: AwsClientFactory;
  let input: StartLaunchJobInput;

  before(async () => {
    emulator = await startEmulator({ quiet: true });
    factory = new AwsClientFactory({
      endpoint: emulator.url,
      defaultRegion: REGION,
      credentialsFor: emulatorCredentials,
    });
  });
  after(async () => {
    factory.destroy();
    await emulator.close();
  });
  beforeEach(async () => {
    await emulator.control.reset();
    const drs = new DrsClient(emulatorClientConfig(emulator.url, { region: REGION }));
    const [server] = await pickHealthyServers(drs, 1);
    drs.destroy();
    input = {
      region: REGION,
      sourceServers: [{ sourceServerId: server }],
      workflowId: 'step-lookup',
      step: 'launch',
      tagJobs: true,
      notBeforeMs: Date.now(),
    };
    await emulator.control.clearAudit();
  });

  const startDrillJob = (attempt: number) =>
    new MockActivityEnvironment({ attempt }).run(() =>
      createJobActivities(factory).startDrillJob(input),
    ) as Promise<JobView>;
  const calls = async () => (await emulator.control.audit()).map((e) => `${e.operation} ${e.statusCode}`);

  it('the first attempt calls StartRecovery with no DescribeJobs listing before it', async () => {
    const job = await startDrillJob(1);
    assert.ok(job.jobId);
    assert.deepEqual(await calls(), ['StartRecovery 202']);
  });

  it('a retry after a lost response lists the jobs and returns the one created, launching nothing', async () => {
    await emulator.control.faults({ operation: 'StartRecovery', dropResponses: 1 });
    await assert.rejects(startDrillJob(1));
    const job = await startDrillJob(2);
    assert.equal(
      (await emulator.control.audit({ operation: 'StartRecovery' })).length,
      1,
      'one StartRecovery in all',
    );
    const drs = new DrsClient(emulatorClientConfig(emulator.url, { region: REGION }));
    const { items } = await drs.send(new DescribeJobsCommand({ filters: {} }));
    drs.destroy();
    assert.deepEqual(
      (items ?? []).filter((j) => j.type === 'LAUNCH').map((j) => j.jobID),
      [job.jobId],
      'the retry returned the job the lost response created',
    );
    assert.ok((await calls()).includes('DescribeJobs 200'), 'the retry looked the job up');
  });

  it("with tagJobs false, a conflict with another's job is refused, never adopted", async () => {
    // another team's drill of the same server, launched outside this product, untagged
    const drs = new DrsClient(emulatorClientConfig(emulator.url, { region: REGION }));
    await drs.send(
      new StartRecoveryCommand({
        isDrill: true,
        sourceServers: [{ sourceServerID: input.sourceServers[0].sourceServerId }],
      }),
    );
    drs.destroy();
    input = { ...input, tagJobs: false };
    await assert.rejects(startDrillJob(1), (err: Error) => {
      assert.equal((err as ApplicationFailure).type, 'ConflictException');
      assert.match(err.message, /with tagJobs false .* not adopted/);
      return true;
    });
  });
});
