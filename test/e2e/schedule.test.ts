// A recurring drill through drsctl: create a schedule, trigger it, see the drill it started complete
// with the same report a direct run gives; pause, unpause, delete; bad timing is exit code 2.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseJunit } from '../cli/junit';
import { startCliStack, type CliStack } from '../cli/stack';

describe('drsctl schedule (dev server, worker, emulator)', function () {
  this.timeout(180_000);
  let stack: CliStack;
  let server: string;
  const scheduleId = `weekly-drill-${Date.now()}`;

  before(async () => {
    stack = await startCliStack('schedule');
    [server] = await stack.healthyServers(1);
  });
  after(async () => {
    await stack?.drsctl(['schedule', 'delete', scheduleId]);
    await stack?.stop();
  });

  async function describeSchedule() {
    const r = await stack.drsctl(['schedule', 'describe', scheduleId, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  }

  it('refuses bad timing with exit code 2 and creates nothing', async () => {
    for (const [flag, value, message] of [
      ['--cron', 'every monday', /--cron: "every monday" must have 5 fields/],
      ['--time-zone', 'Mars/Olympus_Mons', /--time-zone: "Mars\/Olympus_Mons" is not an IANA time zone/],
      ['--jitter', 'a bit', /--jitter: "a bit" is not a duration/],
    ] as const) {
      const args = ['schedule', 'create', 'drill', '--schedule-id', scheduleId, '--source-server', server];
      if (flag !== '--cron') args.push('--cron', '0 3 * * MON');
      const r = await stack.drsctl([...args, flag, value]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
    }
    const missing = await stack.drsctl(['schedule', 'describe', scheduleId]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not found/);
  });

  it('creates a weekly drill schedule; a triggered run completes a drill with the usual report', async () => {
    const created = await stack.drsctl([
      'schedule',
      'create',
      'drill',
      '--schedule-id',
      scheduleId,
      '--cron',
      '0 3 * * MON',
      '--time-zone',
      'Europe/Berlin',
      '--jitter',
      '10m',
      '--note',
      'weekly drill of the web tier',
      '--source-server',
      server,
    ]);
    assert.equal(created.code, 0, created.stderr);

    const described = await describeSchedule();
    assert.equal(described.policies.overlap, 'SKIP', 'overlap SKIP by default');
    assert.equal(described.spec.timezone, 'Europe/Berlin');
    assert.equal(described.spec.jitter, 10 * 60 * 1000);
    assert.equal(described.state.note, 'weekly drill of the web tier');
    assert.equal(described.action.workflowType, 'drsDrill');
    assert.deepEqual(described.action.args, [{ region: 'us-east-1', sourceServerIds: [server] }]);
    const list = await stack.drsctl(['schedule', 'list']);
    assert.match(list.stdout, new RegExp(`^${scheduleId}\\tdrsDrill\\tactive`, 'm'));

    const triggered = await stack.drsctl(['schedule', 'trigger', scheduleId]);
    assert.equal(triggered.code, 0, triggered.stderr);
    let runId: string | undefined;
    for (let i = 0; !runId; i++) {
      runId = (await describeSchedule()).info.recentActions[0]?.action.workflow.workflowId;
      assert.ok(runId || i < 30, 'the trigger started a run');
      if (!runId) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.ok(runId.startsWith(`${scheduleId}-`), runId);

    const junit = path.join(mkdtempSync(path.join(tmpdir(), 'drsctl-schedule-')), 'scheduled.xml');
    const done = await stack.drsctl(['status', runId, '--wait', '--report-junit', junit]);
    assert.equal(done.code, 0, `${done.stdout}\n${done.stderr}`);
    assert.match(done.stdout, new RegExp(`drill ${runId}: SUCCEEDED`));
    const { suite, cases } = parseJunit(readFileSync(junit, 'utf8'));
    assert.deepEqual(
      cases.map((c) => c.name),
      [server],
    );
    assert.equal(suite.failures, '0');
  });

  it('pauses, unpauses and deletes the schedule', async () => {
    assert.equal((await stack.drsctl(['schedule', 'pause', scheduleId, '--note', 'change freeze'])).code, 0);
    let state = (await describeSchedule()).state;
    assert.deepEqual([state.paused, state.note], [true, 'change freeze']);
    assert.equal((await stack.drsctl(['schedule', 'unpause', scheduleId])).code, 0);
    state = (await describeSchedule()).state;
    assert.equal(state.paused, false);

    assert.equal((await stack.drsctl(['schedule', 'delete', scheduleId])).code, 0);
    const gone = await stack.drsctl(['schedule', 'describe', scheduleId]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /schedule .* not found/);
  });
});
