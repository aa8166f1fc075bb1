// drsPlan on the time-skipping server against the DRS emulator: waves selected by tag run as
// drsDrill children in dependency order, approval gates, abort, a failed wave skipping its
// dependants, and bad plans refused before any DRS call. The emulator's audit is the witness.
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { XMLParser } from 'fast-xml-parser';
import { junitReport } from '../../client/reports/junit';
import type { OperationReport } from '../../common/reports/report';
import type { PlanInput } from '../../common/inputs-plan';
import type { PlanProgress, PlanReport } from '../../common/types-plan';
import { abortSignal, approveSignal } from '../../workflows/messages';
import { freePort } from '../helpers/temporal';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { resultOf, serverId, workflowId } from './lifecycle-support';

describe('drsPlan (time-skipping server + DRS emulator)', function () {
  this.timeout(180_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  const startPlan = (input: PlanInput | Record<string, unknown>): Promise<WorkflowHandle> =>
    h.env.client.workflow.start('drsPlan', {
      args: [input],
      taskQueue: h.taskQueue,
      workflowId: workflowId('plan-test'),
    });

  /** Web tier (Wave=1) then app tier (Wave=2), one server per app child. */
  const twoTierPlan = (extra: Record<string, unknown> = {}) => ({
    region: REGION,
    waves: [
      { name: 'web', tags: { Wave: '1' } },
      {
        name: 'app',
        tags: { Wave: '2' },
        dependsOn: ['web'],
        maxServersPerChild: 1,
        maxChildrenAtOnce: 2,
        ...extra,
      },
    ],
  });

  it('runs two tagged waves in order as drill children: one StartRecovery per child, no drill instance left', async () => {
    const handle = await startPlan(twoTierPlan());
    const { result: report, failure } = await resultOf<PlanReport>(h, handle);
    assert.ifError(failure);
    assert.ok(report);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const web = [await serverId(h, 'web-01'), await serverId(h, 'web-02')].sort();
    const inWave = (name: string) =>
      report.servers.filter((s) => s.wave === name).map((s) => s.sourceServerId);
    assert.deepEqual(inWave(report.waves[0].name).sort(), web, 'Wave=1 resolved to web-01 and web-02');
    const app = inWave(report.waves[1].name);
    // lean rows: a wave does not list its servers again, a terminated drill instance keeps no ids
    assert.ok(!('sourceServerIds' in report.waves[0]) && !('sourceServerIds' in report.waves[0].children[0]));
    for (const s of report.servers) {
      assert.equal(s.terminated, true);
      assert.deepEqual([s.recoveryInstanceId, s.ec2InstanceId, s.errors], [undefined, undefined, undefined]);
    }
    // Wave=2: app-01, app-02 and the staging server extended into this account
    assert.ok(app.includes(await serverId(h, 'app-01')) && app.includes(await serverId(h, 'app-02')));
    assert.deepEqual(
      report.waves.map((w) => [w.name, w.status, w.children.length]),
      [
        ['web', 'SUCCEEDED', 1],
        ['app', 'SUCCEEDED', app.length],
      ],
    );
    assert.equal(report.servers.length, 2 + app.length);
    for (const server of report.servers) {
      assert.equal(server.launchStatus, 'LAUNCHED', server.sourceServerId);
      assert.equal(server.terminated, true, `${server.sourceServerId}'s drill instance terminated`);
    }
    // the app wave started only after the web wave finished
    assert.ok((report.waves[1].startedAt ?? '') >= (report.waves[0].finishedAt ?? '~'));
    // the waves' drills (launch, cleanup) took workflow time, measured like any workflow's phases
    assert.ok((report.phaseDurations['running-waves'] ?? 0) > 0, JSON.stringify(report.phaseDurations));
    const launches = await h.executed('StartRecovery');
    assert.equal(launches.length, 1 + app.length, 'one StartRecovery per child (1 web + 1 per app server)');
    assert.deepEqual(await h.drillInstancesLeft(), []);
  });

  it('targets per plan, wave and server: a missed RTO leaves the plan SUCCEEDED, targetsMet false, a failed JUnit case', async () => {
    const web01 = await serverId(h, 'web-01');
    const handle = await startPlan({
      ...twoTierPlan({ targets: { rtoSeconds: 1 } }),
      targets: { rtoSeconds: 86400 },
      serverTargets: { [web01]: { rpoSeconds: 7 * 86400 } },
    });
    const { result: report, failure } = await resultOf<PlanReport>(h, handle);
    assert.ifError(failure);
    assert.ok(report);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.equal(report.targetsMet, false);
    // boot evidence ran (the default), so RTO is judged on time to healthy
    assert.equal(report.rtoMeasure, 'timeToHealthy');
    for (const s of report.servers) {
      const rto = s.targets?.rto;
      assert.ok(rto && rto.measuredSeconds === s.timeToHealthySeconds, s.sourceServerId);
      // the app wave's 1-s target wins over the plan's day; a launch takes the emulator longer
      assert.deepEqual([rto.targetSeconds, rto.met], s.wave === 'app' ? [1, false] : [86400, true]);
      assert.equal(s.targets?.rpo?.met, s.sourceServerId === web01 ? true : undefined);
    }
    // the children judged their own servers the same way
    const appChild = report.waves[1].children[0].workflowId;
    const childReport = await h.env.client.workflow.getHandle(appChild).result();
    assert.equal(childReport.targetsMet, false);
    const cases = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      junitReport(report as unknown as OperationReport),
    ).testsuites.testsuite.testcase as { name: string; failure?: { message: string } }[];
    const failed = cases.filter((c) => c.failure).map((c) => c.name);
    const app = report.servers.filter((s) => s.wave === 'app').map((s) => `${s.sourceServerId} RTO target`);
    assert.deepEqual(failed.sort(), app.sort());
  });

  it('pauses before a gated wave until approve, then runs it', async () => {
    const handle = await startPlan(twoTierPlan({ pauseBefore: true }));
    const waiting = await h.waitForProgress<PlanProgress>(handle, (p) => p.awaitingApproval.length > 0);
    assert.deepEqual(waiting.awaitingApproval, ['app']);
    assert.equal((await h.executed('StartRecovery')).length, 1, 'only the web wave launched so far');
    await handle.signal(approveSignal, { by: 'alice' });
    const { result: report } = await resultOf<PlanReport>(h, handle);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.deepEqual(
      report?.approvals.map((a) => [a.by, a.gate]),
      [['alice', 'wave "app"']],
    );
    assert.equal((await h.executed('StartRecovery')).length, 1 + (report?.waves[1].children.length ?? 0));
    assert.deepEqual(await h.drillInstancesLeft(), []);
  });

  it('abort at the gate: the second wave never starts and the plan is ABORTED', async () => {
    const handle = await startPlan(twoTierPlan({ pauseBefore: true }));
    await h.waitForProgress<PlanProgress>(handle, (p) => p.awaitingApproval.length > 0);
    await handle.signal(abortSignal, { reason: 'change freeze' });
    const { result: report } = await resultOf<PlanReport>(h, handle);
    assert.equal(report?.outcome, 'ABORTED');
    assert.equal(report?.waves[1].status, 'ABORTED');
    assert.equal(report?.waves[1].children.length, 0);
    const app = report?.servers.filter((s) => s.wave === 'app') ?? [];
    assert.ok(app.length > 0 && app.every((s) => s.launchStatus === 'NOT_LAUNCHED'));
    assert.equal((await h.executed('StartRecovery')).length, 1, 'the app wave was never launched');
    assert.deepEqual(await h.drillInstancesLeft(), []);
  });

  it('a failed wave skips the wave that depends on it', async () => {
    const handle = await startPlan({
      region: REGION,
      waves: [
        { name: 'legacy', sourceServerIds: [await serverId(h, 'legacy-01')] },
        { name: 'web', tags: { Wave: '1' } },
      ],
    });
    const { result: report } = await resultOf<PlanReport>(h, handle);
    assert.equal(report?.outcome, 'FAILED', report?.summary);
    assert.equal(report?.waves[0].status, 'FAILED');
    assert.match(report?.waves[0].children[0].summary ?? '', /DISCONNECTED/);
    assert.equal(report?.waves[1].status, 'SKIPPED');
    assert.match(report?.waves[1].reason ?? '', /depends on wave "legacy"/);
    assert.equal((await h.executed('StartRecovery')).length, 0);
  });

  it('runs a confirmed recovery wave as drsRecovery children and leaves their instances running', async () => {
    const web = [await serverId(h, 'web-01'), await serverId(h, 'web-02')];
    const handle = await startPlan({
      region: REGION,
      confirm: true,
      waves: [{ name: 'web', action: 'recovery', sourceServerIds: web }],
    });
    const { result: report, failure } = await resultOf<PlanReport>(h, handle);
    assert.ifError(failure);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.deepEqual(
      report?.waves[0].children.map((c) => c.workflowType),
      ['drsRecovery'],
    );
    const launches = await h.executed('StartRecovery');
    assert.deepEqual(
      launches.map((e) => (e.request as { isDrill?: boolean }).isDrill),
      [false],
      'one real (isDrill=false) launch',
    );
    assert.equal((await h.executed('TerminateRecoveryInstances')).length, 0, 'a recovery terminates nothing');
    const state = await h.emulator.control.state();
    const running = state.recoveryInstances.filter(
      (i) => !i.isDrill && web.includes(i.sourceServerID) && i.ec2InstanceState !== 'TERMINATED',
    );
    assert.equal(running.length, 2, 'both recovery instances still run');
  });

  it('is PARTIAL when one of two independent waves fails, and names the failed server', async () => {
    const [web1, web2] = [await serverId(h, 'web-01'), await serverId(h, 'web-02')];
    await h.emulator.control.scenario({ type: 'launchFailure', sourceServerIds: [web2] });
    const handle = await startPlan({
      region: REGION,
      waves: [
        { name: 'first', sourceServerIds: [web1] },
        { name: 'second', sourceServerIds: [web2], dependsOn: [] },
      ],
    });
    const { result: report } = await resultOf<PlanReport>(h, handle);
    assert.equal(report?.outcome, 'PARTIAL', report?.summary);
    assert.deepEqual(
      report?.waves.map((w) => [w.name, w.status]),
      [
        ['first', 'SUCCEEDED'],
        ['second', 'FAILED'],
      ],
    );
    const failed = report?.servers.find((s) => s.sourceServerId === web2);
    assert.equal(failed?.launchStatus, 'FAILED');
    assert.match(failed?.errors?.join(' ') ?? '', /LAUNCH_FAILED/);
    assert.deepEqual(await h.drillInstancesLeft(), [], 'the successful drill cleaned up');
  });

  it('cancelled while a drill child waits on its launch: the child still cleans up, the plan ends cancelled', async () => {
    await h.emulator.control.scenario({ type: 'jobStuckPending', seconds: 3600 });
    const handle = await startPlan({ region: REGION, waves: [{ name: 'web', tags: { Wave: '1' } }] });
    const running = await h.waitForProgress<PlanProgress>(handle, (p) => p.waves[0]?.children.length > 0);
    const childId = running.waves[0].children[0].workflowId;
    await handle.cancel();
    await assert.rejects(h.result(handle), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure, `${err}`);
      return true;
    });
    const child = h.env.client.workflow.getHandle(childId);
    await assert.rejects(h.result(child), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure, `${err}`);
      return true;
    });
    assert.equal((await h.executed('StartRecovery')).length, 1);
    assert.equal((await h.executed('TerminateRecoveryInstances')).length, 1);
    assert.deepEqual(
      await h.drillInstancesLeft(),
      [],
      'the drill child cleaned up after the launch job ended',
    );
  });

  describe('wave checks (HTTP/TCP against named hosts)', () => {
    let web: Server;
    let webPort: number;
    before(async () => {
      web = createServer((_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
      webPort = (web.address() as AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => web.close(() => resolve())));

    it('a failing pre-check launches nothing and skips the waves that depend on it', async () => {
      const closedPort = await freePort();
      const handle = await startPlan({
        region: REGION,
        waves: [
          {
            name: 'app',
            sourceServerIds: [await serverId(h, 'app-01')],
            preChecks: {
              checks: [{ type: 'tcp', port: closedPort }],
              hosts: ['127.0.0.1'],
              timeoutSeconds: 600,
            },
          },
          { name: 'web', sourceServerIds: [await serverId(h, 'web-01')] },
        ],
      });
      const { result: report } = await resultOf<PlanReport>(h, handle);
      assert.equal(report?.outcome, 'FAILED', report?.summary);
      const [app, webWave] = report?.waves ?? [];
      assert.equal(app.status, 'FAILED');
      assert.match(
        app.reason ?? '',
        new RegExp(`pre-checks failed, nothing launched: 127\\.0\\.0\\.1: .*${closedPort}`),
      );
      assert.deepEqual(
        app.checks?.map((c) => [c.stage, c.host, c.passed]),
        [['pre', '127.0.0.1', false]],
      );
      assert.equal(webWave.status, 'SKIPPED');
      assert.equal((await h.executed('StartRecovery')).length, 0, 'nothing launched');
    });

    it('passing pre-checks let the wave run; a failing post-check fails it', async () => {
      const closedPort = await freePort();
      const handle = await startPlan({
        region: REGION,
        waves: [
          {
            name: 'web',
            sourceServerIds: [await serverId(h, 'web-01')],
            preChecks: { checks: [{ type: 'http', port: webPort, path: '/health' }], hosts: ['127.0.0.1'] },
            postChecks: {
              checks: [{ type: 'tcp', port: closedPort }],
              hosts: ['127.0.0.1'],
              timeoutSeconds: 300,
            },
          },
        ],
      });
      const { result: report } = await resultOf<PlanReport>(h, handle);
      const wave = report?.waves[0];
      assert.equal(wave?.status, 'FAILED', report?.summary);
      assert.match(wave?.reason ?? '', /^post-checks failed: 127\.0\.0\.1: /);
      assert.deepEqual(
        wave?.checks?.map((c) => [c.stage, c.passed]),
        [
          ['pre', true],
          ['post', false],
        ],
      );
      assert.equal(wave?.children[0].outcome, 'SUCCEEDED', 'the drill itself ran and cleaned up');
      assert.equal((await h.executed('StartRecovery')).length, 1);
      assert.deepEqual(await h.drillInstancesLeft(), []);
    });
  });

  it('refuses a plan that would need more than 500 child workflows, before launching anything', async () => {
    await h.emulator.control.addServers({ count: 501, tags: { Wave: 'huge' } });
    const handle = await startPlan({
      region: REGION,
      waves: [{ name: 'huge', tags: { Wave: 'huge' }, maxServersPerChild: 1 }],
    });
    const { failure } = await resultOf(h, handle);
    assert.equal(failure?.type, 'Refused');
    assert.match(failure?.message ?? '', /needs 501 child workflows, more than 500 .*maxServersPerChild/);
    assert.deepEqual(await h.executed('StartRecovery'), []);
  });

  for (const [name, waves, problem] of [
    [
      'a dependency cycle',
      [
        { name: 'a', tags: { Wave: '1' }, dependsOn: ['b'] },
        { name: 'b', tags: { Wave: '2' } },
      ],
      /dependency cycle: a → b → a/,
    ],
    ['an unknown wave', [{ name: 'a', tags: { Wave: '1' }, dependsOn: ['nope'] }], /unknown wave "nope"/],
  ] as const) {
    it(`refuses ${name} with InvalidInput and makes no DRS call`, async () => {
      const { failure } = await resultOf(h, await startPlan({ region: REGION, waves }));
      assert.equal(failure?.type, 'InvalidInput');
      assert.match(failure?.message ?? '', problem);
      assert.deepEqual(await h.emulator.control.audit(), [], 'DRS saw no call at all');
    });
  }
});
