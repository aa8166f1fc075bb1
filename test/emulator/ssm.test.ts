// SSM for the instances the emulator launches, through @aws-sdk/client-ssm over HTTP: the agent
// registers during boot, Run Command only reaches this account's Online instances, and each
// invocation goes InvocationDoesNotExist → Pending → InProgress → Success on the emulator clock.
import assert from 'node:assert/strict';
import { DescribeInstanceStatusCommand } from '@aws-sdk/client-ec2';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { fixture, launched, serverNamed, type Fixture } from './support';

const SHELL = { DocumentName: 'AWS-RunShellScript', Parameters: { commands: ['systemctl is-active nginx'] } };

/** Advances until every instance's agent is Online. */
async function untilOnline(f: Fixture, ssm: SSMClient, ids: string[]): Promise<void> {
  for (let s = 0; s < 3600; s++) {
    const { InstanceInformationList = [] } = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: ids }] }),
    );
    if (InstanceInformationList.filter((i) => i.PingStatus === 'Online').length === ids.length) return;
    f.advance(1);
  }
  throw new Error('agents never registered');
}

describe('emulator: SSM for launched instances', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.close());

  it('registers the agent during boot (before the status checks pass)', async () => {
    const ssm = f.ssm();
    const ec2 = f.ec2();
    const { instanceIds } = await launched(f, [await serverNamed(f, 'web-01')]);
    const before = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: instanceIds }] }),
    );
    assert.deepEqual(before.InstanceInformationList, []);
    await untilOnline(f, ssm, instanceIds);
    const { InstanceInformationList: [info] = [] } = await ssm.send(
      new DescribeInstanceInformationCommand({
        InstanceInformationFilterList: [{ key: 'InstanceIds', valueSet: instanceIds }],
      }),
    );
    assert.equal(info.InstanceId, instanceIds[0]);
    assert.equal(info.PingStatus, 'Online');
    assert.equal(info.PlatformType, 'Linux');
    assert.equal(info.ResourceType, 'EC2Instance');
    assert.ok(info.LastPingDateTime instanceof Date);
    const { InstanceStatuses = [] } = await ec2.send(
      new DescribeInstanceStatusCommand({ InstanceIds: instanceIds, IncludeAllInstances: true }),
    );
    assert.equal(InstanceStatuses[0].InstanceStatus?.Status, 'initializing', 'agent first, then checks ok');
  });

  it('runs a command: unknown at first, then Pending, InProgress and Success with "active"', async () => {
    const ssm = f.ssm();
    const { instanceIds } = await launched(f, [
      await serverNamed(f, 'web-01'),
      await serverNamed(f, 'web-02'),
    ]);
    await untilOnline(f, ssm, instanceIds);
    const { Command } = await ssm.send(
      new SendCommandCommand({
        ...SHELL,
        InstanceIds: instanceIds,
        TimeoutSeconds: 60,
        Comment: 'drill check',
      }),
    );
    assert.match(Command?.CommandId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(Command?.Status, 'Pending');
    assert.deepEqual(Command?.InstanceIds, instanceIds);
    assert.equal(Command?.TargetCount, 2);
    const ask = () =>
      ssm.send(
        new GetCommandInvocationCommand({ CommandId: Command?.CommandId, InstanceId: instanceIds[0] }),
      );
    await assert.rejects(ask(), { name: 'InvocationDoesNotExist' });
    const seen: string[] = [];
    let last;
    for (let s = 0; s < 60; s++) {
      f.advance(0.5);
      try {
        last = await ask();
      } catch {
        continue;
      }
      if (seen[seen.length - 1] !== last.Status) seen.push(last.Status as string);
      if (last.Status === 'Success') break;
    }
    assert.deepEqual(seen, ['Pending', 'InProgress', 'Success']);
    assert.equal(last?.ResponseCode, 0);
    assert.equal(last?.StandardOutputContent, 'active\n');
    assert.equal(last?.StandardErrorContent, '');
    assert.equal(last?.PluginName, 'aws:runShellScript');
    assert.ok(last?.ExecutionStartDateTime && last.ExecutionEndDateTime);
    f.advance(10);
    const { CommandInvocations = [] } = await ssm.send(
      new ListCommandInvocationsCommand({ CommandId: Command?.CommandId, Details: true }),
    );
    assert.deepEqual(CommandInvocations.map((i) => i.InstanceId).sort(), [...instanceIds].sort());
    assert.ok(CommandInvocations.every((i) => i.Status === 'Success'));
    assert.equal(CommandInvocations[0].CommandPlugins?.[0]?.Output, 'active\n');
    assert.equal(CommandInvocations[0].CommandPlugins?.[0]?.ResponseCode, 0);
  });

  it('refuses instances that are not this account’s Online instances, with SSM’s errors', async () => {
    const ssm = f.ssm();
    const { instanceIds } = await launched(f, [await serverNamed(f, 'web-01')]);
    // agent not registered yet
    await assert.rejects(ssm.send(new SendCommandCommand({ ...SHELL, InstanceIds: instanceIds })), {
      name: 'InvalidInstanceId',
    });
    await untilOnline(f, ssm, instanceIds);
    await assert.rejects(
      ssm.send(new SendCommandCommand({ ...SHELL, InstanceIds: ['i-0123456789abcdef0'] })),
      (err: Error) => err.name === 'InvalidInstanceId' && /i-0123456789abcdef0/.test(err.message),
    );
    await assert.rejects(
      f
        .ssm({ accountId: '444455556666' })
        .send(new SendCommandCommand({ ...SHELL, InstanceIds: instanceIds })),
      { name: 'InvalidInstanceId' },
    );
    await assert.rejects(
      ssm.send(new SendCommandCommand({ ...SHELL, InstanceIds: [instanceIds[0], instanceIds[0]] })),
      { name: 'DuplicateInstanceId' },
    );
    const many = Array.from({ length: 51 }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);
    await assert.rejects(ssm.send(new SendCommandCommand({ ...SHELL, InstanceIds: many })), {
      name: 'ValidationException',
    });
    await assert.rejects(
      ssm.send(new SendCommandCommand({ ...SHELL, InstanceIds: instanceIds, TimeoutSeconds: 10 })),
      { name: 'ValidationException' },
    );
    await assert.rejects(
      ssm.send(new SendCommandCommand({ DocumentName: 'AWS-NoSuchDocument', InstanceIds: instanceIds })),
      { name: 'InvalidDocument' },
    );
    await assert.rejects(
      ssm.send(new SendCommandCommand({ DocumentName: 'AWS-RunShellScript', InstanceIds: instanceIds })),
      { name: 'InvalidParameters' },
    );
  });

  it('refuses AWS-RunShellScript on Windows and runs AWS-RunPowerShellScript there', async () => {
    const ssm = f.ssm();
    const { instanceIds } = await launched(f, [await serverNamed(f, 'app-02')]);
    await untilOnline(f, ssm, instanceIds);
    await assert.rejects(ssm.send(new SendCommandCommand({ ...SHELL, InstanceIds: instanceIds })), {
      name: 'UnsupportedPlatformType',
    });
    const { Command } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunPowerShellScript',
        InstanceIds: instanceIds,
        Parameters: { commands: ['(Get-Service W3SVC).Status'] },
      }),
    );
    assert.equal(Command?.DocumentName, 'AWS-RunPowerShellScript');
  });

  it('keeps every SSM call in the audit with region, account and the instances named', async () => {
    const ssm = f.ssm();
    const { instanceIds } = await launched(f, [await serverNamed(f, 'web-01')]);
    await untilOnline(f, ssm, instanceIds);
    await f.emulator.control.clearAudit();
    await ssm.send(new SendCommandCommand({ ...SHELL, InstanceIds: instanceIds }));
    const audit = await f.emulator.control.audit({ operation: 'ssm:SendCommand' });
    assert.equal(audit.length, 1);
    assert.equal(audit[0].region, 'us-east-1');
    assert.equal(audit[0].accountId, '111122223333');
    assert.equal(audit[0].statusCode, 200);
    assert.deepEqual((audit[0].request as { InstanceIds: string[] }).InstanceIds, instanceIds);
    await f.emulator.control.accessDenied({ operations: ['ssm:SendCommand'] });
    await assert.rejects(ssm.send(new SendCommandCommand({ ...SHELL, InstanceIds: instanceIds })), {
      name: 'AccessDeniedException',
    });
  });
});
