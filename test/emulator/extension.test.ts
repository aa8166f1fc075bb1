// Staging accounts the documented way, over the wire with the real SDK: the replicating-servers
// quota per account, an extended server mirroring its staging server's replication, EXTENSION_ERROR
// with a message once the staging server is disconnected or deleted, and the scenario that plants it.
import assert from 'node:assert/strict';
import {
  ConflictException,
  CreateExtendedSourceServerCommand,
  DeleteSourceServerCommand,
  DescribeSourceServersCommand,
  DisconnectSourceServerCommand,
  ListExtensibleSourceServersCommand,
  StartReplicationCommand,
  StopReplicationCommand,
  ServiceQuotaExceededException,
  type DrsClient,
  type SourceServer,
} from '@aws-sdk/client-drs';
import { STAGING_ACCOUNT } from '../../emulator';
import { fixture, rejectsWith, type Fixture } from './support';

async function servers(client: DrsClient): Promise<SourceServer[]> {
  const { items = [] } = await client.send(new DescribeSourceServersCommand({}));
  return items;
}

const byArn = (items: SourceServer[], arn: string | undefined) => items.find((s) => s.arn === arn);

describe('emulator: staging accounts and extended servers', () => {
  let f: Fixture;
  let staging: DrsClient;
  beforeEach(async () => {
    f = await fixture();
    staging = f.client({ accountId: STAGING_ACCOUNT, maxAttempts: 1 });
  });
  afterEach(() => f.close());

  /** Extends one more staging server into the default account; returns [extended, staging] server. */
  async function extendOne(): Promise<[SourceServer, SourceServer]> {
    const { items = [] } = await f.strict.send(
      new ListExtensibleSourceServersCommand({ stagingAccountID: STAGING_ACCOUNT }),
    );
    const { sourceServer } = await f.strict.send(
      new CreateExtendedSourceServerCommand({ sourceServerArn: items[0].arn }),
    );
    const origin = byArn(await servers(staging), items[0].arn);
    assert.ok(sourceServer && origin);
    return [sourceServer, origin];
  }

  it('an extended server mirrors its staging server: stopped and started there, seen here', async () => {
    const [extended, origin] = await extendOne();
    assert.equal(extended.stagingArea?.status, 'EXTENDED');
    await staging.send(new StopReplicationCommand({ sourceServerID: origin.sourceServerID }));
    const mirror = () => servers(f.strict).then((items) => byArn(items, extended.arn));
    assert.equal((await mirror())?.dataReplicationInfo?.dataReplicationState, 'STOPPED');
    await staging.send(new StartReplicationCommand({ sourceServerID: origin.sourceServerID }));
    assert.equal((await mirror())?.dataReplicationInfo?.dataReplicationState, 'INITIATING');
    f.advance(3600);
    assert.equal((await mirror())?.dataReplicationInfo?.dataReplicationState, 'CONTINUOUS');
  });

  it('disconnecting the staging server turns its extension EXTENSION_ERROR with a message', async () => {
    const [extended, origin] = await extendOne();
    await staging.send(new DisconnectSourceServerCommand({ sourceServerID: origin.sourceServerID }));
    const after = byArn(await servers(f.strict), extended.arn);
    assert.equal(after?.stagingArea?.status, 'EXTENSION_ERROR');
    assert.equal(after?.stagingArea?.stagingSourceServerArn, origin.arn);
    assert.match(after?.stagingArea?.errorMessage ?? '', new RegExp(`${origin.arn} was disconnected`));
  });

  it('DeleteSourceServer needs a disconnected server; deleting a staging server breaks its extension', async () => {
    const [extended, origin] = await extendOne();
    await rejectsWith(
      staging.send(new DeleteSourceServerCommand({ sourceServerID: origin.sourceServerID })),
      ConflictException,
    );
    await staging.send(new DisconnectSourceServerCommand({ sourceServerID: origin.sourceServerID }));
    await staging.send(new DeleteSourceServerCommand({ sourceServerID: origin.sourceServerID }));
    assert.equal(byArn(await servers(staging), origin.arn), undefined);
    const after = byArn(await servers(f.strict), extended.arn);
    assert.equal(after?.stagingArea?.status, 'EXTENSION_ERROR');
    assert.match(after?.stagingArea?.errorMessage ?? '', /was deleted/);
  });

  it('the extensionError scenario breaks a named extended server, with the message given', async () => {
    const [extended] = await extendOne();
    await f.emulator.control.scenario({
      type: 'extensionError',
      sourceServerIds: [extended.sourceServerID as string],
      message: 'AccessDenied: role DRSStagingAccountRole cannot be assumed',
    });
    const after = byArn(await servers(f.strict), extended.arn);
    assert.deepEqual(
      [after?.stagingArea?.status, after?.stagingArea?.errorMessage],
      ['EXTENSION_ERROR', 'AccessDenied: role DRSStagingAccountRole cannot be assumed'],
    );
    await assert.rejects(
      f.emulator.control.scenario({
        type: 'extensionError',
        sourceServerIds: [origin(after)],
      }),
      /not extended source servers/,
    );
  });

  it('an account replicates at most its quota of servers; extensions do not count', async () => {
    const own = await servers(f.strict);
    const stopped = own.find((s) => s.dataReplicationInfo?.dataReplicationState === 'STOPPED');
    const replicating = own.filter(
      (s) =>
        s.stagingArea?.status === 'NOT_EXTENDED' &&
        !['STOPPED', 'DISCONNECTED'].includes(s.dataReplicationInfo?.dataReplicationState ?? ''),
    ).length;
    // one extension more changes nothing: it replicates in its staging account
    await extendOne();
    await f.emulator.control.setConfig({ quotas: { maxReplicatingServers: replicating } });
    const err = await rejectsWith(
      f.strict.send(new StartReplicationCommand({ sourceServerID: stopped?.sourceServerID })),
      ServiceQuotaExceededException,
    );
    assert.equal(err.quotaCode, 'REPLICATING_SOURCE_SERVERS');
    assert.match(err.message, new RegExp(`at most ${replicating} may replicate`));
    await f.emulator.control.setConfig({ quotas: { maxReplicatingServers: replicating + 1 } });
    await f.strict.send(new StartReplicationCommand({ sourceServerID: stopped?.sourceServerID }));
  });
});

/** A non-extended server's id, for the refusal check (the default account's own first server). */
function origin(server: SourceServer | undefined): string {
  return (server?.stagingArea?.stagingSourceServerArn ?? '').split('/').pop() as string;
}
