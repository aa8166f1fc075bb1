// Reprotect and failback of EC2-originated servers over the wire (real SDK, responses checked
// against the model): ReverseReplication creates a source server in the origin region that goes
// INITIATING → INITIAL_SYNC → CREATING_SNAPSHOT → CONTINUOUS, a stalling reverse replication,
// StopFailback, and the round trip home that leaves the original server replicating again.
import assert from 'node:assert/strict';
import {
  ConflictException,
  DescribeRecoveryInstancesCommand,
  DescribeSourceServersCommand,
  ReverseReplicationCommand,
  StopFailbackCommand,
  type DrsClient,
  type RecoveryInstance,
  type SourceServer,
} from '@aws-sdk/client-drs';
import { fixture, launched, rejectsWith, type Fixture } from './support';

const ORIGIN = 'us-west-2';

async function server(client: DrsClient, id: string): Promise<SourceServer> {
  const { items = [] } = await client.send(
    new DescribeSourceServersCommand({ filters: { sourceServerIDs: [id] } }),
  );
  return items[0];
}

async function instance(client: DrsClient, id: string): Promise<RecoveryInstance> {
  const { items = [] } = await client.send(
    new DescribeRecoveryInstancesCommand({ filters: { recoveryInstanceIDs: [id] } }),
  );
  return items[0];
}

const idOf = (arn: string | undefined) => (arn ?? '').split('/').pop() as string;

