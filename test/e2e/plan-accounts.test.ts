// drsPlan across accounts and regions on the local stack: a real worker process (DRS_EMULATOR with a
// role name: other accounts by AssumeRole at the emulator's STS) on the dev server, the emulator with
// its accounts, and the real drsctl. One wave in the worker's account, one in the staging account
// and a third in another region (its servers selected by tag there) SUCCEEDS, each job in its own
// account and region (the emulator's audit and jobs), the plan's search attributes and its evidence
// page naming them.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { PlanReport } from '../../common/types-plan';
import { DEFAULT_ACCOUNT, STAGING_ACCOUNT, type RunningEmulator } from '../../emulator';
import { runDrsctl, type CliResult } from '../cli/stack';
import { startWorkerStack, type WorkerStack } from '../helpers/worker-stack';

const REGION = 'us-east-1';
const WEST = 'us-west-2';

describe('drsPlan across two accounts and two regions (dev server, worker process, emulator, drsctl)', function () {
  this.timeout(300_000);
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;
  let stack: WorkerStack | undefined;
  const tmp = mkdtempSync(path.join(tmpdir(), 'plan-accounts-e2e-'));
  const taskQueue = `plan-accounts-e2e-${Date.now()}`;
  let cliEnv: NodeJS.ProcessEnv;
  const output = (r: CliResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

  before(async () => {
    stack = await startWorkerStack(taskQueue, {
      DRS_EMULATOR: 'true',
      DRS_ACCOUNT_ROLE_NAME: 'temporal-drs',
      TEMPORAL_DRS_DATA: path.join(tmp, 'data'),
    });
    ({ env, emulator } = stack);
    cliEnv = {
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      AWS_REGION: REGION,
      TEMPORAL_DRS_DATA: path.join(tmp, 'data'),
    };
  });
  after(async () => {
    await stack?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('one wave in each of two accounts and a third in another region SUCCEED, each job in its own account and region', async () => {
    await emulator.control.addServers({ count: 1, region: WEST }); // seeds us-west-2's inventory
    const state = await emulator.control.state();
    const id = (hostname: string, accountId: string, region: string) => {
      const found = state.servers.find(
        (s) => s.hostname === hostname && s.accountId === accountId && s.region === region && !s.extendedFrom,
      );
      if (!found) throw new Error(`no ${hostname} in ${accountId} ${region}`);
      return found.sourceServerID;
    };
    const own = id('web-01', DEFAULT_ACCOUNT, REGION);
    const staged = id('stg-app-02', STAGING_ACCOUNT, REGION);
    const west = ['web-01', 'web-02'].map((host) => id(host, DEFAULT_ACCOUNT, WEST)).sort();
    const planFile = path.join(tmp, 'plan.json');
    writeFileSync(
      planFile,
      JSON.stringify({
        region: REGION,
        waves: [
          { name: 'db', sourceServerIds: [own] },
          { name: 'staging', accountId: STAGING_ACCOUNT, sourceServerIds: [staged] },
          { name: 'west', region: WEST, tags: { Tier: 'web' } },
        ],
      }),
    );
    const html = path.join(tmp, 'evidence.html');
    const json = path.join(tmp, 'report.json');
    const run = await runDrsctl(
      ['plan', '--input', planFile, '--wait', '--report-html', html, '--report-json', json],
      cliEnv,
      240_000,
    );
    assert.equal(run.code, 0, output(run));
    const report = JSON.parse(readFileSync(json, 'utf8')) as PlanReport;
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.deepEqual(
      report.waves.map((w) => [
        w.name,
        w.status,
        w.children.map((c) => `${c.accountId ?? 'own'}/${c.region}`),
      ]),
      [
        ['db', 'SUCCEEDED', [`own/${REGION}`]],
        ['staging', 'SUCCEEDED', [`${STAGING_ACCOUNT}/${REGION}`]],
        ['west', 'SUCCEEDED', [`own/${WEST}`]],
      ],
    );

    // the emulator's witness: each launch in its own account and region, its jobs there too
    const launches = (await emulator.control.audit({ operation: 'StartRecovery' })).filter(
      (e) => e.statusCode < 300,
    );
    assert.deepEqual(
      launches.map((e) => [
        e.accountId,
        e.region,
        (e.request as { sourceServers: { sourceServerID: string }[] }).sourceServers
          .map((s) => s.sourceServerID)
          .sort(),
      ]),
      [
        [DEFAULT_ACCOUNT, REGION, [own]],
        [STAGING_ACCOUNT, REGION, [staged]],
        [DEFAULT_ACCOUNT, WEST, west],
      ],
    );
    const jobs = (await emulator.control.state()).jobs;
    for (const [accountId, region] of [
      [DEFAULT_ACCOUNT, REGION],
      [STAGING_ACCOUNT, REGION],
      [DEFAULT_ACCOUNT, WEST],
    ])
      assert.deepEqual(
        jobs
          .filter((j) => j.accountId === accountId && j.region === region)
          .map((j) => `${j.type}:${j.status}`)
          .sort(),
        ['LAUNCH:COMPLETED', 'TERMINATE:COMPLETED'],
        `${accountId} ${region}: the drill's launch and cleanup`,
      );

    // search attributes and the evidence page name every account and region
    const { searchAttributes } = await env.client.workflow.getHandle(report.workflowId).describe();
    assert.deepEqual(searchAttributes.DrsAccounts, ['own', STAGING_ACCOUNT]);
    assert.deepEqual(searchAttributes.DrsRegions, [REGION, WEST]);
    const page = readFileSync(html, 'utf8');
    for (const text of [`${STAGING_ACCOUNT} ${REGION}`, `worker&#39;s account ${WEST}`])
      assert.ok(page.includes(text), `the evidence page shows ${text}`);
  });
});
