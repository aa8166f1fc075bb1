// Scenarios (control API) and the failback lifecycle, driven through the SDK.
import assert from 'node:assert/strict';
import {
  ConflictException,
  DescribeJobLogItemsCommand,
  DescribeRecoveryInstancesCommand,
  DescribeSourceServersCommand,
  DisconnectRecoveryInstanceCommand,
  ReverseReplicationCommand,
  StartFailbackLaunchCommand,
  StartRecoveryCommand,
  StopFailbackCommand,
  ValidationException,
  type RecoveryInstance,
} from '@aws-sdk/client-drs';
import { pickHealthyServers } from '../../emulator';
import { describeJob, fixture, rejectsWith, runJobToCompletion, type Fixture } from './support';

async function recover(f: Fixture, sourceServerID: string, isDrill = false): Promise<RecoveryInstance> {
  const { job } = await f.drsClient.send(
    new StartRecoveryCommand({ isDrill, sourceServers: [{ sourceServerID }] }),
  );
  await runJobToCompletion(f, job?.jobID as string);
  const { items = [] } = await f.drsClient.send(
    new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [sourceServerID] } }),
  );
  return items[0];
}

async function instance(f: Fixture, recoveryInstanceID: string): Promise<RecoveryInstance> {
  const { items = [] } = await f.drsClient.send(
    new DescribeRecoveryInstancesCommand({ filters: { recoveryInstanceIDs: [recoveryInstanceID] } }),
  );
  return items[0];
}

