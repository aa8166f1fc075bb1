// drsExtend on the time-skipping server against the emulator through the real SDK: a dry run lists
// and changes nothing, a confirmed run extends the servers of two staging accounts into the recovery
// account, a rerun SKIPS them, tags narrow the choice, and bad input (an unknown staging account, a
// server that is itself an extension) is refused before any CreateExtendedSourceServer.
import assert from 'node:assert/strict';
import type { ExtendInput, ExtendReport } from '../../common/extend';
import { DEFAULT_ACCOUNT, STAGING_ACCOUNT } from '../../emulator';
import { drsExtend } from '../../workflows';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { resultOf, serverId, startOn } from './lifecycle-support';

const SECOND_STAGING = '777788889999';

describe('drsExtend (time-skipping, emulator)', function () {
  this.timeout(300_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  const run = async (input: ExtendInput | Record<string, unknown>) =>
    resultOf<ExtendReport>(h, await startOn(h, drsExtend, 'extend', input));
  const creates = async () =>
    (await h.emulator.control.audit({ operation: 'CreateExtendedSourceServer' })).length;
  const arnOf = (account: string, id: string) => `arn:aws:drs:${REGION}:${account}:source-server/${id}`;

  it('a dry run lists what it would extend and what is already extended, and creates nothing', async () => {
    const { result } = await run({ region: REGION, stagingAccountIds: [STAGING_ACCOUNT] });
    assert.equal(result?.outcome, 'SUCCEEDED');
    assert.equal(result?.dryRun, true);
    const by = (r: string) =>
      result?.servers.filter((s) => s.result === r).map((s) => s.hostname ?? s.sourceServerId);
    assert.deepEqual(by('WOULD_EXTEND')?.sort(), ['stg-app-02', 'stg-db-01']);
    assert.equal(by('SKIPPED')?.length, 1, 'stg-app-01 is extended already');
    assert.deepEqual(result?.stagingAccounts, [{ accountId: STAGING_ACCOUNT, extensible: 2, extended: 1 }]);
    assert.equal(await creates(), 0);
  });

  it('extends the servers of two staging accounts into the recovery account; a rerun SKIPS them all', async () => {
    const [added] = await h.emulator.control.addServers({ count: 1, accountId: SECOND_STAGING });
    const input = { region: REGION, stagingAccountIds: [STAGING_ACCOUNT, SECOND_STAGING], confirm: true };
    const { result } = await run(input);
    assert.equal(result?.outcome, 'SUCCEEDED', result?.summary);
    const extended = result?.servers.filter((s) => s.result === 'EXTENDED') ?? [];
    assert.equal(extended.length, 3);
    const state = await h.emulator.control.state();
    for (const row of extended) {
      const made = state.servers.find((s) => s.sourceServerID === row.extendedSourceServerId);
      assert.equal(made?.accountId, DEFAULT_ACCOUNT, 'extended into the recovery account');
      assert.equal(made?.extendedFrom, row.sourceServerId);
    }
    assert.ok(extended.some((s) => s.sourceServerId === added && s.stagingAccountId === SECOND_STAGING));
    assert.equal(await creates(), 3);

    const { result: again } = await run(input);
    assert.equal(again?.outcome, 'SUCCEEDED');
    assert.deepEqual([...new Set(again?.servers.map((s) => s.result))], ['SKIPPED']);
    assert.equal(again?.servers.length, 4);
    assert.equal(await creates(), 3, 'a rerun creates nothing');
  });

  it('extends only the servers whose tags match', async () => {
    const { result } = await run({ region: REGION, tags: { Tier: 'db' }, confirm: true });
    assert.deepEqual(
      result?.servers.map((s) => [s.hostname, s.result]),
      [['stg-db-01', 'EXTENDED']],
    );
  });

  it('refuses an unknown staging account and a server that is itself an extension, before any change', async () => {
    const extension = await serverId(h, 'stg-app-01');
    const stagingDb = await serverId(h, 'stg-db-01', STAGING_ACCOUNT);
    const { failure } = await run({
      region: REGION,
      stagingAccountIds: [STAGING_ACCOUNT, '999900001111'],
      confirm: true,
    });
    assert.equal(failure?.type, 'InvalidInput');
    assert.match(
      failure?.message ?? '',
      /stagingAccountIds\.1: account 999900001111 is not a staging account/,
    );
    const { failure: self } = await run({
      region: REGION,
      sourceServerArns: [arnOf(DEFAULT_ACCOUNT, extension), arnOf(STAGING_ACCOUNT, stagingDb)],
      confirm: true,
    });
    assert.equal(self?.type, 'InvalidInput');
    assert.match(self?.message ?? '', /sourceServerArns\.0: is itself an extended source server/);
    assert.doesNotMatch(self?.message ?? '', /sourceServerArns\.1/);
    assert.equal(await creates(), 0, 'one refused server refuses the whole request');
  });

  it('refuses malformed input before any call, naming the field', async () => {
    const { failure } = await run({ region: REGION, sourceServerArns: ['s-123'], tags: { a: 'b' } });
    assert.equal(failure?.type, 'InvalidInput');
    assert.match(failure?.message ?? '', /sourceServerArns\.0.*ARN/);
    assert.match(failure?.message ?? '', /tags: give sourceServerArns or tags, not both/);
    assert.equal((await h.emulator.control.audit()).length, 0);
  });
});
