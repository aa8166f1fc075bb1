// Multi-account through the real SDK clients and the emulator (DRS and its STS): credentials by
// assumed role per staging account, the stagingArea fields of an extended source server, and the
// region taken from each request.
import assert from 'node:assert/strict';
import { createActivities } from '../../activities';
import { assumedRoleCredentials, roleInEachAccount } from '../../activities/credentials';
import { AwsClientFactory } from '../../activities/drs-client';
import {
  DEFAULT_ACCOUNT,
  emulatorCredentials,
  STAGING_ACCOUNT,
  startEmulator,
  type RunningEmulator,
} from '../../emulator';

describe('multi-account: assumed roles and staging accounts (emulator)', () => {
  let emulator: RunningEmulator;
  let clients: AwsClientFactory;
  let activities: ReturnType<typeof createActivities>;

  before(async () => {
    emulator = await startEmulator({ quiet: true });
    const assumed = assumedRoleCredentials({
      roleArnFor: roleInEachAccount('DrsOrchestrator'),
      region: 'us-east-1',
      masterCredentials: emulatorCredentials(DEFAULT_ACCOUNT),
      stsEndpoint: emulator.url,
      sessionName: 'temporal-drs-test',
    });
    clients = new AwsClientFactory({
      endpoint: emulator.url,
      defaultRegion: 'us-east-1',
      // the own account with the same keys that call AssumeRole
      credentialsFor: (accountId) => assumed(accountId) ?? emulatorCredentials(DEFAULT_ACCOUNT),
    });
    activities = createActivities({ drsClients: clients });
  });
  after(async () => {
    clients.destroy();
    await emulator.close();
  });
  beforeEach(() => emulator.control.reset());

  const hostOf = async (accountId: string, hostname: string) => {
    const state = await emulator.control.state();
    const server = state.servers.find((s) => s.accountId === accountId && s.hostname === hostname);
    if (!server) throw new Error(`no ${hostname} in ${accountId}`);
    return server.sourceServerID;
  };

  it('reaches a staging account with the credentials of a role assumed in it, once per account', async () => {
    const staged = await hostOf(STAGING_ACCOUNT, 'stg-db-01');
    const region = 'us-east-1';
    await emulator.control.scenario({
      type: 'replicationState',
      sourceServerIds: [staged],
      state: 'STALLED',
    });
    const [before] = await activities.inspectReplicationTargets({
      region,
      accountId: STAGING_ACCOUNT,
      sourceServerIds: [staged],
    });
    assert.equal(before.replicationState, 'STALLED');
    await activities.retryDataReplication({ region, accountId: STAGING_ACCOUNT, sourceServerId: staged });

    const audit = await emulator.control.audit();
    const assumed = audit.filter((e) => e.operation === 'sts:AssumeRole');
    assert.equal(assumed.length, 1, 'one AssumeRole, then the credentials are reused');
    assert.equal(
      (assumed[0].request as { RoleArn: string }).RoleArn,
      `arn:aws:iam::${STAGING_ACCOUNT}:role/DrsOrchestrator`,
    );
    assert.equal(assumed[0].accountId, DEFAULT_ACCOUNT, 'the worker account assumes the role');
    const drsCalls = audit.filter((e) => !e.operation.startsWith('sts:'));
    assert.ok(drsCalls.length >= 3);
    for (const call of drsCalls) assert.equal(call.accountId, STAGING_ACCOUNT, call.operation);
  });

  it('uses its own credentials for its own account (no AssumeRole)', async () => {
    await activities.inspectReplicationTargets({ region: 'us-east-1', sourceServerIds: [] });
    const audit = await emulator.control.audit();
    assert.deepEqual(audit.map((e) => [e.operation, e.accountId]).sort(), [
      ['DescribeJobs', DEFAULT_ACCOUNT],
      ['DescribeSourceServers', DEFAULT_ACCOUNT],
    ]);
  });

  it('shows an extended server with its staging account', async () => {
    const extended = await hostOf(DEFAULT_ACCOUNT, 'stg-app-01');
    const [target] = await activities.inspectReplicationTargets({
      region: 'us-east-1',
      sourceServerIds: [extended],
    });
    assert.equal(target.stagingStatus, 'EXTENDED');
    assert.equal(target.stagingAccountId, STAGING_ACCOUNT);
  });

  it('takes the region from each request', async () => {
    await activities.inspectReplicationTargets({ region: 'eu-west-1', sourceServerIds: [] });
    const [call] = await emulator.control.audit({ operation: 'DescribeSourceServers' });
    assert.equal(call.region, 'eu-west-1');
  });
});
