// Source networks over the wire: the real DRS and CloudFormation clients against the emulator
// (every answer checked against its official model by the fixture), on a manual clock.
import assert from 'node:assert/strict';
import { DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ConflictException,
  DescribeJobLogItemsCommand,
  DescribeSourceNetworksCommand,
  DescribeSourceServersCommand,
  StartSourceNetworkRecoveryCommand,
  ValidationException,
  type SourceNetwork,
} from '@aws-sdk/client-drs';
import { describeJob, fixture, rejectsWith, runJobToCompletion, type Fixture } from './support';

describe('emulator: source networks and their recovery stacks', () => {
  let f: Fixture;
  let networks: Record<string, SourceNetwork>;
  beforeEach(async () => {
    f = await fixture();
    const { items = [] } = await f.strict.send(new DescribeSourceNetworksCommand({}));
    networks = Object.fromEntries(items.map((n) => [n.tags?.Name as string, n]));
  });
  afterEach(() => f.close());

  const network = async (id: string) => {
    const { items = [] } = await f.strict.send(
      new DescribeSourceNetworksCommand({ filters: { sourceNetworkIDs: [id] } }),
    );
    assert.equal(items.length, 1);
    return items[0];
  };

  it('lists the seeded networks with their replication state, filtered by id and origin', async () => {
    assert.deepEqual(
      Object.values(networks).map((n) => [n.tags?.Name, n.replicationStatus]),
      [
        ['prod-app', 'PROTECTED'],
        ['prod-data', 'PROTECTED'],
        ['analytics', 'ERROR'],
        ['sandbox', 'STOPPED'],
      ],
    );
    assert.match(networks.analytics.replicationStatusDetails ?? '', /ec2:DescribeVpcs/);
    assert.equal(networks['prod-app'].sourceRegion, 'us-west-2');
    assert.equal(networks['prod-app'].lastRecovery, undefined);
    // an EC2-originated server names the network protecting its VPC; an on-premises one none
    const { items: servers = [] } = await f.strict.send(new DescribeSourceServersCommand({}));
    const byHost = (h: string) =>
      servers.find((s) => s.sourceProperties?.identificationHints?.hostname === h);
    assert.equal(byHost('db-01')?.sourceNetworkID, networks['prod-data'].sourceNetworkID);
    assert.equal(byHost('web-01')?.sourceNetworkID, undefined);
    const { items: byOrigin = [] } = await f.strict.send(
      new DescribeSourceNetworksCommand({ filters: { originRegion: 'eu-west-1' } }),
    );
    assert.equal(byOrigin.length, 0);
    const { items: paged = [], nextToken } = await f.strict.send(
      new DescribeSourceNetworksCommand({ maxResults: 3 }),
    );
    assert.equal(paged.length, 3);
    const { items: rest = [] } = await f.strict.send(new DescribeSourceNetworksCommand({ nextToken }));
    assert.deepEqual(
      rest.map((n) => n.tags?.Name),
      ['sandbox'],
    );
  });

  it('recovers a network as a CloudFormation stack, reports each step, and DeleteStack removes it', async () => {
    const cfn = f.cloudformation();
    const id = networks['prod-app'].sourceNetworkID as string;
    const { job } = await f.strict.send(
      new StartSourceNetworkRecoveryCommand({
        sourceNetworks: [{ sourceNetworkID: id, cfnStackName: 'drill-prod-app' }],
        deployAsNew: true,
        tags: { 'temporal-drs:workflow-id': 'plan-1' },
      }),
    );
    assert.equal(job?.initiatedBy, 'CREATE_NETWORK_RECOVERY');
    assert.equal(job?.status, 'PENDING');
    assert.deepEqual(job?.participatingResources, [
      { participatingResourceID: { sourceNetworkID: id }, launchStatus: 'PENDING' },
    ]);
    assert.deepEqual(job?.participatingServers, []);
    const during = await network(id);
    assert.equal(during.lastRecovery?.lastRecoveryResult, 'IN_PROGRESS');
    assert.equal(during.lastRecovery?.jobID, job?.jobID);
    assert.equal(during.cfnStackName, 'drill-prod-app');
    // the stack appears once the job deploys it
    f.advance(10);
    const started = await describeJob(f.strict, job?.jobID as string);
    assert.equal(started.participatingResources?.[0].launchStatus, 'IN_PROGRESS');
    const { Stacks: [creating] = [] } = await cfn.send(
      new DescribeStacksCommand({ StackName: 'drill-prod-app' }),
    );
    assert.equal(creating.StackStatus, 'CREATE_IN_PROGRESS');
    const { job: done } = await runJobToCompletion(f, job?.jobID as string, 5);
    assert.equal(done.participatingResources?.[0].launchStatus, 'LAUNCHED');
    const after = await network(id);
    assert.equal(after.lastRecovery?.lastRecoveryResult, 'SUCCESS');
    assert.match(after.launchedVpcID ?? '', /^vpc-/);
    const { items: log = [] } = await f.strict.send(new DescribeJobLogItemsCommand({ jobID: job?.jobID }));
    assert.deepEqual(
      log.map((l) => l.event),
      ['JOB_START', 'DEPLOY_NETWORK_CONFIGURATION_START', 'DEPLOY_NETWORK_CONFIGURATION_END', 'JOB_END'],
    );
    assert.deepEqual(log[2].eventData?.eventResourceData?.sourceNetworkData, {
      sourceNetworkID: id,
      sourceVpc: networks['prod-app'].sourceVpcID,
      targetVpc: after.launchedVpcID,
      stackName: 'drill-prod-app',
    });
    const { Stacks: [complete] = [] } = await cfn.send(
      new DescribeStacksCommand({ StackName: 'drill-prod-app' }),
    );
    assert.equal(complete.StackStatus, 'CREATE_COMPLETE');
    assert.deepEqual(complete.Outputs, [{ OutputKey: 'VpcId', OutputValue: after.launchedVpcID }]);
    // deleting: in progress, then gone by name but still described by id
    await cfn.send(new DeleteStackCommand({ StackName: 'drill-prod-app' }));
    const { Stacks: [deleting] = [] } = await cfn.send(
      new DescribeStacksCommand({ StackName: complete.StackId }),
    );
    assert.equal(deleting.StackStatus, 'DELETE_IN_PROGRESS');
    f.advance(120);
    await assert.rejects(cfn.send(new DescribeStacksCommand({ StackName: 'drill-prod-app' })), {
      name: 'ValidationError',
      message: /does not exist/,
    });
    const { Stacks: [deleted] = [] } = await cfn.send(
      new DescribeStacksCommand({ StackName: complete.StackId }),
    );
    assert.equal(deleted.StackStatus, 'DELETE_COMPLETE');
    assert.ok(deleted.DeletionTime);
    // DeleteStack of a stack that is gone succeeds and does nothing, as in CloudFormation
    await cfn.send(new DeleteStackCommand({ StackName: 'drill-prod-app' }));
    const { Stacks: live = [] } = await cfn.send(new DescribeStacksCommand({}));
    assert.deepEqual(live, []);
  });

  it('a failed network recovery: FAILED resource, FAIL result, the stack rolled back and still deletable', async () => {
    const cfn = f.cloudformation();
    const ok = networks['prod-app'].sourceNetworkID as string;
    const bad = networks['prod-data'].sourceNetworkID as string;
    await f.emulator.control.scenario({ type: 'networkRecoveryFailure', sourceNetworkIds: [bad] });
    const { job } = await f.strict.send(
      new StartSourceNetworkRecoveryCommand({
        sourceNetworks: [
          { sourceNetworkID: ok, cfnStackName: 'drill-a' },
          { sourceNetworkID: bad, cfnStackName: 'drill-b' },
        ],
        deployAsNew: true,
      }),
    );
    const { job: done } = await runJobToCompletion(f, job?.jobID as string, 5);
    assert.deepEqual(
      done.participatingResources?.map((r) => [r.participatingResourceID?.sourceNetworkID, r.launchStatus]),
      [
        [ok, 'LAUNCHED'],
        [bad, 'FAILED'],
      ],
    );
    assert.equal((await network(bad)).lastRecovery?.lastRecoveryResult, 'FAIL');
    assert.equal((await network(bad)).launchedVpcID, undefined);
    const { items: log = [] } = await f.strict.send(new DescribeJobLogItemsCommand({ jobID: job?.jobID }));
    const failed = log.find((l) => l.event === 'DEPLOY_NETWORK_CONFIGURATION_FAILED');
    assert.match(failed?.eventData?.rawError ?? '', /CIDR conflicts/);
    assert.ok(log.some((l) => l.event === 'NETWORK_RECOVERY_FAIL'));
    f.advance(90);
    const { Stacks: [rolledBack] = [] } = await cfn.send(new DescribeStacksCommand({ StackName: 'drill-b' }));
    assert.equal(rolledBack.StackStatus, 'ROLLBACK_COMPLETE');
    assert.match(rolledBack.StackStatusReason ?? '', /CIDR conflicts/);
    await cfn.send(new DeleteStackCommand({ StackName: 'drill-b' }));
    f.advance(120);
    await assert.rejects(cfn.send(new DescribeStacksCommand({ StackName: 'drill-b' })), {
      name: 'ValidationError',
    });
  });

  it('refuses a network being recovered, a stack name in use and an unknown network; redeploys in place', async () => {
    const id = networks['prod-app'].sourceNetworkID as string;
    const { job } = await f.strict.send(
      new StartSourceNetworkRecoveryCommand({ sourceNetworks: [{ sourceNetworkID: id }] }),
    );
    await rejectsWith(
      f.strict.send(new StartSourceNetworkRecoveryCommand({ sourceNetworks: [{ sourceNetworkID: id }] })),
      ConflictException,
    );
    await runJobToCompletion(f, job?.jobID as string, 5);
    const stack = (await network(id)).cfnStackName as string;
    assert.equal(stack, `drs-network-${id}`);
    const other = networks['prod-data'].sourceNetworkID as string;
    await rejectsWith(
      f.strict.send(
        new StartSourceNetworkRecoveryCommand({
          sourceNetworks: [{ sourceNetworkID: other, cfnStackName: stack }],
        }),
      ),
      ConflictException,
    );
    const unknown = await rejectsWith(
      f.strict.send(
        new StartSourceNetworkRecoveryCommand({
          sourceNetworks: [{ sourceNetworkID: 'sn-00000000000000000' }],
        }),
      ),
      ValidationException,
    );
    assert.match(unknown.message, /sn-00000000000000000 not found/);
    // without deployAsNew, a second recovery updates the stack of the first
    const { job: update } = await f.strict.send(
      new StartSourceNetworkRecoveryCommand({ sourceNetworks: [{ sourceNetworkID: id }] }),
    );
    assert.equal(update?.initiatedBy, 'UPDATE_NETWORK_RECOVERY');
    await runJobToCompletion(f, update?.jobID as string, 5);
    const { Stacks = [] } = await f.cloudformation().send(new DescribeStacksCommand({}));
    assert.deepEqual(
      Stacks.map((s) => [s.StackName, s.StackStatus]),
      [[stack, 'UPDATE_COMPLETE']],
    );
  });
});
