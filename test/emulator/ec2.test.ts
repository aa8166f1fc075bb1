// EC2 for the instances the emulator launches, through @aws-sdk/client-ec2 over HTTP: status checks
// that follow the guest's boot on the emulator clock, console output, terminated instances, and
// EC2's errors for any instance the emulator did not launch.
import assert from 'node:assert/strict';
import {
  DescribeInstanceStatusCommand,
  GetConsoleOutputCommand,
  type EC2Client,
  type InstanceStatus,
} from '@aws-sdk/client-ec2';
import { TerminateRecoveryInstancesCommand } from '@aws-sdk/client-drs';
import { fixture, launched, runJobToCompletion, serverNamed, type Fixture } from './support';

async function statusOf(ec2: EC2Client, instanceId: string): Promise<InstanceStatus | undefined> {
  const { InstanceStatuses = [] } = await ec2.send(
    new DescribeInstanceStatusCommand({ InstanceIds: [instanceId], IncludeAllInstances: true }),
  );
  return InstanceStatuses[0];
}

/** Advances one second at a time until both checks left `initializing`; returns the seconds taken. */
async function secondsUntilBooted(
  f: Fixture,
  ec2: EC2Client,
  instanceId: string,
  max = 3600,
): Promise<number> {
  for (let s = 0; s <= max; s++) {
    const status = await statusOf(ec2, instanceId);
    if (status?.InstanceStatus?.Status !== 'initializing') return s;
    f.advance(1);
  }
  throw new Error(`${instanceId} still initializing after ${max} s`);
}

