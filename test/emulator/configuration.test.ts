// Account isolation, point-in-time snapshots, launch and replication settings, DeleteRecoveryInstance,
// the accessDenied scenario, DisconnectSourceServer on an extended server and the MGN filters.
import assert from 'node:assert/strict';
import {
  AccessDeniedException,
  ConflictException,
  DeleteRecoveryInstanceCommand,
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeLaunchConfigurationTemplatesCommand,
  DescribeRecoveryInstancesCommand,
  DescribeRecoverySnapshotsCommand,
  DescribeSourceServersCommand,
  DisconnectRecoveryInstanceCommand,
  DisconnectSourceServerCommand,
  DrsClient,
  GetLaunchConfigurationCommand,
  GetReplicationConfigurationCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  StartRecoveryCommand,
  StopReplicationCommand,
  TerminateRecoveryInstancesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateLaunchConfigurationCommand,
  paginateDescribeRecoverySnapshots,
  type RecoverySnapshot,
} from '@aws-sdk/client-drs';
import { DescribeSourceServersCommand as MgnDescribeSourceServers } from '@aws-sdk/client-mgn';
import { DEFAULT_ACCOUNT, STAGING_ACCOUNT, pickHealthyServers } from '../../emulator';
import { fixture, rejectsWith, runJobToCompletion, type Fixture } from './support';

const MINUTE = 60_000;

async function snapshots(
  f: Fixture,
  sourceServerID: string,
  order?: 'ASC' | 'DESC',
): Promise<RecoverySnapshot[]> {
  const all: RecoverySnapshot[] = [];
  for await (const page of paginateDescribeRecoverySnapshots(
    { client: f.drsClient, pageSize: 7 },
    { sourceServerID, ...(order ? { order } : {}) },
  )) {
    all.push(...(page.items ?? []));
  }
  return all;
}

