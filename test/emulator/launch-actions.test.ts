// DRS launch actions through @aws-sdk/client-drs: PutLaunchAction / ListLaunchActions /
// DeleteLaunchAction, and the job's participatingServers[].launchActionsStatus once the launched
// instance's SSM agent registered.
import assert from 'node:assert/strict';
import {
  DescribeLaunchConfigurationTemplatesCommand,
  ListLaunchActionsCommand,
  PutLaunchActionCommand,
  UpdateLaunchConfigurationCommand,
  type PutLaunchActionRequest,
} from '@aws-sdk/client-drs';
import { describeJob, fixture, launched, serverNamed, type Fixture } from './support';

const action = (
  actionId: string,
  name: string,
  order: number,
): Omit<PutLaunchActionRequest, 'resourceId'> => ({
  actionId,
  name,
  order,
  actionCode: 'AWS-RunShellScript',
  optional: false,
  active: true,
  actionVersion: '$DEFAULT',
  category: 'VALIDATION',
  description: `${name} check`,
  parameters: { commands: { value: 'uptime', type: 'DYNAMIC' } },
});

const A1 = '11111111-1111-4111-8111-111111111111';
const A2 = '22222222-2222-4222-8222-222222222222';

/** Advances until the participant's launch-action runs all ended (or the agent registered, if none). */
async function settled(f: Fixture, jobID: string) {
  for (let s = 0; s < 600; s++) {
    const job = await describeJob(f.drsClient, jobID);
    const status = job.participatingServers?.[0]?.launchActionsStatus;
    if (status?.ssmAgentDiscoveryDatetime && (status.runs ?? []).every((r) => r.status !== 'IN_PROGRESS'))
      return status;
    f.advance(1);
  }
  throw new Error('launch actions never settled');
}

describe('emulator: DRS launch actions', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.close());

  it('stores, lists and deletes launch actions on servers and on the launch template', async () => {
    const web = await serverNamed(f, 'web-01');
    const put = await f.strict.send(
      new PutLaunchActionCommand({ resourceId: web, ...action(A1, 'nginx', 5) }),
    );
    assert.equal(put.type, 'SSM_COMMAND');
    assert.equal(put.resourceId, web);
    const { items: [template] = [] } = await f.strict.send(
      new DescribeLaunchConfigurationTemplatesCommand({}),
    );
    const lct = template.launchConfigurationTemplateID as string;
    await f.strict.send(new PutLaunchActionCommand({ resourceId: lct, ...action(A2, 'agent', 2) }));
    const { items = [] } = await f.strict.send(new ListLaunchActionsCommand({ resourceId: web }));
    assert.deepEqual(
      items.map((a) => [a.actionId, a.name, a.order]),
      [[A1, 'nginx', 5]],
    );
    const filtered = await f.strict.send(
      new ListLaunchActionsCommand({ resourceId: lct, filters: { actionIds: [A1] } }),
    );
    assert.deepEqual(filtered.items, []);
    await assert.rejects(f.strict.send(new ListLaunchActionsCommand({ resourceId: 's-00000000000000000' })), {
      name: 'ResourceNotFoundException',
    });
  });

  it('reports the agent discovery and each action run on the launch job, template actions first', async () => {
    const web = await serverNamed(f, 'web-01');
    await f.strict.send(
      new UpdateLaunchConfigurationCommand({ sourceServerID: web, postLaunchEnabled: true }),
    );
    await f.strict.send(new PutLaunchActionCommand({ resourceId: web, ...action(A1, 'nginx', 5) }));
    const { items: [template] = [] } = await f.strict.send(
      new DescribeLaunchConfigurationTemplatesCommand({}),
    );
    await f.strict.send(
      new PutLaunchActionCommand({
        resourceId: template.launchConfigurationTemplateID,
        ...action(A2, 'agent', 2),
      }),
    );
    const { job } = await launched(f, [web]);
    assert.equal(job.participatingServers?.[0]?.launchActionsStatus, undefined, 'no agent yet');
    let sawInProgress = false;
    for (let s = 0; s < 60 && !sawInProgress; s++) {
      const runs = (await describeJob(f.drsClient, job.jobID as string)).participatingServers?.[0]
        ?.launchActionsStatus?.runs;
      sawInProgress = (runs ?? []).some((r) => r.status === 'IN_PROGRESS');
      f.advance(0.5);
    }
    assert.ok(sawInProgress, 'runs are IN_PROGRESS first');
    const status = await settled(f, job.jobID as string);
    assert.ok(Date.parse(status.ssmAgentDiscoveryDatetime as string) > Date.parse(job.endDateTime as string));
    assert.deepEqual(
      status.runs?.map((r) => [r.action?.name, r.status]),
      [
        ['agent', 'SUCCEEDED'],
        ['nginx', 'SUCCEEDED'],
      ],
    );
    assert.match(status.runs?.[0].runId ?? '', /^[0-9a-f-]{36}$/);
  });

  it('runs no actions where post-launch actions are off, but still reports the agent', async () => {
    const web = await serverNamed(f, 'web-01');
    await f.strict.send(new PutLaunchActionCommand({ resourceId: web, ...action(A1, 'nginx', 5) }));
    const { job } = await launched(f, [web]);
    const status = await settled(f, job.jobID as string);
    assert.ok(status.ssmAgentDiscoveryDatetime);
    assert.deepEqual(status.runs, []);
  });

  it('launchActionFailure fails the configured action it names, and only that one', async () => {
    const web = await serverNamed(f, 'web-01');
    await f.strict.send(
      new UpdateLaunchConfigurationCommand({ sourceServerID: web, postLaunchEnabled: true }),
    );
    await f.strict.send(new PutLaunchActionCommand({ resourceId: web, ...action(A1, 'nginx', 5) }));
    await f.strict.send(
      new PutLaunchActionCommand({ resourceId: web, ...action(A2, 'monitoring', 6), optional: true }),
    );
    await f.emulator.control.scenario({
      type: 'launchActionFailure',
      sourceServerIds: [web],
      actionName: 'monitoring',
      optional: true,
    });
    const { job } = await launched(f, [web]);
    const status = await settled(f, job.jobID as string);
    assert.deepEqual(
      status.runs?.map((r) => [r.action?.name, r.action?.optional, r.status]),
      [
        ['nginx', false, 'SUCCEEDED'],
        ['monitoring', true, 'FAILED'],
      ],
    );
    assert.match(status.runs?.[1].failureReason ?? '', /AWS-RunShellScript failed/);
  });
});