describe('emulator: scenarios and failback', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.close());

  it('jobStuckPending keeps launch jobs of the named servers PENDING for the given emulator time', async () => {
    const [stuck, free] = await pickHealthyServers(f.drsClient, 2);
    await f.emulator.control.scenario({
      type: 'jobStuckPending',
      seconds: 3 * 3600,
      sourceServerIds: [stuck],
    });
    const a = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: stuck }] }),
    );
    const b = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: free }] }),
    );
    f.advance(2 * 3600);
    assert.equal((await describeJob(f.drsClient, a.job?.jobID as string)).status, 'PENDING');
    assert.equal((await describeJob(f.drsClient, b.job?.jobID as string)).status, 'COMPLETED');
    f.advance(3600);
    const { job } = await runJobToCompletion(f, a.job?.jobID as string);
    assert.equal(job.participatingServers?.[0]?.launchStatus, 'LAUNCHED');
  });

  it('advanceClock on the control API moves the emulator clock', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }),
    );
    const now = await f.emulator.control.advanceClock(60);
    assert.equal(Date.parse(now) - f.now(), 60_000);
    assert.equal((await describeJob(f.drsClient, job?.jobID as string)).status, 'COMPLETED');
  });

  it('launchFailure ends the named servers FAILED with a LAUNCH_FAILED event; the others launch', async () => {
    const [bad, good] = await pickHealthyServers(f.drsClient, 2);
    await f.emulator.control.scenario({
      type: 'launchFailure',
      sourceServerIds: [bad],
      error: 'InsufficientInstanceCapacity',
    });
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({
        isDrill: true,
        sourceServers: [{ sourceServerID: bad }, { sourceServerID: good }],
      }),
    );
    const { job: done } = await runJobToCompletion(f, job?.jobID as string);
    const status = Object.fromEntries(
      (done.participatingServers ?? []).map((p) => [p.sourceServerID, p.launchStatus]),
    );
    assert.deepEqual(status, { [bad]: 'FAILED', [good]: 'LAUNCHED' });
    const { items = [] } = await f.drsClient.send(new DescribeJobLogItemsCommand({ jobID: done.jobID }));
    const failed = items.find((i) => i.event === 'LAUNCH_FAILED');
    assert.equal(failed?.eventData?.sourceServerID, bad);
    assert.equal(failed?.eventData?.rawError, 'InsufficientInstanceCapacity');
    const { items: servers = [] } = await f.drsClient.send(
      new DescribeSourceServersCommand({ filters: { sourceServerIDs: [bad] } }),
    );
    assert.equal(servers[0].lastLaunchResult, 'FAILED');
  });

  it('replicationState stalls replication now; lag then grows with the clock', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    await f.emulator.control.scenario({
      type: 'replicationState',
      sourceServerIds: [sourceServerID],
      state: 'STALLED',
      error: 'UNSTABLE_NETWORK',
    });
    f.advance(600);
    const { items = [] } = await f.drsClient.send(
      new DescribeSourceServersCommand({ filters: { sourceServerIDs: [sourceServerID] } }),
    );
    const info = items[0].dataReplicationInfo;
    assert.equal(info?.dataReplicationState, 'STALLED');
    assert.equal(info?.dataReplicationError?.error, 'UNSTABLE_NETWORK');
    assert.match(info?.lagDuration ?? '', /^PT10M\d+S$/);
  });

  it('recoveryInstanceIdDelay: a participating server is LAUNCHED before its recoveryInstanceID is filled in', async () => {
    await f.emulator.control.scenario({ type: 'recoveryInstanceIdDelay', seconds: 30 });
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }),
    );
    const { job: done } = await runJobToCompletion(f, job?.jobID as string);
    assert.equal(done.participatingServers?.[0]?.launchStatus, 'LAUNCHED');
    assert.equal(done.participatingServers?.[0]?.recoveryInstanceID, undefined);
    const { items = [] } = await f.drsClient.send(
      new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [sourceServerID] } }),
    );
    assert.equal(items[0]?.jobID, done.jobID, 'DescribeRecoveryInstances already knows the instance');
    f.advance(30);
    assert.equal(
      (await describeJob(f.drsClient, done.jobID as string)).participatingServers?.[0]?.recoveryInstanceID,
      items[0].recoveryInstanceID,
    );
  });

  it('failback: FAILBACK_READY_FOR_LAUNCH after the scenario delay, then StartFailbackLaunch completes it', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const recovered = await recover(f, sourceServerID);
    const id = recovered.recoveryInstanceID as string;
    assert.equal(recovered.isDrill, false);
    assert.equal(recovered.failback?.state, 'FAILBACK_NOT_STARTED');
    await rejectsWith(
      f.strict.send(new StartFailbackLaunchCommand({ recoveryInstanceIDs: [id] })),
      ConflictException,
    );

    await f.emulator.control.scenario({
      type: 'failbackReadyAfter',
      seconds: 120,
      recoveryInstanceIds: [id],
    });
    assert.equal((await instance(f, id)).failback?.state, 'FAILBACK_IN_PROGRESS');
    f.advance(120);
    assert.equal((await instance(f, id)).failback?.state, 'FAILBACK_READY_FOR_LAUNCH');

    const { job } = await f.drsClient.send(
      new StartFailbackLaunchCommand({ recoveryInstanceIDs: [id], tags: { step: 'failback' } }),
    );
    assert.equal(job?.initiatedBy, 'FAILBACK');
    assert.equal(job?.type, 'LAUNCH');
    const { job: done } = await runJobToCompletion(f, job?.jobID as string);
    assert.equal(done.participatingServers?.[0]?.launchStatus, 'LAUNCHED');
    const after = await instance(f, id);
    assert.equal(after.failback?.state, 'FAILBACK_COMPLETED');
    assert.equal(after.failback?.failbackJobID, done.jobID);
  });

  it('StopFailback returns an instance to FAILBACK_NOT_STARTED', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const { recoveryInstanceID } = await recover(f, sourceServerID);
    await f.emulator.control.scenario({
      type: 'failbackReadyAfter',
      seconds: 10,
      recoveryInstanceIds: [recoveryInstanceID as string],
    });
    f.advance(10);
    await f.drsClient.send(new StopFailbackCommand({ recoveryInstanceID }));
    assert.equal((await instance(f, recoveryInstanceID as string)).failback?.state, 'FAILBACK_NOT_STARTED');
  });

  it('ReverseReplication applies to EC2-originated recovery instances and starts failback replication', async () => {
    const { items = [] } = await f.drsClient.send(new DescribeSourceServersCommand({}));
    const ec2 = items.find((s) => s.sourceCloudProperties?.originRegion);
    const onPrem = items.find(
      (s) => !s.sourceCloudProperties && s.dataReplicationInfo?.dataReplicationState === 'CONTINUOUS',
    );
    const ec2Instance = await recover(f, ec2?.sourceServerID as string);
    assert.equal(ec2Instance.originEnvironment, 'AWS');
    const { reversedDirectionSourceServerArn } = await f.drsClient.send(
      new ReverseReplicationCommand({ recoveryInstanceID: ec2Instance.recoveryInstanceID }),
    );
    assert.match(
      reversedDirectionSourceServerArn ?? '',
      /^arn:aws:drs:us-west-2:111122223333:source-server\/s-/,
    );
    assert.equal(
      (await instance(f, ec2Instance.recoveryInstanceID as string)).failback?.state,
      'FAILBACK_IN_PROGRESS',
    );
    f.advance(60);
    assert.equal(
      (await instance(f, ec2Instance.recoveryInstanceID as string)).failback?.state,
      'FAILBACK_READY_FOR_LAUNCH',
    );

    const onPremInstance = await recover(f, onPrem?.sourceServerID as string);
    assert.equal(onPremInstance.originEnvironment, 'ON_PREMISES');
    await rejectsWith(
      f.strict.send(new ReverseReplicationCommand({ recoveryInstanceID: onPremInstance.recoveryInstanceID })),
      ValidationException,
    );
  });

  it('DisconnectRecoveryInstance sets its replication DISCONNECTED and stops failback', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const { recoveryInstanceID } = await recover(f, sourceServerID);
    await f.emulator.control.scenario({
      type: 'failbackReadyAfter',
      seconds: 10,
      recoveryInstanceIds: [recoveryInstanceID as string],
    });
    await f.drsClient.send(new DisconnectRecoveryInstanceCommand({ recoveryInstanceID }));
    const after = await instance(f, recoveryInstanceID as string);
    assert.equal(after.dataReplicationInfo?.dataReplicationState, 'DISCONNECTED');
    assert.equal(after.failback?.state, 'FAILBACK_NOT_STARTED');
  });

  it('the control API rejects a scenario naming an unknown server', async () => {
    await assert.rejects(
      f.emulator.control.scenario({ type: 'launchFailure', sourceServerIds: ['s-00000000000000000'] }),
      /404.*unknown source servers/,
    );
  });
});
