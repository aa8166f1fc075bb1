// The scenarios for what happens inside launched instances, set through the control client and
// seen through the real EC2, SSM and DRS clients: a failed boot (impaired, kernel panic on the
// console), a missing SSM agent, a failing or timing-out command, a failing launch action.
import assert from 'node:assert/strict';
import { DescribeInstanceStatusCommand, GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  type GetCommandInvocationCommandOutput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { describeJob, fixture, launched, serverNamed, type Fixture } from './support';

const SHELL = { DocumentName: 'AWS-RunShellScript', Parameters: { commands: ['systemctl is-active nginx'] } };

async function onlineIds(ssm: SSMClient, ids: string[]): Promise<string[]> {
  const { InstanceInformationList = [] } = await ssm.send(
    new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: ids }] }),
  );
  return InstanceInformationList.filter((i) => i.PingStatus === 'Online').map((i) => i.InstanceId as string);
}

/** Sends the command once the agent is Online and follows the invocation to its end. */
async function runToEnd(
  f: Fixture,
  ssm: SSMClient,
  id: string,
  timeout = 60,
): Promise<GetCommandInvocationCommandOutput> {
  for (let s = 0; (await onlineIds(ssm, [id])).length === 0; s++) {
    if (s > 600) throw new Error('agent never online');
    f.advance(1);
  }
  const { Command } = await ssm.send(
    new SendCommandCommand({ ...SHELL, InstanceIds: [id], TimeoutSeconds: timeout }),
  );
  for (let s = 0; s < 2 * timeout + 60; s++) {
    f.advance(1);
    const out = await ssm
      .send(new GetCommandInvocationCommand({ CommandId: Command?.CommandId, InstanceId: id }))
      .catch(() => undefined);
    if (out && !['Pending', 'InProgress'].includes(out.Status as string)) return out;
  }
  throw new Error('invocation never ended');
}

