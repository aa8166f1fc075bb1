// Listings (filters, maxResults / nextToken through the SDK paginators), tags, the multi-account
// operations, MGN StartReplication, STS AssumeRole and reproducibility.
import assert from 'node:assert/strict';
import {
  CreateExtendedSourceServerCommand,
  DescribeJobsCommand,
  DescribeSourceServersCommand,
  GetLaunchConfigurationCommand,
  ListExtensibleSourceServersCommand,
  ListStagingAccountsCommand,
  ListTagsForResourceCommand,
  StartRecoveryCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ValidationException,
  paginateDescribeJobs,
  paginateDescribeSourceServers,
} from '@aws-sdk/client-drs';
import {
  DescribeSourceServersCommand as MgnDescribeSourceServers,
  StartReplicationCommand as MgnStartReplication,
} from '@aws-sdk/client-mgn';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { STAGING_ACCOUNT, emulatorClientConfig, pickHealthyServers } from '../../emulator';
import { fixture, rejectsWith, type Fixture } from './support';

describe('emulator: listings, tags, accounts, MGN and STS', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.close());

  it('pages thousands of source servers with maxResults / nextToken, each exactly once', async () => {
    const added = await f.emulator.control.addServers({ count: 2500 });
    assert.equal(added.length, 2500);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeSourceServers({ client: f.drsClient, pageSize: 300 }, {})) {
      pages += 1;
      assert.ok((page.items ?? []).length <= 300);
      seen.push(...(page.items ?? []).map((s) => s.sourceServerID as string));
    }
    assert.equal(new Set(seen).size, seen.length, 'no server listed twice');
    assert.ok(added.every((id) => seen.includes(id)));
    assert.equal(pages, Math.ceil(seen.length / 300));
  });

  it('filters source servers by id, staging account and hardware id', async () => {
    const { items: all = [] } = await f.drsClient.send(new DescribeSourceServersCommand({}));
    const [a, b] = all;
    const byId = await f.drsClient.send(
      new DescribeSourceServersCommand({ filters: { sourceServerIDs: [b.sourceServerID as string] } }),
    );
    assert.deepEqual(
      byId.items?.map((s) => s.sourceServerID),
      [b.sourceServerID],
    );
    const staged = await f.drsClient.send(
      new DescribeSourceServersCommand({ filters: { stagingAccountIDs: [STAGING_ACCOUNT] } }),
    );
    assert.ok((staged.items ?? []).length >= 1);
    assert.ok(
      (staged.items ?? []).every(
        (s) => s.stagingArea?.status === 'EXTENDED' && s.stagingArea.stagingAccountID === STAGING_ACCOUNT,
      ),
    );
    const mac = a.sourceProperties?.networkInterfaces?.[0]?.macAddress as string;
    const byHardware = await f.drsClient.send(
      new DescribeSourceServersCommand({ filters: { hardwareId: mac } }),
    );
    assert.deepEqual(
      byHardware.items?.map((s) => s.sourceServerID),
      [a.sourceServerID],
    );
  });

  it('pages jobs newest first and filters them by id and creation date', async () => {
    const ids = await pickHealthyServers(f.drsClient, 5);
    const jobIds: string[] = [];
    for (const sourceServerID of ids) {
      const { job } = await f.drsClient.send(
        new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }),
      );
      jobIds.push(job?.jobID as string);
      f.advance(60);
    }
    const listed: string[] = [];
    for await (const page of paginateDescribeJobs({ client: f.drsClient, pageSize: 2 }, {})) {
      listed.push(...(page.items ?? []).map((j) => j.jobID as string));
    }
    assert.deepEqual(listed, [...jobIds].reverse());
    const byId = await f.drsClient.send(new DescribeJobsCommand({ filters: { jobIDs: [jobIds[1]] } }));
    assert.deepEqual(
      byId.items?.map((j) => j.jobID),
      [jobIds[1]],
    );
    const from = new Date(Date.parse('2024-06-01T00:00:00Z') + 90_000).toISOString();
    const to = new Date(Date.parse('2024-06-01T00:00:00Z') + 150_000).toISOString();
    const byDate = await f.drsClient.send(
      new DescribeJobsCommand({ filters: { fromDate: from, toDate: to } }),
    );
    assert.deepEqual(
      byDate.items?.map((j) => j.jobID),
      [jobIds[2]],
    );
    await rejectsWith(f.strict.send(new DescribeJobsCommand({ nextToken: 'garbage' })), ValidationException);
  });

  it('tags jobs and source servers (ListTagsForResource, TagResource, UntagResource)', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({
        isDrill: true,
        sourceServers: [{ sourceServerID }],
        tags: { workflowId: 'wf-9' },
      }),
    );
    const resourceArn = job?.arn as string;
    assert.deepEqual((await f.drsClient.send(new ListTagsForResourceCommand({ resourceArn }))).tags, {
      workflowId: 'wf-9',
    });
    await f.drsClient.send(new TagResourceCommand({ resourceArn, tags: { step: 'launch', owner: 'dr' } }));
    await f.drsClient.send(new UntagResourceCommand({ resourceArn, tagKeys: ['owner'] }));
    assert.deepEqual((await f.drsClient.send(new ListTagsForResourceCommand({ resourceArn }))).tags, {
      workflowId: 'wf-9',
      step: 'launch',
    });
    const { items = [] } = await f.drsClient.send(
      new DescribeJobsCommand({ filters: { jobIDs: [job?.jobID as string] } }),
    );
    assert.deepEqual(items[0].tags, { workflowId: 'wf-9', step: 'launch' });
  });

  it('multi-account: staging accounts, extensible servers and CreateExtendedSourceServer', async () => {
    const { accounts } = await f.drsClient.send(new ListStagingAccountsCommand({}));
    assert.deepEqual(accounts, [{ accountID: STAGING_ACCOUNT }]);
    const { items: extensible = [] } = await f.drsClient.send(
      new ListExtensibleSourceServersCommand({ stagingAccountID: STAGING_ACCOUNT }),
    );
    assert.equal(extensible.length, 2, 'stg-app-01 is already extended; the other two are extensible');
    const target = extensible[0];
    const { sourceServer } = await f.drsClient.send(
      new CreateExtendedSourceServerCommand({ sourceServerArn: target.arn, tags: { extended: 'yes' } }),
    );
    assert.equal(sourceServer?.stagingArea?.status, 'EXTENDED');
    assert.equal(sourceServer?.stagingArea?.stagingSourceServerArn, target.arn);
    assert.equal(sourceServer?.tags?.extended, 'yes');
    const again = await f.drsClient.send(
      new ListExtensibleSourceServersCommand({ stagingAccountID: STAGING_ACCOUNT }),
    );
    assert.equal(again.items?.length, 1);
    await rejectsWith(
      f.strict.send(new CreateExtendedSourceServerCommand({ sourceServerArn: target.arn })),
      ValidationException,
    );

    const staging = f.client({ accountId: STAGING_ACCOUNT });
    try {
      const { items = [] } = await staging.send(new DescribeSourceServersCommand({}));
      assert.equal(items.length, 3, "the staging account sees its own servers, not the target account's");
    } finally {
      staging.destroy();
    }
  });

  it('GetLaunchConfiguration returns the launch configuration of a source server', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const config = await f.drsClient.send(new GetLaunchConfigurationCommand({ sourceServerID }));
    assert.equal(config.sourceServerID, sourceServerID);
    assert.equal(config.launchDisposition, 'STARTED');
    assert.match(config.ec2LaunchTemplateID ?? '', /^lt-/);
  });

  it('MGN StartReplication starts a SNAPSHOT_SHIPPING agent and refuses an agent-based one', async () => {
    const mgn = f.mgn({ maxAttempts: 1 });
    try {
      const { items = [] } = await mgn.send(new MgnDescribeSourceServers({ filters: {} }));
      const shipping = items.find((s) => s.replicationType === 'SNAPSHOT_SHIPPING');
      const agent = items.find((s) => s.replicationType === 'AGENT_BASED');
      const started = await mgn.send(new MgnStartReplication({ sourceServerID: shipping?.sourceServerID }));
      assert.equal(started.dataReplicationInfo?.dataReplicationState, 'INITIATING');
      f.advance(10);
      const { items: later = [] } = await mgn.send(
        new MgnDescribeSourceServers({ filters: { sourceServerIDs: [shipping?.sourceServerID as string] } }),
      );
      assert.equal(later[0].dataReplicationInfo?.dataReplicationState, 'SHIPPING_SNAPSHOT');
      await assert.rejects(mgn.send(new MgnStartReplication({ sourceServerID: shipping?.sourceServerID })), {
        name: 'ConflictException',
      });
      await assert.rejects(mgn.send(new MgnStartReplication({ sourceServerID: agent?.sourceServerID })), {
        name: 'ValidationException',
      });
      const audit = await f.emulator.control.audit({ operation: 'mgn:StartReplication' });
      assert.equal(audit.length, 3);
    } finally {
      mgn.destroy();
    }
  });

  it('STS AssumeRole issues credentials that act in the role’s account', async () => {
    const credentials = fromTemporaryCredentials({
      params: { RoleArn: `arn:aws:iam::${STAGING_ACCOUNT}:role/DrsStaging`, RoleSessionName: 'conformance' },
      masterCredentials: emulatorClientConfig(f.emulator.url).credentials as {
        accessKeyId: string;
        secretAccessKey: string;
      },
      clientConfig: { endpoint: f.emulator.url, region: 'us-east-1' },
    });
    const staging = f.client({}, { credentials });
    try {
      await staging.send(new DescribeSourceServersCommand({}));
    } finally {
      staging.destroy();
    }
    const audit = await f.emulator.control.audit();
    assert.deepEqual(
      audit.map((a) => [a.operation, a.accountId]),
      [
        ['sts:AssumeRole', '111122223333'],
        ['DescribeSourceServers', STAGING_ACCOUNT],
      ],
    );
  });

  it('the same seed gives the same inventory and job ids; another seed does not', async () => {
    const run = async (seed: number) => {
      await f.emulator.control.reset({ seed });
      const ids = await pickHealthyServers(f.drsClient, 2);
      const { job } = await f.drsClient.send(
        new StartRecoveryCommand({
          isDrill: true,
          sourceServers: ids.map((sourceServerID) => ({ sourceServerID })),
        }),
      );
      return [...ids, job?.jobID];
    };
    const first = await run(7);
    assert.deepEqual(await run(7), first);
    assert.notDeepEqual(await run(8), first);
  });
});
