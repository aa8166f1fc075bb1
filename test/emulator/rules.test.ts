// The DRS API's product rules (which replication states RetryDataReplication and
// DisconnectSourceServer accept, one active job per server, what a launch leaves behind) and the
// service quotas, seen as typed SDK exceptions.
import assert from 'node:assert/strict';
import {
  ConflictException,
  DescribeJobLogItemsCommand,
  DescribeSourceServersCommand,
  DisconnectSourceServerCommand,
  RetryDataReplicationCommand,
  ServiceQuotaExceededException,
  StartRecoveryCommand,
  StartReplicationCommand,
  StopReplicationCommand,
  ValidationException,
  type SourceServer,
} from '@aws-sdk/client-drs';
import { pickHealthyServers } from '../../emulator';
import { fixture, rejectsWith, runJobToCompletion, type Fixture } from './support';

async function serverByHost(f: Fixture, hostname: string): Promise<SourceServer> {
  const { items = [] } = await f.drsClient.send(new DescribeSourceServersCommand({}));
  const server = items.find((s) => s.sourceProperties?.identificationHints?.hostname === hostname);
  if (!server) throw new Error(`no server ${hostname}`);
  return server;
}

async function replicationOf(
  f: Fixture,
  sourceServerID: string,
): Promise<SourceServer['dataReplicationInfo']> {
  const { items = [] } = await f.drsClient.send(
    new DescribeSourceServersCommand({ filters: { sourceServerIDs: [sourceServerID] } }),
  );
  return items[0]?.dataReplicationInfo;
}