describe('emulator: scenarios inside launched instances', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.close());

  it('bootFailure: instance status impaired after boot, kernel panic on the console, no agent', async () => {
    const ec2 = f.ec2();
    const ssm = f.ssm();
    const bad = await serverNamed(f, 'web-01');
    const good = await serverNamed(f, 'web-02');
    await f.emulator.control.scenario({ type: 'bootFailure', sourceServerIds: [bad] });
    const { instanceIds } = await launched(f, [bad, good]);
    f.advance(60);
    const { InstanceStatuses = [] } = await ec2.send(
      new DescribeInstanceStatusCommand({ InstanceIds: instanceIds }),
    );
    const byId = new Map(InstanceStatuses.map((s) => [s.InstanceId, s]));
    const failed = byId.get(instanceIds[0]);
    assert.equal(failed?.InstanceStatus?.Status, 'impaired');
    assert.equal(failed?.InstanceStatus?.Details?.[0]?.Status, 'failed');
    assert.ok(failed?.InstanceStatus?.Details?.[0]?.ImpairedSince instanceof Date);
    assert.equal(failed?.SystemStatus?.Status, 'ok');
    assert.equal(byId.get(instanceIds[1])?.InstanceStatus?.Status, 'ok');
    const { Output } = await ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceIds[0] }));
    const log = Buffer.from(Output as string, 'base64').toString('utf8');
    assert.match(log, /Kernel panic - not syncing/);
    assert.doesNotMatch(log, /login:/);
    assert.deepEqual(await onlineIds(ssm, instanceIds), [instanceIds[1]]);
  });

  it('bootFailure with a console text of its own', async () => {
    const ec2 = f.ec2();
    const web = await serverNamed(f, 'web-01');
    await f.emulator.control.scenario({
      type: 'bootFailure',
      sourceServerIds: [web],
      console: 'GRUB: no such partition',
    });
    const { instanceIds } = await launched(f, [web]);
    f.advance(60);
    const { Output } = await ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceIds[0] }));
    assert.match(Buffer.from(Output as string, 'base64').toString('utf8'), /GRUB: no such partition/);
  });

  it('ssmAgentMissing: the instance boots (status ok) but never registers', async () => {
    const ec2 = f.ec2();
    const ssm = f.ssm();
    const web = await serverNamed(f, 'web-01');
    await f.emulator.control.scenario({ type: 'ssmAgentMissing', sourceServerIds: [web] });
    const { job, instanceIds } = await launched(f, [web]);
    f.advance(600);
    const { InstanceStatuses = [] } = await ec2.send(
      new DescribeInstanceStatusCommand({ InstanceIds: instanceIds }),
    );
    assert.equal(InstanceStatuses[0].InstanceStatus?.Status, 'ok');
    assert.deepEqual(await onlineIds(ssm, instanceIds), []);
    await assert.rejects(ssm.send(new SendCommandCommand({ ...SHELL, InstanceIds: instanceIds })), {
      name: 'InvalidInstanceId',
    });
    const done = await describeJob(f.drsClient, job.jobID as string);
    assert.equal(done.participatingServers?.[0]?.launchActionsStatus, undefined);
  });

  it('commandFailure: invocations end Failed with the exit code and output (defaults 3, "inactive")', async () => {
    const ssm = f.ssm();
    const web1 = await serverNamed(f, 'web-01');
    const web2 = await serverNamed(f, 'web-02');
    await f.emulator.control.scenario({ type: 'commandFailure', sourceServerIds: [web1] });
    await f.emulator.control.scenario({
      type: 'commandFailure',
      sourceServerIds: [web2],
      exitCode: 1,
      output: 'dead\n',
    });
    const { instanceIds } = await launched(f, [web1, web2]);
    const first = await runToEnd(f, ssm, instanceIds[0]);
    assert.equal(first.Status, 'Failed');
    assert.equal(first.ResponseCode, 3);
    assert.equal(first.StandardOutputContent, 'inactive\n');
    assert.match(first.StandardErrorContent ?? '', /exit status 3/);
    const second = await runToEnd(f, ssm, instanceIds[1]);
    assert.equal(second.ResponseCode, 1);
    assert.equal(second.StandardOutputContent, 'dead\n');
  });

  it('commandTimeout: invocations stay InProgress until TimeoutSeconds, then TimedOut', async () => {
    const ssm = f.ssm();
    const web = await serverNamed(f, 'web-01');
    await f.emulator.control.scenario({ type: 'commandTimeout', sourceServerIds: [web] });
    const { instanceIds } = await launched(f, [web]);
    const sentAt = f.now();
    const out = await runToEnd(f, ssm, instanceIds[0], 45);
    assert.equal(out.Status, 'TimedOut');
    assert.equal(out.StatusDetails, 'ExecutionTimedOut');
    assert.ok(f.now() - sentAt >= 45_000);
  });

  it('launchActionFailure: a run ends FAILED with a reason (an emulated action where none is configured)', async () => {
    const web = await serverNamed(f, 'web-01');
    await f.emulator.control.scenario({
      type: 'launchActionFailure',
      sourceServerIds: [web],
      actionName: 'nginx-check',
      optional: true,
    });
    const { job } = await launched(f, [web]);
    f.advance(120);
    const done = await describeJob(f.drsClient, job.jobID as string);
    const runs = done.participatingServers?.[0]?.launchActionsStatus?.runs ?? [];
    assert.equal(runs.length, 1);
    assert.equal(runs[0].status, 'FAILED');
    assert.equal(runs[0].action?.name, 'nginx-check');
    assert.equal(runs[0].action?.optional, true);
    assert.match(runs[0].failureReason ?? '', /failed/);
  });

  it('refuses scenarios with bad fields or unknown servers', async () => {
    await assert.rejects(
      f.emulator.control.scenario({
        type: 'commandFailure',
        sourceServerIds: [await serverNamed(f, 'web-01')],
        exitCode: 0,
      }),
      /exitCode/,
    );
    await assert.rejects(
      f.emulator.control.scenario({ type: 'bootFailure', sourceServerIds: ['s-00000000000000000'] }),
      /unknown source servers/,
    );
  });
});
