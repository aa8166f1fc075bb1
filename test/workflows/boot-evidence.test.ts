// Boot evidence on the time-skipping server against the emulator's EC2 and SSM, through the real
// SDK clients: a drill's SUCCEEDED means booted and checked. A server whose instance status check
// fails makes the drill PARTIAL with its console excerpt while the others carry passed status
// checks and their time to healthy, and all are cleaned up; an ssm check passes on healthy
// instances and fails, with its output, where the command fails; SSM checks refused by a worker
// that has them off; a plan wave that starts its dependants once healthy. The emulator's audit is
// the witness that EC2 and SSM were asked only about (and only sent commands to) the run's own
// instances.
import { strict as assert } from 'node:assert';
import { DescribeSourceServersCommand } from '@aws-sdk/client-drs';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { excerptText } from '../../common/boot-evidence';
import type { DrillReport } from '../../common/types';
import type { RecoveryReport } from '../../common/types-lifecycle';
import type { PlanReport } from '../../common/types-plan';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { resultOf, workflowId } from './lifecycle-support';

const ALLOWED = { enabled: true, allowedDocuments: ['AWS-RunShellScript', 'AWS-RunPowerShellScript'] };
const nginx = {
  type: 'ssm',
  name: 'nginx',
  commands: ['systemctl is-active nginx'],
  outputPattern: '^active',
};

/** Healthy Linux servers: AWS-RunShellScript does not run on the emulator's Windows servers. */
async function healthyLinuxServers(h: DrillHarness, count: number): Promise<string[]> {
  const healthy = await h.healthyServers(5);
  const { items = [] } = await h.drsClient.send(
    new DescribeSourceServersCommand({ filters: { sourceServerIDs: healthy } }),
  );
  const linux = items
    .filter((s) => !/windows/i.test(s.sourceProperties?.os?.fullString ?? ''))
    .map((s) => s.sourceServerID as string);
  assert.ok(linux.length >= count, `only ${linux.length} healthy Linux servers`);
  return healthy.filter((id) => linux.includes(id)).slice(0, count);
}

/** Every EC2 instance id the audited calls of `operation` named. */
async function instancesAskedAbout(h: DrillHarness, operation: string): Promise<string[]> {
  const entries = await h.emulator.control.audit({ operation });
  return [...new Set(entries.flatMap((e) => JSON.stringify(e.request).match(/\bi-[0-9a-f]{8,}\b/g) ?? []))];
}

/** The EC2 instances DRS launched for the drill (its own instances), from its report. */
const ec2InstancesOf = (report: DrillReport): string[] =>
  report.servers.flatMap((s) => (s.ec2InstanceId ? [s.ec2InstanceId] : []));