describe('emulator: DRS rules', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.close());

  it('seeds a mixed inventory: healthy servers with small lag and one STALLED, DISCONNECTED, STOPPED, INITIAL_SYNC', async () => {
    const { items = [] } = await f.drsClient.send(new DescribeSourceServersCommand({}));
    const states = items.map((s) => s.dataReplicationInfo?.dataReplicationState);
    for (const state of ['STALLED', 'DISCONNECTED', 'STOPPED', 'INITIAL_SYNC'])
      assert.ok(states.includes(state as never), state);
    const healthy = items.filter((s) => s.dataReplicationInfo?.dataReplicationState === 'CONTINUOUS');
    assert.ok(healthy.length >= 3);
    for (const s of healthy) {
      assert.match(s.sourceServerID ?? '', /^s-[0-9a-z]{17}$/);
      assert.match(s.dataReplicationInfo?.lagDuration ?? '', /^PT\d+S$/);
    }
    const stalled = items.find((s) => s.dataReplicationInfo?.dataReplicationState === 'STALLED');
    assert.equal(stalled?.dataReplicationInfo?.dataReplicationError?.error, 'AGENT_NOT_SEEN');
  });

  it('RetryDataReplication is refused unless the server is STALLED, DISCONNECTED or STOPPED', async () => {
    const [healthy] = await pickHealthyServers(f.drsClient, 1);
    const err = await rejectsWith(
      f.strict.send(new RetryDataReplicationCommand({ sourceServerID: healthy })),
      ValidationException,
    );
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.match(err.message, /STALLED, DISCONNECTED or STOPPED/);
    const initialSync = await serverByHost(f, 'new-01');
    await rejectsWith(
      f.strict.send(new RetryDataReplicationCommand({ sourceServerID: initialSync.sourceServerID })),
      ValidationException,
    );
  });

  for (const hostname of ['batch-01', 'legacy-01', 'reports-01']) {
    it(`RetryDataReplication on ${hostname} restarts replication, which catches up to CONTINUOUS`, async () => {
      const server = await serverByHost(f, hostname);
      const retried = await f.drsClient.send(
        new RetryDataReplicationCommand({ sourceServerID: server.sourceServerID }),
      );
      assert.equal(retried.sourceServerID, server.sourceServerID, 'the response is the SourceServer itself');
      assert.equal(retried.dataReplicationInfo?.dataReplicationState, 'INITIATING');
      const seen = new Set<string>();
      for (let i = 0; i < 40; i++) {
        f.advance(1);
        seen.add((await replicationOf(f, server.sourceServerID as string))?.dataReplicationState as string);
      }
      assert.ok(seen.has('CREATING_SNAPSHOT'));
      assert.ok(seen.has(hostname === 'reports-01' ? 'INITIAL_SYNC' : 'BACKLOG'), [...seen].join(','));
      const final = await replicationOf(f, server.sourceServerID as string);
      assert.equal(final?.dataReplicationState, 'CONTINUOUS');
      assert.equal(final?.dataReplicationError, undefined);
    });
  }

  it('StopReplication makes the server unprotected: STOPPED, no lag, no snapshot left to launch from', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const { sourceServer } = await f.drsClient.send(new StopReplicationCommand({ sourceServerID }));
    assert.equal(sourceServer?.dataReplicationInfo?.dataReplicationState, 'STOPPED');
    assert.equal(sourceServer?.dataReplicationInfo?.lagDuration, undefined);
    await rejectsWith(f.strict.send(new StopReplicationCommand({ sourceServerID })), ConflictException);

    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }),
    );
    const { job: done } = await runJobToCompletion(f, job?.jobID as string);
    assert.equal(done.participatingServers?.[0]?.launchStatus, 'FAILED');
    const { items = [] } = await f.drsClient.send(new DescribeJobLogItemsCommand({ jobID: done.jobID }));
    assert.ok(items.some((i) => i.event === 'SNAPSHOT_FAIL'));
    assert.ok(items.some((i) => i.event === 'USING_PREVIOUS_SNAPSHOT_FAILED'));

    const restarted = await f.drsClient.send(new StartReplicationCommand({ sourceServerID }));
    assert.equal(restarted.sourceServer?.dataReplicationInfo?.dataReplicationState, 'INITIATING');
    await rejectsWith(f.strict.send(new StartReplicationCommand({ sourceServerID })), ConflictException);
  });

  it('a STALLED server launches from its last snapshot (USING_PREVIOUS_SNAPSHOT) with an old point in time', async () => {
    const stalled = await serverByHost(f, 'batch-01');
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({
        isDrill: true,
        sourceServers: [{ sourceServerID: stalled.sourceServerID }],
      }),
    );
    const { job: done } = await runJobToCompletion(f, job?.jobID as string);
    assert.equal(done.participatingServers?.[0]?.launchStatus, 'LAUNCHED');
    const { items = [] } = await f.drsClient.send(new DescribeJobLogItemsCommand({ jobID: done.jobID }));
    assert.ok(items.some((i) => i.event === 'USING_PREVIOUS_SNAPSHOT'));
    const conversion = items.find((i) => i.event === 'CONVERSION_END');
    const dataAge =
      f.now() - Date.parse(conversion?.eventData?.conversionProperties?.dataTimestamp as string);
    assert.ok(dataAge > 3600_000, 'the stalled server launches from data about two hours old');
  });

  it('DisconnectSourceServer is refused while the server has a recovery instance', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] }),
    );
    await rejectsWith(
      f.strict.send(new DisconnectSourceServerCommand({ sourceServerID })),
      ConflictException,
    );
    await runJobToCompletion(f, job?.jobID as string);
    const err = await rejectsWith(
      f.strict.send(new DisconnectSourceServerCommand({ sourceServerID })),
      ConflictException,
    );
    assert.equal(err.$metadata.httpStatusCode, 409);
    assert.equal(err.resourceId, sourceServerID);
    assert.match(err.message, /recovery instance/);
  });

  it('DisconnectSourceServer otherwise sets DISCONNECTED, zeroes totalStorageBytes and nullifies lag', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const server = await f.drsClient.send(new DisconnectSourceServerCommand({ sourceServerID }));
    const info = server.dataReplicationInfo;
    assert.equal(info?.dataReplicationState, 'DISCONNECTED');
    assert.ok((info?.replicatedDisks ?? []).length > 0);
    assert.ok((info?.replicatedDisks ?? []).every((d) => d.totalStorageBytes === 0));
    assert.equal(info?.lagDuration, undefined);
    assert.equal(info?.etaDateTime, undefined);
  });

  it('a source server is in at most one active job (ConflictException)', async () => {
    const [a, b] = await pickHealthyServers(f.drsClient, 2);
    await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: a }] }),
    );
    const err = await rejectsWith(
      f.strict.send(
        new StartRecoveryCommand({
          isDrill: true,
          sourceServers: [{ sourceServerID: b }, { sourceServerID: a }],
        }),
      ),
      ConflictException,
    );
    assert.equal(err.resourceId, a);
  });

  it('enforces the per-job server quota and the concurrent-job quota (ServiceQuotaExceededException)', async () => {
    await f.emulator.control.setConfig({ quotas: { maxServersPerJob: 2, maxConcurrentJobs: 2 } });
    const ids = await pickHealthyServers(f.drsClient, 4);
    const tooMany = await rejectsWith(
      f.strict.send(
        new StartRecoveryCommand({
          sourceServers: ids.slice(0, 3).map((sourceServerID) => ({ sourceServerID })),
        }),
      ),
      ServiceQuotaExceededException,
    );
    assert.equal(tooMany.$metadata.httpStatusCode, 402);
    assert.equal(tooMany.serviceCode, 'drs');
    assert.ok(tooMany.quotaCode);
    await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: ids[0] }] }),
    );
    await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: ids[1] }] }),
    );
    await rejectsWith(
      f.strict.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: ids[2] }] })),
      ServiceQuotaExceededException,
    );
  });

  it('a recovery (isDrill=false) instance blocks a new launch of that server until it is dealt with', async () => {
    const [sourceServerID] = await pickHealthyServers(f.drsClient, 1);
    const { job } = await f.drsClient.send(
      new StartRecoveryCommand({ isDrill: false, sourceServers: [{ sourceServerID }] }),
    );
    assert.equal(job?.initiatedBy, 'START_RECOVERY');
    await runJobToCompletion(f, job?.jobID as string);
    await rejectsWith(
      f.strict.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID }] })),
      ConflictException,
    );
  });
});
