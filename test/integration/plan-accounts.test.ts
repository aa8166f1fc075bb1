// drsPlan's reads across accounts, through the worker's own credentials logic (worker/drs-clients.ts)
// and the emulator's DRS and STS: which accounts and regions a plan may use (no role configured, a
// role that cannot be assumed), and the servers a wave selects by staging account.
import assert from 'node:assert/strict';
import { createPlanEstateActivities } from '../../activities/plan-estate';
import { AwsClientFactory } from '../../activities/drs-client';
import { DEFAULT_ACCOUNT, STAGING_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';
import { loadWorkerConfig } from '../../worker/config';
import { accountCredentials } from '../../worker/drs-clients';

const NO_ROLE = '777788889999';

describe('plan accounts and staging-account selection (emulator, assumed roles)', () => {
  let emulator: RunningEmulator;
  let clients: AwsClientFactory;
  let activities: ReturnType<typeof createPlanEstateActivities>;

  before(async () => {
    emulator = await startEmulator({ quiet: true });
  });
  beforeEach(async () => {
    await emulator.control.reset();
    // a fresh factory each test: assumed credentials are cached per account for their lifetime
    const aws = loadWorkerConfig({
      DRS_EMULATOR: 'true',
      DRS_ENDPOINT: emulator.url,
      DRS_ACCOUNT_ROLE_ARNS: `${STAGING_ACCOUNT}=arn:aws:iam::${STAGING_ACCOUNT}:role/drs-ops`,
    }).aws;
    clients = new AwsClientFactory({
      endpoint: aws.drsEndpoint,
      defaultRegion: aws.region,
      credentialsFor: accountCredentials(aws),
    });
    activities = createPlanEstateActivities(clients);
  });
  afterEach(() => clients.destroy());
  after(() => emulator.close());

  it('answers which accounts and regions the worker cannot reach, and why', async () => {
    const unreachable = await activities.checkPlanAccounts({
      placements: [
        { region: 'us-east-1' },
        { region: 'us-west-2' },
        { region: 'us-east-1', accountId: STAGING_ACCOUNT },
        { region: 'us-east-1', accountId: NO_ROLE },
      ],
    });
    assert.deepEqual(
      unreachable.map((u) => [u.accountId, u.region]),
      [[NO_ROLE, 'us-east-1']],
    );
    assert.match(
      unreachable[0].reason,
      /no role to assume in account 777788889999 \(set DRS_ACCOUNT_ROLE_ARNS/,
    );
    // the reachable ones were read in their own account and region, the staging one by its role
    const reads = (await emulator.control.audit()).map((e) => [e.operation, e.accountId, e.region]);
    for (const read of [
      ['DescribeSourceServers', DEFAULT_ACCOUNT, 'us-east-1'],
      ['DescribeSourceServers', DEFAULT_ACCOUNT, 'us-west-2'],
      ['sts:AssumeRole', DEFAULT_ACCOUNT, 'us-east-1'],
      ['DescribeSourceServers', STAGING_ACCOUNT, 'us-east-1'],
    ])
      assert.ok(
        reads.some((r) => r.join() === read.join()),
        `${read.join(' ')} in ${JSON.stringify(reads)}`,
      );
    assert.ok(!reads.some((r) => r[1] === NO_ROLE), 'nothing is called in an account with no role');
  });

  it('reports a role that cannot be assumed as unreachable instead of failing the check', async () => {
    await emulator.control.accessDenied({ operations: ['sts:AssumeRole'] });
    const unreachable = await activities.checkPlanAccounts({
      placements: [{ region: 'us-east-1' }, { region: 'us-east-1', accountId: STAGING_ACCOUNT }],
    });
    assert.deepEqual(
      unreachable.map((u) => u.accountId),
      [STAGING_ACCOUNT],
    );
    assert.match(unreachable[0].reason, /AssumeRole/);
  });

  it('selects the servers extended from a staging account, with tags when given', async () => {
    const state = await emulator.control.state();
    const extended = state.servers.filter(
      (s) => s.accountId === DEFAULT_ACCOUNT && s.region === 'us-east-1' && s.extendedFrom,
    );
    assert.ok(extended.length > 0, 'the default inventory extends a staging server');
    const [byAccount, byAccountAndTag, otherAccount] = await activities.selectPlanServers({
      region: 'us-east-1',
      selectors: [
        { stagingAccountIds: [STAGING_ACCOUNT] },
        { stagingAccountIds: [STAGING_ACCOUNT], tags: { Tier: 'db' } },
        { stagingAccountIds: [NO_ROLE] },
      ],
    });
    assert.deepEqual(byAccount, extended.map((s) => s.sourceServerID).sort());
    assert.deepEqual(
      byAccountAndTag,
      extended.filter((s) => s.tags.Tier === 'db').map((s) => s.sourceServerID),
    );
    assert.deepEqual(otherAccount, []);
  });
});
