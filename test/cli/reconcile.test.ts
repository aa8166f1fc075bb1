// `drsctl reconcile` (the real binary) against the dev server, a worker and the emulator: a bad
// duration exits 2 naming the flag; --dry-run reports the instances of a terminated drill and
// terminates nothing; without it they are terminated and the JSON report says so.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ReconcileReport } from '../../common/reconcile';
import type { DrillProgress } from '../../common/types';
import { runDrsctl, startCliStack, type CliStack } from './stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('drsctl reconcile (real binary, dev server, emulator)', function () {
  this.timeout(180_000);
  let stack: CliStack;
  let dir: string;

  before(async () => {
    stack = await startCliStack('drsctl-reconcile');
    dir = mkdtempSync(path.join(tmpdir(), 'drsctl-reconcile-'));
  });
  after(async () => stack?.stop());

  it('exits 2 on a bad --grace, naming the flag', async () => {
    const r = await runDrsctl(['reconcile', '--grace', 'soon'], stack.cliEnv);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--grace: "soon" is not a duration/);
  });

  it('--dry-run reports a terminated drill’s instances; a real run terminates them', async () => {
    const servers = await stack.healthyServers(2);
    const drill = await stack.env.client.workflow.start('drsDrill', {
      taskQueue: stack.taskQueue,
      workflowId: `drill-cli-reconcile-${Date.now()}`,
      args: [
        { sourceServerIds: servers, region: 'us-east-1', validation: { mode: 'hold', holdSeconds: 3600 } },
      ],
    });
    let progress: DrillProgress;
    while ((progress = await drill.query<DrillProgress>('progress')).phase !== 'validating') await sleep(500);
    const leaked = progress.servers.map((s) => s.recoveryInstanceId ?? '').sort();
    await drill.terminate('test: terminated mid-validation');
    await sleep(1500); // past the 1 s grace

    const run = async (extra: string[], name: string) => {
      const file = path.join(dir, `${name}.json`);
      const id = `reconcile-cli-${name}-${Date.now()}`;
      const r = await stack.drsctl([
        'reconcile',
        '--grace',
        '1s',
        '--workflow-id',
        id,
        '--wait',
        '--report-json',
        file,
        ...extra,
      ]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(readFileSync(file, 'utf8')) as ReconcileReport;
    };
    const dry = await run(['--dry-run'], 'dry');
    assert.deepEqual(
      dry.servers
        .filter((i) => i.action === 'would-terminate')
        .map((i) => i.recoveryInstanceId)
        .sort(),
      leaked,
    );
    assert.deepEqual(await stack.emulator.control.audit({ operation: 'TerminateRecoveryInstances' }), []);

    const report = await run([], 'real');
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const terminated = report.servers.filter((i) => i.terminated).map((i) => i.recoveryInstanceId);
    assert.deepEqual(terminated.sort(), leaked);
    assert.match(report.summary, /^2 leaked drill instance\(s\) terminated/);
  });
});
