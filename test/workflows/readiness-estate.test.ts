// drsReadiness reads every staging account of the recovery account: a broken extension with DRS's
// message, a plan server never extended, each staging account's headroom, and a role that cannot be
// assumed, against the emulator with the worker's assumed roles.
import assert from 'node:assert/strict';
import { STAGING_ACCOUNT } from '../../emulator';
import { REGION, type DrillHarness } from '../helpers/drill-harness';
import { useReadinessSuite } from './readiness-support';

describe('drsReadiness across staging accounts (time-skipping, emulator)', function () {
  this.timeout(300_000);
  let h: DrillHarness;
  // a harness of its own: the worker caches a role's credentials once assumed, and the first test
  // needs a worker that never assumed the staging account's role
  const { readiness, drilledDaysAgo } = useReadinessSuite((harness) => (h = harness));

  it('NOT_READY: a staging account whose role cannot be assumed, with the reason, and no call in it', async () => {
    await h.emulator.control.scenario({ type: 'accessDenied', operations: ['sts:AssumeRole'] });
    const state = await h.emulator.control.state();
    const staged = state.servers
      .filter((s) => s.accountId === STAGING_ACCOUNT && s.hostname === 'stg-db-01')
      .map((s) => s.sourceServerID);
    const report = await readiness({ sourceServerIds: staged, region: REGION, accountId: STAGING_ACCOUNT });
    assert.equal(report.outcome, 'NOT_READY');
    const role = `arn:aws:iam::${STAGING_ACCOUNT}:role/DrsOrchestrator`;
    assert.equal(report.account.reachable, false);
    assert.match(report.account.error ?? '', /AccessDenied/);
    assert.ok(
      report.account.error?.includes(`not authorized to perform: sts:AssumeRole on resource: ${role}`),
      report.account.error,
    );
    assert.match(report.summary, /^NOT_READY: account not reachable \(.*sts:AssumeRole/);
    assert.deepEqual(report.errors, [`account ${STAGING_ACCOUNT} not reachable: ${report.account.error}`]);
    assert.deepEqual(report.servers[0]?.errors, [`not read: account ${STAGING_ACCOUNT} not reachable`]);
    assert.equal(report.headroom, undefined, 'no quota read in an account that did not answer');

    const audit = await h.emulator.control.audit();
    const assumed = audit.filter((e) => e.operation === 'sts:AssumeRole');
    assert.ok(assumed.length >= 1, 'the worker tried to assume the role');
    for (const e of assumed) {
      assert.equal(e.statusCode, 403);
      assert.equal((e.request as { RoleArn: string }).RoleArn, role);
    }
    assert.deepEqual(
      audit.filter((e) => e.accountId === STAGING_ACCOUNT),
      [],
      'no call reached the staging account',
    );
  });

  it('a staging account whose role cannot be assumed makes the recovery account AT_RISK', async () => {
    const servers = await h.healthyServers(1);
    await drilledDaysAgo(servers[0], 1);
    await h.emulator.control.scenario({ type: 'accessDenied', operations: ['sts:AssumeRole'] });
    const report = await readiness({ sourceServerIds: servers, region: REGION });
    assert.equal(report.outcome, 'AT_RISK', report.summary);
    assert.equal(report.servers[0].status, 'READY');
    const [staging] = report.estate?.stagingAccounts ?? [];
    assert.equal(staging.reachable, false);
    assert.match(staging.error ?? '', /sts:AssumeRole/);
    assert.match(report.summary, new RegExp(`staging account ${STAGING_ACCOUNT} not reachable`));
  });

  it("knows the estate: a broken extension with DRS's message, a server never extended, each staging account's headroom", async () => {
    const state = await h.emulator.control.state();
    const extended = state.servers.find((s) => s.extendedFrom && s.accountId !== STAGING_ACCOUNT);
    const notExtended = state.servers.find(
      (s) => s.accountId === STAGING_ACCOUNT && s.hostname === 'stg-db-01',
    );
    await h.emulator.control.scenario({
      type: 'extensionError',
      sourceServerIds: [extended?.sourceServerID as string],
      message: 'staging role DRSStagingAccountRole cannot be assumed',
    });
    const report = await readiness({
      region: REGION,
      waves: [{ name: 'app', sourceServerIds: [extended?.sourceServerID, notExtended?.sourceServerID] }],
    });
    assert.equal(report.outcome, 'NOT_READY');
    const [broken, missing] = report.servers;
    assert.ok(
      broken.errors.includes(
        'extension broken (EXTENSION_ERROR): staging role DRSStagingAccountRole cannot be assumed',
      ),
      broken.errors.join('; '),
    );
    assert.match(
      missing.errors.join('; '),
      new RegExp(
        `not extended into the account the plan recovers in: it replicates in staging account ${STAGING_ACCOUNT}`,
      ),
    );
    assert.deepEqual(report.estate?.stagingAccounts, [
      { accountId: STAGING_ACCOUNT, reachable: true, replicatingServers: 3, headroom: 297 },
    ]);
    // the staging account was read with its own role
    const read = await h.emulator.control.audit({ operation: 'DescribeSourceServers' });
    assert.ok(read.some((e) => e.accountId === STAGING_ACCOUNT));
  });
});