describe('emulator: EC2 for launched instances', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.close());

  it('reports both status checks initializing until the guest booted, then ok (demo: seconds)', async () => {
    const ec2 = f.ec2();
    const { instanceIds } = await launched(f, [await serverNamed(f, 'web-01')]);
    const [id] = instanceIds;
    const first = await statusOf(ec2, id);
    assert.equal(first?.InstanceId, id);
    assert.equal(first?.SystemStatus?.Status, 'initializing');
    assert.equal(first?.InstanceStatus?.Status, 'initializing');
    assert.equal(first?.InstanceStatus?.Details?.[0]?.Status, 'initializing');
    const seconds = await secondsUntilBooted(f, ec2, id);
    assert.ok(seconds >= 1 && seconds <= 15, `demo boot took ${seconds} s after the job ended`);
    const booted = await statusOf(ec2, id);
    assert.equal(booted?.InstanceState?.Name, 'running');
    assert.equal(booted?.InstanceState?.Code, 16);
    assert.equal(booted?.SystemStatus?.Status, 'ok');
    assert.equal(booted?.InstanceStatus?.Status, 'ok');
    assert.deepEqual(booted?.InstanceStatus?.Details, [{ Name: 'reachability', Status: 'passed' }]);
    assert.equal(booted?.AvailabilityZone, 'us-east-1a');
    // one call serves many instances: without ids it lists every running instance
    const { InstanceStatuses = [] } = await ec2.send(new DescribeInstanceStatusCommand({}));
    assert.deepEqual(
      InstanceStatuses.map((s) => s.InstanceId),
      [id],
    );
  });

  it('boots in minutes with realistic durations: Linux about 5, Windows about 20', async () => {
    await f.emulator.control.setConfig({ durations: 'realistic' });
    const ec2 = f.ec2();
    const linux = await serverNamed(f, 'web-01');
    const windows = await serverNamed(f, 'app-02');
    const { job, instanceIds } = await launched(f, [linux, windows], true);
    const ended = Date.parse(job.endDateTime as string);
    const bootedAt = async (id: string) => {
      for (;;) {
        const status = await statusOf(ec2, id);
        if (status?.InstanceStatus?.Status === 'ok') return f.now();
        f.advance(15);
      }
    };
    // each instance boots from its own launch, before the job ended
    const linuxMinutes = (await bootedAt(instanceIds[0])) - ended;
    const windowsMinutes = (await bootedAt(instanceIds[1])) - ended;
    assert.ok(linuxMinutes < 7 * 60_000, `Linux ok ${linuxMinutes / 60_000} min after the job ended`);
    assert.ok(windowsMinutes > 10 * 60_000, `Windows ok only ${windowsMinutes / 60_000} min after the job`);
    assert.ok(windowsMinutes < 25 * 60_000, `Windows ok ${windowsMinutes / 60_000} min after the job`);
  });

  it('scales boot time with timeScale', async () => {
    await f.emulator.control.setConfig({ durations: 'realistic', timeScale: 0.01 });
    const ec2 = f.ec2();
    const { instanceIds } = await launched(f, [await serverNamed(f, 'app-02')]);
    assert.ok((await secondsUntilBooted(f, ec2, instanceIds[0])) <= 20);
  });

  it('answers InvalidInstanceID.NotFound for instances it did not launch, Malformed for bad ids', async () => {
    const ec2 = f.ec2();
    const { instanceIds } = await launched(f, [await serverNamed(f, 'web-01')]);
    await assert.rejects(
      ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [instanceIds[0], 'i-0123456789abcdef0'] })),
      (err: Error) =>
        err.name === 'InvalidInstanceID.NotFound' && /'i-0123456789abcdef0' does not exist/.test(err.message),
    );
    await assert.rejects(ec2.send(new GetConsoleOutputCommand({ InstanceId: 'i-0123456789abcdef0' })), {
      name: 'InvalidInstanceID.NotFound',
    });
    await assert.rejects(ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: ['web-01'] })), {
      name: 'InvalidInstanceID.Malformed',
    });
    // another account sees none of this account's instances
    await assert.rejects(
      f
        .ec2({ accountId: '444455556666' })
        .send(new DescribeInstanceStatusCommand({ InstanceIds: instanceIds })),
      { name: 'InvalidInstanceID.NotFound' },
    );
    await assert.rejects(
      f.ec2({ region: 'eu-west-1' }).send(new DescribeInstanceStatusCommand({ InstanceIds: instanceIds })),
      { name: 'InvalidInstanceID.NotFound' },
    );
  });

  it('returns the boot log as base64 console output', async () => {
    const ec2 = f.ec2();
    const { instanceIds } = await launched(f, [await serverNamed(f, 'web-01')]);
    await secondsUntilBooted(f, ec2, instanceIds[0]);
    const out = await ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceIds[0], Latest: true }));
    assert.equal(out.InstanceId, instanceIds[0]);
    assert.ok(out.Timestamp instanceof Date);
    const log = Buffer.from(out.Output as string, 'base64').toString('utf8');
    assert.match(log, /Linux version/);
    assert.match(log, /Started amazon-ssm-agent/);
    assert.match(log, /web-01 login:/);
    assert.doesNotMatch(log, /Kernel panic/);
  });

  it('reports terminated instances with IncludeAllInstances, and forgets them an hour later', async () => {
    const ec2 = f.ec2();
    const { instanceIds } = await launched(f, [await serverNamed(f, 'web-01')]);
    await secondsUntilBooted(f, ec2, instanceIds[0]);
    const { job } = await f.drsClient.send(
      new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: instanceIds }),
    );
    await runJobToCompletion(f, job?.jobID as string);
    const status = await statusOf(ec2, instanceIds[0]);
    assert.equal(status?.InstanceState?.Name, 'terminated');
    assert.equal(status?.InstanceState?.Code, 48);
    assert.equal(status?.InstanceStatus?.Status, 'not-applicable');
    assert.equal(status?.SystemStatus?.Status, 'not-applicable');
    const { InstanceStatuses = [] } = await ec2.send(
      new DescribeInstanceStatusCommand({ InstanceIds: instanceIds }),
    );
    assert.deepEqual(InstanceStatuses, [], 'only running instances without IncludeAllInstances');
    f.advance(3601);
    await assert.rejects(ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: instanceIds })), {
      name: 'InvalidInstanceID.NotFound',
    });
  });

  it('pages with MaxResults and NextToken, which EC2 does not allow together with ids', async () => {
    const ec2 = f.ec2();
    const ids = [
      await serverNamed(f, 'web-01'),
      await serverNamed(f, 'web-02'),
      await serverNamed(f, 'app-01'),
    ];
    await launched(f, ids);
    f.advance(30);
    const first = await ec2.send(new DescribeInstanceStatusCommand({ MaxResults: 5 }));
    assert.equal(first.InstanceStatuses?.length, 3);
    assert.equal(first.NextToken, undefined);
    await assert.rejects(
      ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: ['i-0123456789abcdef0'], MaxResults: 5 })),
      { name: 'InvalidParameterCombination' },
    );
    await assert.rejects(ec2.send(new DescribeInstanceStatusCommand({ MaxResults: 2 })), {
      name: 'InvalidParameterValue',
    });
    const filtered = await ec2.send(
      new DescribeInstanceStatusCommand({ Filters: [{ Name: 'instance-status.status', Values: ['ok'] }] }),
    );
    assert.equal(filtered.InstanceStatuses?.length, 3);
    await assert.rejects(
      ec2.send(new DescribeInstanceStatusCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] })),
      { name: 'InvalidParameterValue' },
    );
  });

  it('routes by the signing scope (an EC2 query is not STS) and audits each call', async () => {
    const ec2 = f.ec2({ region: 'us-east-1' });
    const { instanceIds } = await launched(f, [await serverNamed(f, 'web-01')]);
    await f.emulator.control.clearAudit();
    await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: instanceIds }));
    await assert.rejects(ec2.send(new GetConsoleOutputCommand({ InstanceId: 'i-0123456789abcdef0' })));
    const audit = await f.emulator.control.audit();
    assert.deepEqual(
      audit.map((e) => [e.operation, e.region, e.accountId, e.statusCode, e.errorType]),
      [
        ['ec2:DescribeInstanceStatus', 'us-east-1', '111122223333', 200, undefined],
        ['ec2:GetConsoleOutput', 'us-east-1', '111122223333', 400, 'InvalidInstanceID.NotFound'],
      ],
    );
    assert.deepEqual((audit[0].request as { InstanceIds: string[] }).InstanceIds, instanceIds);
    assert.deepEqual((audit[1].request as { InstanceId: string }).InstanceId, 'i-0123456789abcdef0');
  });

  it('answers faults and IAM denials the way EC2 does', async () => {
    const ec2 = f.ec2();
    await f.emulator.control.faults({ operation: 'ec2:DescribeInstanceStatus', throttleRate: 1 });
    await assert.rejects(ec2.send(new DescribeInstanceStatusCommand({})), { name: 'RequestLimitExceeded' });
    await f.emulator.control.clearFaults();
    await f.emulator.control.accessDenied({ operations: ['ec2:GetConsoleOutput'] });
    await assert.rejects(
      ec2.send(new GetConsoleOutputCommand({ InstanceId: 'i-0123456789abcdef0' })),
      (err: Error) => err.name === 'UnauthorizedOperation' && /ec2:GetConsoleOutput/.test(err.message),
    );
  });
});