describe('emulator: accounts, snapshots, launch settings and access', () => {
  let f: Fixture;
  let staging: DrsClient;
  beforeEach(async () => {
    f = await fixture();
    staging = f.client({ accountId: STAGING_ACCOUNT, maxAttempts: 1 });
  });
  afterEach(() => f.close());

  it('keeps every resource per account: another account finds none of them', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }),
    );
    await runJobToCompletion(f, job?.jobID as string);
    const { items: [instance] = [] } = await f.drsClient.send(new DescribeRecoveryInstancesCommand({}));
    const recoveryInstanceID = instance.recoveryInstanceID as string;
    const bySource = { sourceServerID };
    for (const call of [
      () => staging.send(new GetLaunchConfigurationCommand(bySource)),
      () => staging.send(new UpdateLaunchConfigurationCommand({ ...bySource, copyTags: false })),
      () => staging.send(new GetReplicationConfigurationCommand(bySource)),
      () => staging.send(new DescribeRecoverySnapshotsCommand(bySource)),
      () => staging.send(new StopReplicationCommand(bySource)),
      () => staging.send(new StartRecoveryCommand({ sourceServers: [bySource] })),
      () => staging.send(new DisconnectRecoveryInstanceCommand({ recoveryInstanceID })),
      () => staging.send(new DeleteRecoveryInstanceCommand({ recoveryInstanceID })),
      () =>
        staging.send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: [recoveryInstanceID] })),
      () => staging.send(new DescribeJobLogItemsCommand({ jobID: job?.jobID })),
    ]) {
      await rejectsWith(call(), ResourceNotFoundException);
    }
    const listed = await Promise.all([
      staging.send(new DescribeJobsCommand({ filters: { jobIDs: [job?.jobID as string] } })),
      staging.send(
        new DescribeRecoveryInstancesCommand({ filters: { recoveryInstanceIDs: [recoveryInstanceID] } }),
      ),
      staging.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: [sourceServerID] } })),
    ]);
    assert.deepEqual(
      listed.map((l) => l.items),
      [[], [], []],
    );
  });

  it('keeps tags per account: another account can neither read nor write a resource’s tags', async () => {
    const { items = [] } = await staging.send(new DescribeSourceServersCommand({}));
    const resourceArn = items[0].arn as string;
    const before = (await staging.send(new ListTagsForResourceCommand({ resourceArn }))).tags;
    await rejectsWith(
      f.strict.send(new ListTagsForResourceCommand({ resourceArn })),
      ResourceNotFoundException,
    );
    await rejectsWith(
      f.strict.send(new TagResourceCommand({ resourceArn, tags: { pwned: 'yes' } })),
      ResourceNotFoundException,
    );
    await rejectsWith(
      f.strict.send(new UntagResourceCommand({ resourceArn, tagKeys: ['Name'] })),
      ResourceNotFoundException,
    );
    assert.deepEqual((await staging.send(new ListTagsForResourceCommand({ resourceArn }))).tags, before);
    // the model's TagsMap: keys of length 0, `aws:` keys and more than 50 tags are all accepted
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'v']));
    await staging.send(new TagResourceCommand({ resourceArn, tags: { ...many, '': 'empty', 'aws:x': 'y' } }));
    const after = (await staging.send(new ListTagsForResourceCommand({ resourceArn }))).tags ?? {};
    assert.equal(after['aws:x'], 'y');
    assert.equal(Object.keys(after).length, Object.keys(before ?? {}).length + 62);
  });

  it('lists snapshots by the PIT policy, pages them in either order and filters them by time', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const { pitPolicy } = await f.drsClient.send(new GetReplicationConfigurationCommand({ sourceServerID }));
    assert.deepEqual(
      pitPolicy?.map((r) => [r.units, r.interval, r.retentionDuration]),
      [
        ['MINUTE', 10, 60],
        ['HOUR', 1, 24],
        ['DAY', 1, 7],
      ],
    );
    const asc = await snapshots(f, sourceServerID);
    const times = asc.map((s) => Date.parse(s.expectedTimestamp as string));
    const now = f.now();
    assert.deepEqual(
      [...times].sort((a, b) => a - b),
      times,
      'ASC is oldest first',
    );
    assert.ok(
      times.every((t) => now - t <= 7 * 86400_000),
      'nothing older than the 7-day retention',
    );
    assert.equal(times.filter((t) => now - t <= 60 * MINUTE).length, 6, 'every 10 minutes in the last hour');
    assert.equal(
      times.filter((t) => now - t <= 86400_000 && t % 3600_000 === 0).length,
      24,
      'hourly for a day',
    );
    assert.deepEqual(
      (await snapshots(f, sourceServerID, 'DESC')).map((s) => s.snapshotID),
      asc.map((s) => s.snapshotID).reverse(),
    );
    const from = new Date(now - 3 * 3600_000).toISOString();
    const to = new Date(now - 3600_000).toISOString();
    const { items: window = [] } = await f.drsClient.send(
      new DescribeRecoverySnapshotsCommand({
        sourceServerID,
        filters: { fromDateTime: from, toDateTime: to },
      }),
    );
    assert.deepEqual(
      window.map((s) => s.expectedTimestamp),
      asc.map((s) => s.expectedTimestamp as string).filter((t) => t >= from && t <= to),
    );
    assert.equal(window.length, 3);
  });

  it('a snapshot is taken a few seconds after its slot, never later than now', async () => {
    await f.emulator.control.addServers({ count: 30 });
    const { items = [] } = await f.drsClient.send(new DescribeSourceServersCommand({ maxResults: 100 }));
    const quick = items.find((s) => /^PT[1-3]S$/.test(s.dataReplicationInfo?.lagDuration ?? ''));
    assert.ok(quick, 'a server with a lag under 4 s');
    const sourceServerID = quick.sourceServerID as string;
    // now = a 10-minute slot + the lag: the slot's data has just arrived
    f.advance(Number(/\d/.exec(quick.dataReplicationInfo?.lagDuration ?? '')?.[0]));
    for (const s of await snapshots(f, sourceServerID)) {
      const [expected, taken] = [
        Date.parse(s.expectedTimestamp as string),
        Date.parse(s.timestamp as string),
      ];
      assert.ok(expected <= taken && taken <= f.now(), `${s.expectedTimestamp} taken ${s.timestamp}`);
    }
  });

  it('snapshots follow replication: none after StopReplication, none newer than a stall', async () => {
    const state = await f.emulator.control.state();
    const host = (name: string) => state.servers.find((s) => s.hostname === name)?.sourceServerID as string;
    assert.deepEqual(await snapshots(f, host('reports-01')), [], 'STOPPED: no snapshots');
    assert.deepEqual(await snapshots(f, host('new-01')), [], 'initial sync: no snapshots yet');
    const stalled = await snapshots(f, host('batch-01'), 'DESC');
    assert.ok(
      f.now() - Date.parse(stalled[0].expectedTimestamp as string) >= 2 * 3600_000,
      'stalled 2 h ago',
    );
    f.advance(10 * 86400);
    assert.deepEqual(
      (await snapshots(f, host('batch-01'))).map((s) => s.snapshotID),
      [stalled[0].snapshotID],
      'past every retention, the newest snapshot is kept',
    );
    const [healthy] = await pickHealthyServers(f.drsClient, 1);
    assert.ok((await snapshots(f, healthy)).length > 0);
    await f.drsClient.send(new StopReplicationCommand({ sourceServerID: healthy }));
    assert.deepEqual(await snapshots(f, healthy), []);
  });

  it('StartRecovery from a chosen snapshot launches that point in time', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const chosen = (await snapshots(f, sourceServerID, 'DESC'))[3];
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({
        isDrill: true,
        sourceServers: [{ sourceServerID, recoverySnapshotID: chosen.snapshotID }],
      }),
    );
    await runJobToCompletion(f, job?.jobID as string);
    const { items = [] } = await f.drsClient.send(
      new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [sourceServerID] } }),
    );
    assert.equal(items[0].pointInTimeSnapshotDateTime, chosen.expectedTimestamp);
    await rejectsWith(
      f.strict.send(
        new StartRecoveryCommand({
          sourceServers: [{ sourceServerID, recoverySnapshotID: 'pit-00000000000000000' }],
        }),
      ),
      ResourceNotFoundException,
    );
  });

  it('a launch without healthy replication uses the newest snapshot DescribeRecoverySnapshots lists', async () => {
    const [stalled] = await pickHealthyServers(f.drsClient, 1);
    f.advance(7 * 60); // stalls between two 10-minute snapshots
    await f.emulator.control.scenario({
      type: 'replicationState',
      sourceServerIds: [stalled],
      state: 'STALLED',
    });
    const [newest] = await snapshots(f, stalled, 'DESC');
    assert.equal(f.now() - Date.parse(newest.expectedTimestamp as string), 7 * 60_000);
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: stalled }] }),
    );
    await runJobToCompletion(f, job?.jobID as string);
    const { items = [] } = await f.drsClient.send(
      new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [stalled] } }),
    );
    assert.equal(items[0].pointInTimeSnapshotDateTime, newest.expectedTimestamp);
  });

  it('UpdateLaunchConfiguration changes what GetLaunchConfiguration returns and how instances launch', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const updated = await f.drsClient.send(
      new UpdateLaunchConfigurationCommand({
        sourceServerID,
        launchDisposition: 'STOPPED',
        copyTags: false,
        name: 'dr',
      }),
    );
    assert.equal(updated.launchDisposition, 'STOPPED');
    const read = await f.drsClient.send(new GetLaunchConfigurationCommand({ sourceServerID }));
    assert.deepEqual([read.launchDisposition, read.copyTags, read.name], ['STOPPED', false, 'dr']);
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }),
    );
    await rejectsWith(
      f.strict.send(new UpdateLaunchConfigurationCommand({ sourceServerID, copyTags: true })),
      ConflictException,
    );
    await runJobToCompletion(f, job?.jobID as string);
    f.advance(120);
    const { items = [] } = await f.drsClient.send(
      new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [sourceServerID] } }),
    );
    assert.equal(items[0].ec2InstanceState, 'STOPPED');
    assert.deepEqual(items[0].tags, {});
  });

  it('DescribeLaunchConfigurationTemplates lists the account’s template and refuses an unknown id', async () => {
    const { items = [] } = await f.drsClient.send(new DescribeLaunchConfigurationTemplatesCommand({}));
    assert.equal(items.length, 1);
    const id = items[0].launchConfigurationTemplateID as string;
    const byId = await f.drsClient.send(
      new DescribeLaunchConfigurationTemplatesCommand({ launchConfigurationTemplateIDs: [id] }),
    );
    assert.equal(byId.items?.[0]?.arn, items[0].arn);
    const { items: theirs = [] } = await staging.send(new DescribeLaunchConfigurationTemplatesCommand({}));
    assert.notEqual(theirs[0].launchConfigurationTemplateID, id, 'one template per account');
    await rejectsWith(
      f.strict.send(
        new DescribeLaunchConfigurationTemplatesCommand({
          launchConfigurationTemplateIDs: ['lct-00000000000000000'],
        }),
      ),
      ResourceNotFoundException,
    );
  });

  it('DeleteRecoveryInstance only deletes a disconnected instance outside an active job', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }),
    );
    await runJobToCompletion(f, job?.jobID as string);
    const { items: [instance] = [] } = await f.drsClient.send(
      new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [sourceServerID] } }),
    );
    const recoveryInstanceID = instance.recoveryInstanceID as string;
    await rejectsWith(
      f.strict.send(new DeleteRecoveryInstanceCommand({ recoveryInstanceID })),
      ConflictException,
    );
    await f.drsClient.send(new DisconnectRecoveryInstanceCommand({ recoveryInstanceID }));
    await f.drsClient.send(new DeleteRecoveryInstanceCommand({ recoveryInstanceID }));
    const { items = [] } = await f.drsClient.send(new DescribeRecoveryInstancesCommand({}));
    assert.deepEqual(
      items.map((i) => i.recoveryInstanceID),
      [],
    );
    const { items: [server] = [] } = await f.drsClient.send(
      new DescribeSourceServersCommand({ filters: { sourceServerIDs: [sourceServerID] } }),
    );
    assert.equal(server.recoveryInstanceId, undefined);
  });

  it('DisconnectSourceServer on an extended server disconnects it; its staging server keeps replicating', async () => {
    const { items = [] } = await f.drsClient.send(new DescribeSourceServersCommand({}));
    const extended = items.find((s) => s.stagingArea?.status === 'EXTENDED');
    const disconnected = await f.drsClient.send(
      new DisconnectSourceServerCommand({ sourceServerID: extended?.sourceServerID }),
    );
    const info = disconnected.dataReplicationInfo;
    assert.equal(info?.dataReplicationState, 'DISCONNECTED');
    assert.equal(info?.lagDuration, undefined);
    assert.ok(info?.replicatedDisks?.every((d) => d.totalStorageBytes === 0));
    const stagingArn = extended?.stagingArea?.stagingSourceServerArn as string;
    const { items: stagingItems = [] } = await staging.send(new DescribeSourceServersCommand({}));
    const origin = stagingItems.find((s) => s.arn === stagingArn);
    assert.equal(origin?.dataReplicationInfo?.dataReplicationState, 'CONTINUOUS');
  });

  it('accessDenied answers 403 AccessDeniedException as IAM does, to the named account only', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    await f.emulator.control.accessDenied({ operations: ['StartRecovery'], accountId: DEFAULT_ACCOUNT });
    const err = await rejectsWith(
      f.strict.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] })),
      AccessDeniedException,
    );
    assert.equal(err.$metadata.httpStatusCode, 403);
    assert.match(
      err.message,
      /^User: arn:aws:sts::111122223333:assumed-role\/\S+ is not authorized to perform: drs:StartRecovery on resource: /,
    );
    await f.drsClient.send(new DescribeSourceServersCommand({}));
    const { items = [] } = await staging.send(new DescribeSourceServersCommand({}));
    await staging.send(
      new StartRecoveryCommand({
        isDrill: true,
        sourceServers: [{ sourceServerID: items[0].sourceServerID }],
      }),
    );
    const audit = await f.emulator.control.audit({ operation: 'StartRecovery' });
    assert.deepEqual(
      audit.map((a) => [a.accountId, a.statusCode]),
      [
        [DEFAULT_ACCOUNT, 403],
        [STAGING_ACCOUNT, 202],
      ],
    );
    await f.emulator.control.clearScenarios();
    await f.drsClient.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }));
  });

  it('MGN DescribeSourceServers honours every filter and accountID, and refuses maxResults 0', async () => {
    const mgn = f.mgn({ maxAttempts: 1 });
    const ids = async (input: ConstructorParameters<typeof MgnDescribeSourceServers>[0]) =>
      ((await mgn.send(new MgnDescribeSourceServers(input))).items ?? []).map(
        (s) => s.sourceProperties?.identificationHints?.hostname,
      );
    assert.deepEqual(await ids({ filters: {} }), ['files-01', 'erp-01']);
    assert.deepEqual(await ids({ filters: { replicationTypes: ['AGENT_BASED'] } }), ['erp-01']);
    assert.deepEqual(await ids({ filters: { lifeCycleStates: ['NOT_READY'] } }), ['files-01']);
    assert.deepEqual(await ids({ filters: { isArchived: true } }), []);
    assert.deepEqual(await ids({ filters: { applicationIDs: ['app-00000000000000000'] } }), []);
    assert.deepEqual(await ids({ filters: {}, accountID: STAGING_ACCOUNT }), []);
    for (const bad of [
      { maxResults: 0 },
      { filters: { replicationTypes: ['SOMETHING'] } },
    ] as ConstructorParameters<typeof MgnDescribeSourceServers>[0][]) {
      await assert.rejects(mgn.send(new MgnDescribeSourceServers(bad)), { name: 'ValidationException' });
    }
  });
});
