// drsPlan across accounts and regions on the time-skipping server against the emulator, reaching
// other accounts as the worker does (AssumeRole at the emulator's STS): waves in two accounts and
// another region run in dependency order, each child's job in its own account and region and its
// own capacity queue; a wave selects the servers extended from a staging account; a plan naming an
// account whose role cannot be assumed is refused before any launch, naming the account.
import { strict as assert } from 'node:assert';
import type { WorkflowHandle } from '@temporalio/client';
import { capacityWorkflowId } from '../../common/capacity';
import type { PlanInput } from '../../common/inputs-plan';
import type { PlanReport } from '../../common/types-plan';
import { DEFAULT_ACCOUNT, STAGING_ACCOUNT } from '../../emulator';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { mutatingCalls, resultOf, workflowId } from './lifecycle-support';

const WEST = 'us-west-2';

describe('drsPlan across accounts and regions (time-skipping server + emulator, assumed roles)', function () {
  this.timeout(240_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness), {}, { accountRoleName: 'temporal-drs' });

  const startPlan = (input: PlanInput): Promise<WorkflowHandle> =>
    h.env.client.workflow.start('drsPlan', {
      args: [input],
      taskQueue: h.taskQueue,
      workflowId: workflowId('plan-accounts'),
    });

  /** The id of `hostname` in `accountId` and `region` (a region's inventory is seeded on its first call). */
  async function server(hostname: string, accountId: string, region = REGION): Promise<string> {
    const state = await h.emulator.control.state();
    const found = state.servers.find(
      (s) => s.hostname === hostname && s.accountId === accountId && s.region === region && !s.extendedFrom,
    );
    if (!found) throw new Error(`no ${hostname} in ${accountId} ${region}`);
    return found.sourceServerID;
  }

  it('recovers waves of two accounts and another region in order, each job in its own account, region and queue', async () => {
    await h.emulator.control.addServers({ count: 1, region: WEST }); // seeds us-west-2's inventory
    const own = await server('web-01', DEFAULT_ACCOUNT);
    const staged = await server('stg-app-02', STAGING_ACCOUNT);
    const west = await server('web-02', DEFAULT_ACCOUNT, WEST);
    const extended = (await h.emulator.control.state()).servers.find(
      (s) => s.accountId === DEFAULT_ACCOUNT && s.region === REGION && s.extendedFrom,
    );
    assert.ok(extended, 'the default inventory extends a staging server');
    const handle = await startPlan({
      region: REGION,
      waves: [
        { name: 'db', sourceServerIds: [own] },
        { name: 'staging', accountId: STAGING_ACCOUNT, sourceServerIds: [staged] },
        { name: 'west', sourceServers: [{ sourceServerId: west, region: WEST }] },
        { name: 'extended', stagingAccountIds: [STAGING_ACCOUNT] },
      ],
    });
    const { result: report, failure } = await resultOf<PlanReport>(h, handle);
    assert.ifError(failure);
    assert.ok(report);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);

    // where each wave ran, in the report
    assert.deepEqual(
      report.waves.map((w) => [w.name, w.status, w.placements]),
      [
        ['db', 'SUCCEEDED', [{ region: REGION }]],
        ['staging', 'SUCCEEDED', [{ region: REGION, accountId: STAGING_ACCOUNT }]],
        ['west', 'SUCCEEDED', [{ region: REGION }, { region: WEST }]],
        ['extended', 'SUCCEEDED', [{ region: REGION }]],
      ],
    );
    assert.deepEqual(
      report.waves.map((w) => w.children.map((c) => [c.accountId, c.region])),
      [[[undefined, REGION]], [[STAGING_ACCOUNT, REGION]], [[undefined, WEST]], [[undefined, REGION]]],
    );
    assert.deepEqual(
      report.servers.filter((s) => s.wave === 'extended').map((s) => s.sourceServerId),
      [extended.sourceServerID],
      'the wave selected by staging account holds the server extended from it',
    );
    // dependency order: each wave started once the one before it finished
    for (let i = 1; i < report.waves.length; i++)
      assert.ok(
        (report.waves[i].startedAt ?? '') >= (report.waves[i - 1].finishedAt ?? '~'),
        report.waves[i].name,
      );

    // the emulator's witness: each launch and its cleanup in its own account and region
    const launches = await h.executed('StartRecovery');
    const where = (e: { accountId: string; region: string; request: unknown }) => [
      e.accountId,
      e.region,
      ((e.request as { sourceServers: { sourceServerID: string }[] }).sourceServers ?? []).map(
        (s) => s.sourceServerID,
      ),
    ];
    assert.deepEqual(launches.map(where), [
      [DEFAULT_ACCOUNT, REGION, [own]],
      [STAGING_ACCOUNT, REGION, [staged]],
      [DEFAULT_ACCOUNT, WEST, [west]],
      [DEFAULT_ACCOUNT, REGION, [extended.sourceServerID]],
    ]);
    const cleanups = await h.executed('TerminateRecoveryInstances');
    assert.deepEqual(
      cleanups.map((e) => `${e.accountId}/${e.region}`).sort(),
      [
        `${DEFAULT_ACCOUNT}/${REGION}`,
        `${DEFAULT_ACCOUNT}/${REGION}`,
        `${DEFAULT_ACCOUNT}/${WEST}`,
        `${STAGING_ACCOUNT}/${REGION}`,
      ].sort(),
    );
    assert.deepEqual(await h.drillInstancesLeft(), []);
    // and each job took its place in its own account's and region's capacity queue
    for (const [region, accountId] of [
      [REGION, undefined],
      [REGION, STAGING_ACCOUNT],
      [WEST, undefined],
    ] as const) {
      const queue = await h.env.client.workflow
        .getHandle(capacityWorkflowId(h.taskQueue, region, accountId))
        .describe();
      assert.equal(queue.type, 'drsCapacity', `${accountId ?? 'own'} ${region}`);
    }
  });

  it('refuses a plan naming an account whose role cannot be assumed, naming it, before anything is resolved or launched', async () => {
    const other = '777788889999';
    await h.emulator.control.accessDenied({ operations: ['sts:AssumeRole'] });
    const handle = await startPlan({
      region: REGION,
      waves: [
        { name: 'db', tags: { Tier: 'db' } },
        { name: 'far', accountId: other, region: WEST, tags: { Tier: 'web' } },
      ],
    });
    const { result, failure } = await resultOf<PlanReport>(h, handle);
    assert.equal(result, undefined);
    assert.equal(failure?.type, 'Refused');
    assert.match(
      failure?.message ?? '',
      /^refused before any wave started: the worker cannot reach account 777788889999: 777788889999 us-west-2: .*AssumeRole/,
    );
    const report = failure?.details?.[0] as PlanReport;
    assert.equal(report.outcome, 'FAILED');
    assert.deepEqual(
      report.waves.map((w) => w.status),
      ['PENDING', 'PENDING'],
    );
    assert.deepEqual(await mutatingCalls(h), []);
    const listings = (await h.emulator.control.audit({ operation: 'DescribeSourceServers' })).map(
      (e) => (e.request as { maxResults?: number }).maxResults,
    );
    assert.deepEqual(
      listings,
      [1],
      "only the account check's one-item read: no wave's servers were resolved",
    );
  });
});
