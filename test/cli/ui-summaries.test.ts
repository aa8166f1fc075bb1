// What the Temporal UI shows on runs drsctl and schedules start: the static summary and details
// (client/run-summaries.ts), read back with describe() as the UI reads them.
import { strict as assert } from 'node:assert';
import { hostname } from 'node:os';
import { startCliStack, type CliStack } from './stack';

describe('static summary and details of started runs (real drsctl, dev server, emulator)', function () {
  this.timeout(180_000);
  let stack: CliStack;
  let servers: string[];
  const scheduleId = `ui-summary-${Date.now()}`;

  before(async () => {
    stack = await startCliStack('ui-summaries');
    servers = await stack.healthyServers(3);
  });
  after(async () => {
    await stack?.drsctl(['schedule', 'delete', scheduleId]);
    await stack?.stop();
  });

  async function userMetadata(workflowId: string) {
    const description = await stack.env.client.workflow.getHandle(workflowId).describe();
    return { summary: await description.staticSummary(), details: await description.staticDetails() };
  }

  it('a drill started by drsctl says what, where and who in the UI', async () => {
    const run = await stack.drsctl([
      'drill',
      ...servers.flatMap((s) => ['--source-server', s]),
      '--hold',
      '1',
      '--launch-timeout',
      '7200',
      '--wait',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const workflowId = /started drsDrill (\S+)/.exec(run.stderr)?.[1] ?? '';
    const { summary, details } = await userMetadata(workflowId);
    assert.equal(summary, 'drill of 3 servers in us-east-1 (validation: hold 1s)');
    assert.ok(details, 'details are set');
    for (const line of [
      `**Servers (3):** ${servers.map((s) => `\`${s}\``).join(', ')}`,
      '**Region:** us-east-1',
      "**Account:** the worker's own",
      '**Point in time:** latest data',
      '**Deadlines:** launch 2h, cleanup 3h',
    ])
      assert.ok(details.includes(line), `details hold "${line}":\n${details}`);
    assert.match(details, new RegExp(`\\*\\*Started by:\\*\\* drsctl as \\S+@${hostname()}`));
    const status = await stack.drsctl(['status', workflowId]);
    assert.ok(status.stdout.includes(`\n  ${summary}\n`), `drsctl status shows it too:\n${status.stdout}`);
  });

  it('a run started by a schedule names the schedule', async () => {
    const created = await stack.drsctl([
      'schedule',
      'create',
      'replication',
      '--schedule-id',
      scheduleId,
      '--every',
      '7d',
      '--action',
      'repair',
      '--source-server',
      servers[0],
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await stack.drsctl(['schedule', 'trigger', scheduleId])).code, 0);
    let workflowId: string | undefined;
    for (let i = 0; !workflowId; i++) {
      const described = await stack.drsctl(['schedule', 'describe', scheduleId, '--json']);
      workflowId = JSON.parse(described.stdout).info.recentActions[0]?.action.workflow.workflowId;
      assert.ok(workflowId || i < 30, 'the trigger started a run');
      if (!workflowId) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const done = await stack.drsctl(['status', workflowId, '--wait']);
    assert.equal(done.code, 0, `${done.stdout}\n${done.stderr}`);
    const { summary, details } = await userMetadata(workflowId);
    assert.equal(summary, 'replication repair of 1 server in us-east-1');
    assert.match(
      details ?? '',
      new RegExp(`\\*\\*Started by:\\*\\* schedule ${scheduleId} \\(created by drsctl as `),
    );
  });
});