describe('boot evidence (time-skipping server + emulator EC2/SSM)', function () {
  this.timeout(180_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness), { guestChecks: ALLOWED });

  it('a 3-server drill with one instance that does not boot ends PARTIAL: console excerpt, the others healthy, all cleaned up', async () => {
    const servers = await h.healthyServers(3);
    const [, broken] = servers;
    await h.emulator.control.scenario({ type: 'bootFailure', sourceServerIds: [broken] });
    const { report, error } = await h.outcome(
      await h.startDrill({ sourceServerIds: servers, region: REGION }),
    );
    assert.ifError(error);
    assert.ok(report);
    assert.equal(report.outcome, 'PARTIAL', report.summary);
    assert.equal(report.rtoMeasure, 'timeToHealthy');
    for (const s of report.servers) {
      assert.equal(s.terminated, true, `${s.sourceServerId} cleaned up`);
      if (s.sourceServerId === broken) {
        assert.equal(s.boot?.result, 'FAILED');
        assert.match(s.boot?.reason ?? '', /impaired/);
        assert.match(s.errors.join('\n'), /^boot: EC2 status check impaired/m);
        assert.match(
          excerptText(s.boot?.console ?? { first: [], last: [], omittedLines: 0 }),
          /Kernel panic|INACCESSIBLE_BOOT_DEVICE/,
        );
        assert.equal(s.timeToHealthySeconds, undefined);
      } else {
        assert.equal(s.boot?.result, 'PASSED', JSON.stringify(s.boot));
        assert.equal(s.boot?.statusChecks?.system, 'ok');
        assert.equal(s.boot?.statusChecks?.instance, 'ok');
        assert.ok(s.boot?.statusChecks?.passedAt);
        assert.ok(s.timeToHealthySeconds !== undefined && s.timeToLaunchSeconds !== undefined);
        assert.ok(s.timeToHealthySeconds > s.timeToLaunchSeconds, 'healthy after launched');
        assert.equal(s.errors.length, 0);
      }
    }
    assert.ok((report.phaseDurations.booting ?? 0) > 0);
    assert.deepEqual(await h.drillInstancesLeft(), []);
    const ours = ec2InstancesOf(report);
    const asked = await instancesAskedAbout(h, 'ec2:DescribeInstanceStatus');
    assert.ok(asked.length === 3, `asked about ${asked.join(', ')}`);
    assert.deepEqual(
      asked.filter((id) => !ours.includes(id)),
      [],
      'DescribeInstanceStatus only for the drill instances',
    );
    // batched: the three waits share calls (one DescribeInstanceStatus names several instances)
    const calls = await h.emulator.control.audit({ operation: 'ec2:DescribeInstanceStatus' });
    const idsPerCall = calls.map((e) => new Set(JSON.stringify(e.request).match(/\bi-[0-9a-f]{8,}\b/g)).size);
    assert.ok(Math.max(...idsPerCall) > 1, `instances per call: ${idsPerCall.join(', ')}`);
    const consoles = await instancesAskedAbout(h, 'ec2:GetConsoleOutput');
    assert.equal(consoles.length, 1, 'the console of the one that did not boot');
    assert.equal((await h.executed('TerminateRecoveryInstances')).length, 1);
  });

  it("an ssm check passes on healthy instances and fails, with its output, where the command fails; commands only to the run's instances", async () => {
    const servers = await healthyLinuxServers(h, 2);
    const [good, failing] = servers;
    await h.emulator.control.scenario({ type: 'commandFailure', sourceServerIds: [failing] });
    const { report, error } = await h.outcome(
      await h.startDrill({ sourceServerIds: servers, region: REGION, checks: [nginx] }),
    );
    assert.ifError(error);
    assert.ok(report);
    assert.equal(report.outcome, 'PARTIAL', report.summary);
    const row = (id: string) => report.servers.find((s) => s.sourceServerId === id);
    const passed = row(good)?.boot;
    assert.equal(passed?.result, 'PASSED', JSON.stringify(passed));
    assert.ok(passed?.ssmAgent?.onlineAt);
    const check = passed?.checks?.[0];
    assert.equal(check?.passed, true);
    assert.equal(check?.exitCode, 0);
    assert.deepEqual(check?.commands, ['systemctl is-active nginx']);
    assert.deepEqual(check?.output?.first, ['active']);
    assert.ok(check?.durationSeconds !== undefined);
    const failed = row(failing)?.boot;
    assert.equal(failed?.result, 'FAILED');
    assert.equal(failed?.checks?.[0]?.exitCode, 3);
    assert.deepEqual(failed?.checks?.[0]?.output?.first, ['inactive']);
    assert.match(failed?.reason ?? '', /in-guest check nginx failed: exit code 3, expected 0/);
    assert.ok((row(good)?.timeToHealthySeconds ?? 0) > 0);
    assert.equal(row(failing)?.timeToHealthySeconds, undefined);

    const ours = ec2InstancesOf(report);
    const sent = await instancesAskedAbout(h, 'ssm:SendCommand');
    assert.equal(sent.length, 2);
    assert.deepEqual(
      sent.filter((id) => !ours.includes(id)),
      [],
      'SendCommand only to the drill instances',
    );
    assert.deepEqual(await h.drillInstancesLeft(), []);
  });

  it('a failed launch action fails its server, naming the action and reason; an optional one is reported', async () => {
    const [required, optional, plain] = await h.healthyServers(3);
    await h.emulator.control.scenario({
      type: 'launchActionFailure',
      sourceServerIds: [required],
      actionName: 'volume-integrity',
    });
    await h.emulator.control.scenario({
      type: 'launchActionFailure',
      sourceServerIds: [optional],
      actionName: 'cloudwatch-agent',
      optional: true,
    });
    const { report } = await h.outcome(
      await h.startDrill({ sourceServerIds: [required, optional, plain], region: REGION }),
    );
    assert.equal(report?.outcome, 'PARTIAL', report?.summary);
    const row = (id: string) => report?.servers.find((s) => s.sourceServerId === id);
    assert.equal(row(required)?.boot?.result, 'FAILED');
    assert.match(row(required)?.boot?.reason ?? '', /^launch action "volume-integrity" failed: \S/);
    const reported = row(optional)?.boot;
    assert.equal(reported?.result, 'PASSED', reported?.reason);
    assert.deepEqual(
      reported?.launchActions?.map((a) => [a.actionName, a.status, a.optional]),
      [['cloudwatch-agent', 'FAILED', true]],
    );
    assert.ok(reported?.ssmAgent?.discoveredAt, 'DRS saw the SSM agent');
    assert.equal(row(plain)?.boot?.result, 'PASSED');
    assert.deepEqual(await h.drillInstancesLeft(), []);
  });

  it('an SSM agent that never registers and a command that times out fail their servers by name', async () => {
    const [silent, slow] = await healthyLinuxServers(h, 2);
    await h.emulator.control.scenario({ type: 'ssmAgentMissing', sourceServerIds: [silent] });
    await h.emulator.control.scenario({ type: 'commandTimeout', sourceServerIds: [slow] });
    const { report } = await h.outcome(
      await h.startDrill({
        sourceServerIds: [silent, slow],
        region: REGION,
        bootCheck: { deadlineSeconds: 900 },
        checks: [{ ...nginx, timeoutSeconds: 60 }],
      }),
    );
    assert.equal(report?.outcome, 'FAILED', report?.summary);
    const row = (id: string) => report?.servers.find((s) => s.sourceServerId === id)?.boot;
    assert.equal(row(silent)?.statusChecks?.instance, 'ok', 'it booted');
    assert.match(row(silent)?.reason ?? '', /SSM agent was not Online within 900s/);
    assert.equal(row(slow)?.checks?.[0]?.status, 'TimedOut');
    assert.match(row(slow)?.reason ?? '', /in-guest check nginx failed: the command ended TimedOut/);
    assert.deepEqual(await h.drillInstancesLeft(), []);
  });

  it('a failover follows its recovery instances too: one that does not boot makes it PARTIAL, none is terminated', async () => {
    const servers = await h.healthyServers(2);
    await h.emulator.control.scenario({ type: 'bootFailure', sourceServerIds: [servers[0]] });
    const handle: WorkflowHandle = await h.env.client.workflow.start('drsRecovery', {
      args: [{ sourceServerIds: servers, region: REGION, confirm: true }],
      taskQueue: h.taskQueue,
      workflowId: workflowId('failover-boot'),
    });
    const { result: report, failure } = await resultOf<RecoveryReport>(h, handle);
    assert.ifError(failure);
    assert.equal(report?.outcome, 'PARTIAL', report?.summary);
    const [broken, good] = servers.map((id) => report?.servers.find((s) => s.sourceServerId === id));
    assert.equal(broken?.boot?.result, 'FAILED');
    assert.ok(broken?.boot?.console);
    assert.equal(good?.boot?.result, 'PASSED');
    assert.ok(good?.timeToHealthySeconds);
    assert.equal((await h.executed('TerminateRecoveryInstances')).length, 0, 'a failover terminates nothing');
  });

  it('turned off, nothing is looked at after launch and the report says not checked', async () => {
    const servers = await h.healthyServers(1);
    const { report } = await h.outcome(
      await h.startDrill({ sourceServerIds: servers, region: REGION, bootCheck: { enabled: false } }),
    );
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.deepEqual(report?.servers[0].boot, { result: 'NOT_CHECKED', reason: 'boot check turned off' });
    assert.equal(report?.rtoMeasure, 'timeToLaunch');
    assert.deepEqual(await instancesAskedAbout(h, 'ec2:DescribeInstanceStatus'), []);
  });

  it('a plan wave with dependentsStartWhen "healthy" starts its dependant once healthy, while its own drill still holds', async () => {
    const [db, app] = await h.healthyServers(2);
    const handle: WorkflowHandle = await h.env.client.workflow.start('drsPlan', {
      args: [
        {
          region: REGION,
          waves: [
            {
              name: 'db',
              sourceServerIds: [db],
              dependentsStartWhen: 'healthy',
              options: { validation: { mode: 'hold', holdSeconds: 3600 } },
            },
            { name: 'app', sourceServerIds: [app] },
          ],
        },
      ],
      taskQueue: h.taskQueue,
      workflowId: workflowId('plan-healthy'),
    });
    const { result: report, failure } = await resultOf<PlanReport>(h, handle);
    assert.ifError(failure);
    assert.ok(report);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const [dbWave, appWave] = report.waves;
    assert.ok(dbWave.healthyAt && appWave.startedAt && dbWave.finishedAt);
    assert.ok(Date.parse(appWave.startedAt) >= Date.parse(dbWave.healthyAt), 'app waited for db health');
    assert.ok(Date.parse(appWave.startedAt) < Date.parse(dbWave.finishedAt), 'without waiting out its hold');
    assert.equal(dbWave.children[0].healthy, true);
    const dbRow = report.servers.find((s) => s.sourceServerId === db);
    assert.equal(dbRow?.boot?.result, 'PASSED');
    assert.ok(dbRow?.timeToHealthySeconds);
    assert.equal(report.rtoMeasure, 'timeToHealthy');
  });
});