describe('emulator: reprotect and failback of EC2-originated servers', () => {
  let f: Fixture;
  let origin: DrsClient;
  beforeEach(async () => {
    f = await fixture();
    origin = f.client({ region: ORIGIN });
  });
  afterEach(() => f.close());

  async function failedOver(): Promise<{ sourceServerId: string; instanceId: string }> {
    const [sourceServerId] = await f.emulator.control.addServers({ count: 1, ec2Origin: true });
    const { instanceIds } = await launched(f, [sourceServerId], false);
    return { sourceServerId, instanceId: instanceIds[0] };
  }

  it('reverses into a new FAILBACK server in the origin region that replicates to CONTINUOUS', async () => {
    await f.emulator.control.scenario({ type: 'reverseReplication', seconds: 3 * 3600 });
    const { sourceServerId, instanceId } = await failedOver();
    const { reversedDirectionSourceServerArn: arn } = await f.drsClient.send(
      new ReverseReplicationCommand({ recoveryInstanceID: instanceId }),
    );
    assert.match(arn ?? '', /^arn:aws:drs:us-west-2:111122223333:source-server\/s-[0-9a-zA-Z]{17}$/);
    const reversed = await server(origin, idOf(arn));
    assert.equal(reversed.replicationDirection, 'FAILBACK');
    assert.equal(reversed.reversedDirectionSourceServerArn, (await server(f.drsClient, sourceServerId)).arn);
    assert.equal(reversed.sourceCloudProperties?.originRegion, 'us-east-1');
    assert.equal((await server(f.drsClient, sourceServerId)).reversedDirectionSourceServerArn, arn);

    const states: string[] = [];
    const failbackStates: string[] = [];
    const instanceStates: string[] = [];
    for (let t = 0; t <= 3 * 3600; t += 600) {
      const state = (await server(origin, idOf(arn))).dataReplicationInfo?.dataReplicationState as string;
      if (states.at(-1) !== state) states.push(state);
      const seen = await instance(f.drsClient, instanceId);
      const fb = seen.failback?.state as string;
      if (failbackStates.at(-1) !== fb) failbackStates.push(fb);
      const own = seen.dataReplicationInfo?.dataReplicationState as string;
      if (instanceStates.at(-1) !== own) instanceStates.push(own);
      f.advance(600);
    }
    assert.deepEqual(states, ['INITIATING', 'INITIAL_SYNC', 'CREATING_SNAPSHOT', 'CONTINUOUS']);
    assert.deepEqual(failbackStates, ['FAILBACK_IN_PROGRESS', 'FAILBACK_READY_FOR_LAUNCH']);
    assert.deepEqual(instanceStates, ['INITIATING', 'INITIAL_SYNC', 'CREATING_SNAPSHOT', 'CONTINUOUS']);

    // already reversed: the same server, replication not restarted
    const again = await f.drsClient.send(new ReverseReplicationCommand({ recoveryInstanceID: instanceId }));
    assert.equal(again.reversedDirectionSourceServerArn, arn);
    assert.equal((await server(origin, idOf(arn))).dataReplicationInfo?.dataReplicationState, 'CONTINUOUS');
  });

  it('stalls under the reverseReplication stall scenario, and StopFailback stops it', async () => {
    const { instanceId } = await failedOver();
    await f.emulator.control.scenario({ type: 'reverseReplication', seconds: 3600, stall: true });
    const { reversedDirectionSourceServerArn: arn } = await f.drsClient.send(
      new ReverseReplicationCommand({ recoveryInstanceID: instanceId }),
    );
    f.advance(2 * 3600);
    const stalled = await server(origin, idOf(arn));
    assert.equal(stalled.dataReplicationInfo?.dataReplicationState, 'STALLED');
    assert.equal(
      stalled.dataReplicationInfo?.dataReplicationError?.error,
      'FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER',
    );
    const fb = await instance(f.drsClient, instanceId);
    assert.equal(fb.failback?.state, 'FAILBACK_IN_PROGRESS');
    assert.equal(fb.dataReplicationInfo?.dataReplicationState, 'STALLED');

    await f.drsClient.send(new StopFailbackCommand({ recoveryInstanceID: instanceId }));
    assert.equal((await instance(f.drsClient, instanceId)).failback?.state, 'FAILBACK_NOT_STARTED');
    assert.equal((await server(origin, idOf(arn))).dataReplicationInfo?.dataReplicationState, 'STOPPED');

    // a new ReverseReplication restarts the same reversed server
    await f.emulator.control.scenario({ type: 'reverseReplication', seconds: 60 });
    const again = await f.drsClient.send(new ReverseReplicationCommand({ recoveryInstanceID: instanceId }));
    assert.equal(again.reversedDirectionSourceServerArn, arn);
    f.advance(61);
    assert.equal((await server(origin, idOf(arn))).dataReplicationInfo?.dataReplicationState, 'CONTINUOUS');
  });

  it('fails back home: recovery in the origin region, reversed again, the original server replicates', async () => {
    await f.emulator.control.scenario({ type: 'reverseReplication', seconds: 600 });
    const { sourceServerId, instanceId } = await failedOver();
    const { reversedDirectionSourceServerArn: arn } = await f.drsClient.send(
      new ReverseReplicationCommand({ recoveryInstanceID: instanceId }),
    );
    f.advance(601);
    const reversedId = idOf(arn);
    // a recovery in the origin region from the reversed server
    const home = { ...f, drsClient: origin };
    const { instanceIds } = await launched(home, [reversedId], false);
    const homeInstance = await instance(origin, instanceIds[0]);
    assert.equal(homeInstance.originEnvironment, 'AWS');
    assert.equal(homeInstance.sourceServerID, reversedId);

    const { reversedDirectionSourceServerArn: back } = await origin.send(
      new ReverseReplicationCommand({ recoveryInstanceID: instanceIds[0] }),
    );
    const original = await server(f.drsClient, sourceServerId);
    assert.equal(back, original.arn);
    assert.equal(original.replicationDirection, 'FAILOVER');
    assert.equal(original.dataReplicationInfo?.dataReplicationState, 'INITIATING');
    assert.equal(original.sourceProperties?.identificationHints?.awsInstanceID, instanceIds[0]);
    assert.equal((await server(origin, reversedId)).dataReplicationInfo?.dataReplicationState, 'STOPPED');
    f.advance(601);
    assert.equal(
      (await server(f.drsClient, sourceServerId)).dataReplicationInfo?.dataReplicationState,
      'CONTINUOUS',
    );
  });

  it('refuses drill instances (Conflict)', async () => {
    const [sourceServerId] = await f.emulator.control.addServers({ count: 1, ec2Origin: true });
    const { instanceIds } = await launched(f, [sourceServerId], true);
    await rejectsWith(
      f.strict.send(new ReverseReplicationCommand({ recoveryInstanceID: instanceIds[0] })),
      ConflictException,
    );
  });
});
