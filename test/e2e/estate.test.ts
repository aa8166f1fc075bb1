// An estate across staging accounts on the local stack (dev server, a real worker, the emulator)
// through drsctl: `drsctl extend` extends the staging accounts' servers into the recovery account,
// readiness flags an EXTENSION_ERROR server planted by a scenario, and a repair of an extended
// STALLED server runs in its staging account, as the emulator's audit shows.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ExtendReport } from '../../common/extend';
import type { ReadinessReport } from '../../common/readiness';
import type { ReplicationReport } from '../../common/types-lifecycle';
import { DEFAULT_ACCOUNT, STAGING_ACCOUNT } from '../../emulator';
import { startCliStack, type CliStack } from '../cli/stack';

const SECOND_STAGING = '777788889999';

describe('an estate across staging accounts (dev server, worker, emulator)', function () {
  this.timeout(180_000);
  let stack: CliStack;
  const tmp = mkdtempSync(path.join(tmpdir(), 'drsctl-estate-'));
  const json = <T>(file: string) => JSON.parse(readFileSync(path.join(tmp, file), 'utf8')) as T;

  before(async () => {
    stack = await startCliStack('estate');
  });
  after(() => stack?.stop());

  it('extends the servers of two staging accounts into the recovery account; a rerun skips them', async () => {
    await stack.emulator.control.addServers({ count: 2, accountId: SECOND_STAGING });
    const args = [
      'extend',
      '--staging-account',
      `${STAGING_ACCOUNT},${SECOND_STAGING}`,
      '--confirm',
      '--wait',
    ];
    const first = await stack.drsctl([...args, '--report-json', path.join(tmp, 'extend.json')]);
    assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
    const report = json<ExtendReport>('extend.json');
    const extended = report.servers.filter((s) => s.result === 'EXTENDED');
    assert.equal(extended.length, 4, report.summary);
    const state = await stack.emulator.control.state();
    for (const row of extended) {
      const made = state.servers.find((s) => s.sourceServerID === row.extendedSourceServerId);
      assert.equal(made?.accountId, DEFAULT_ACCOUNT);
      assert.equal(made?.extendedFrom, row.sourceServerId);
    }
    const again = await stack.drsctl([...args, '--report-json', path.join(tmp, 'again.json')]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      [...new Set(json<ExtendReport>('again.json').servers.map((s) => s.result))],
      ['SKIPPED'],
    );
  });

  it("readiness flags an EXTENSION_ERROR server with DRS's message", async () => {
    const state = await stack.emulator.control.state();
    const extension = state.servers.find((s) => s.accountId === DEFAULT_ACCOUNT && s.extendedFrom);
    const id = extension?.sourceServerID as string;
    await stack.emulator.control.scenario({
      type: 'extensionError',
      sourceServerIds: [id],
      message: 'the staging account no longer trusts this account',
    });
    const run = await stack.drsctl([
      'readiness',
      '--source-server',
      id,
      '--wait',
      '--report-json',
      path.join(tmp, 'readiness.json'),
    ]);
    assert.equal(run.code, 1, run.stdout);
    const report = json<ReadinessReport>('readiness.json');
    assert.equal(report.outcome, 'NOT_READY');
    assert.ok(
      report.servers[0].errors.includes(
        'extension broken (EXTENSION_ERROR): the staging account no longer trusts this account',
      ),
      report.servers[0].errors.join('; '),
    );
  });

  it('repairs an extended STALLED server in its staging account, as the audit shows', async () => {
    const state = await stack.emulator.control.state();
    const staged = state.servers.find((s) => s.accountId === STAGING_ACCOUNT && s.hostname === 'stg-app-02');
    const extension = state.servers.find((s) => s.extendedFrom === staged?.sourceServerID);
    await stack.emulator.control.scenario({
      type: 'replicationState',
      sourceServerIds: [staged?.sourceServerID as string],
      state: 'STALLED',
    });
    await stack.emulator.control.clearAudit();
    const run = await stack.drsctl([
      'replication',
      '--action',
      'repair',
      '--source-server',
      extension?.sourceServerID as string,
      '--wait',
      '--report-json',
      path.join(tmp, 'repair.json'),
    ]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const report = json<ReplicationReport>('repair.json');
    assert.deepEqual(report.servers[0].actedIn, {
      accountId: STAGING_ACCOUNT,
      sourceServerId: staged?.sourceServerID,
    });
    const retries = await stack.emulator.control.audit({ operation: 'RetryDataReplication' });
    assert.deepEqual(
      retries.map((e) => [
        e.accountId,
        (e.request as { sourceServerID: string }).sourceServerID,
        e.statusCode,
      ]),
      [[STAGING_ACCOUNT, staged?.sourceServerID, 200]],
    );
  });
});