describe('in-guest checks on a worker that has them off', function () {
  this.timeout(180_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  it('refuses the drill as InvalidInput naming the field and the rule, before any DRS call', async () => {
    // a server id of the right form: nothing may be looked up, so none is picked from the emulator
    const handle = await h.startDrill({
      sourceServerIds: ['s-aaaaaaaaaaaaaaaaa'],
      region: REGION,
      checks: [nginx],
    });
    const { error } = await h.outcome(handle);
    assert.ok(error instanceof WorkflowFailedError);
    const cause = error.cause as ApplicationFailure;
    assert.equal(cause.type, 'InvalidInput');
    assert.match(cause.message, /checks: SSM checks are off on this worker/);
    assert.equal((await h.emulator.control.audit()).length, 0, 'zero AWS calls');
  });

  it('refuses a plan whose wave options name in-guest checks, before any wave starts', async () => {
    const handle = await h.env.client.workflow.start('drsPlan', {
      args: [
        {
          region: REGION,
          waves: [{ name: 'web', sourceServerIds: ['s-aaaaaaaaaaaaaaaaa'], options: { checks: [nginx] } }],
        },
      ],
      taskQueue: h.taskQueue,
      workflowId: workflowId('plan-checks-off'),
    });
    const { failure } = await resultOf<PlanReport>(h, handle);
    assert.equal(failure?.type, 'InvalidInput');
    assert.match(failure?.message ?? '', /waves\.0\.options\.checks: SSM checks are off on this worker/);
    assert.equal((await h.emulator.control.audit()).length, 0, 'zero AWS calls');
  });
});
