// drsReadiness on the local stack (dev server, a real worker, the emulator) through drsctl: a
// scheduled, triggered readiness run flags a STALLED server (NOT_READY) and a server with no drill in
// the window (AT_RISK, drill stale), and finds the SUCCEEDED drill of a third (in the stack's
// evidence store, where the drill noted itself).
// Notifications go to a loopback receiver: a drill's outcome arrives, the Slack one has Slack's
// shape, the receiver's URL is nowhere in the history; a receiver that is down costs the run about
// a second and not its outcome.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { NotificationEvent } from '../../common/notifications';
import type { ReadinessReport } from '../../common/readiness';
import { startCliStack, type CliStack } from '../cli/stack';
import { startReceiver, type WebhookReceiver } from '../fixtures/webhook-receiver';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, read: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 60; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('drsReadiness and notifications (dev server, worker, emulator)', function () {
  this.timeout(180_000);
  let stack: CliStack;
  let receiver: WebhookReceiver;
  let servers: string[];
  const scheduleId = `readiness-${Date.now()}`;
  const tmp = mkdtempSync(path.join(tmpdir(), 'drsctl-readiness-'));

  before(async () => {
    receiver = await startReceiver();
    stack = await startCliStack('readiness', {
      notifications: { webhookUrl: `${receiver.url}/hook`, slackWebhookUrl: `${receiver.url}/slack` },
    });
    servers = await stack.healthyServers(3);
  });
  after(async () => {
    await stack?.drsctl(['schedule', 'delete', scheduleId]);
    await stack?.stop();
    receiver?.server.close();
  });

  const events = (kind: string, workflowId: string) =>
    receiver.received.filter(
      (r) => r.path === '/hook' && r.body.kind === kind && r.body.workflowId === workflowId,
    );

  it("delivers a drill's outcome to the webhook and Slack, and the URL is nowhere in its history", async () => {
    const [drilled] = servers;
    const drill = await stack.drsctl(['drill', '--source-server', drilled, '--wait']);
    assert.equal(drill.code, 0, `${drill.stdout}\n${drill.stderr}`);
    const workflowId = /drill (\S+): SUCCEEDED/.exec(drill.stdout)?.[1] ?? '';
    const [ended] = events('run-ended', workflowId);
    assert.ok(ended, `run-ended for ${workflowId}: ${JSON.stringify(receiver.received)}`);
    const event = ended.body as unknown as NotificationEvent;
    assert.equal(event.outcome, 'SUCCEEDED');
    assert.equal(event.workflowType, 'drsDrill');
    assert.deepEqual(event.sourceServerIds, [drilled]);

    const slack = receiver.received.find(
      (r) => r.path === '/slack' && String(r.body.text).includes(workflowId),
    );
    assert.ok(slack, 'the Slack receiver got the outcome');
    assert.deepEqual(Object.keys(slack.body).sort(), ['blocks', 'text']);
    assert.match(String(slack.body.text), /drill SUCCEEDED/);
    const [block] = slack.body.blocks as { type: string; text: { type: string; text: string } }[];
    assert.deepEqual([block.type, block.text.type], ['section', 'mrkdwn']);

    const history = JSON.stringify(await stack.env.client.workflow.getHandle(workflowId).fetchHistory());
    assert.ok(history.includes('sendNotification'), 'the history has the delivery');
    const port = new URL(receiver.url).port;
    for (const secret of [receiver.url, `127.0.0.1:${port}`, '/hook', '/slack'])
      assert.ok(!history.includes(secret), `history must not contain ${secret}`);
  });

  it('a scheduled readiness run flags a STALLED server and a server with no drill in the window', async () => {
    const [drilled, undrilled, stalled] = servers;
    await stack.emulator.control.scenario({
      type: 'replicationState',
      sourceServerIds: [stalled],
      state: 'STALLED',
    });
    const created = await stack.drsctl([
      'schedule',
      'create',
      'readiness',
      '--schedule-id',
      scheduleId,
      '--every',
      '30m',
      '--max-days-since-drill',
      '7',
      '--source-server',
      [drilled, undrilled, stalled].join(','),
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await stack.drsctl(['schedule', 'trigger', scheduleId])).code, 0);
    const runId = await until('the triggered run', async () => {
      const r = await stack.drsctl(['schedule', 'describe', scheduleId, '--json']);
      return JSON.parse(r.stdout).info.recentActions[0]?.action.workflow.workflowId as string | undefined;
    });

    const json = path.join(tmp, 'readiness.json');
    const junit = path.join(tmp, 'readiness.xml');
    const md = path.join(tmp, 'readiness.md');
    const done = await stack.drsctl([
      'status',
      runId,
      '--wait',
      '--report-json',
      json,
      '--report-junit',
      junit,
      '--report-md',
      md,
    ]);
    assert.equal(done.code, 1, `NOT_READY exits 1\n${done.stdout}\n${done.stderr}`);
    assert.match(done.stdout, new RegExp(`readiness ${runId}: NOT_READY`));
    const report = JSON.parse(readFileSync(json, 'utf8')) as ReadinessReport;
    const byId = new Map(report.servers.map((s) => [s.sourceServerId, s]));

    const stalledServer = byId.get(stalled);
    assert.equal(stalledServer?.status, 'NOT_READY');
    assert.equal(stalledServer?.replicationState, 'STALLED');
    assert.match(stalledServer?.errors.join() ?? '', /replication is STALLED, not CONTINUOUS/);

    const undrilledServer = byId.get(undrilled);
    assert.notEqual(undrilledServer?.status, 'READY', JSON.stringify(undrilledServer));
    assert.match(undrilledServer?.warnings.join() ?? '', /no SUCCEEDED drill found within 7 days/);
    assert.equal(undrilledServer?.launchConfiguration, 'usable');

    const drilledServer = byId.get(drilled);
    assert.ok(drilledServer?.lastSucceededDrillWorkflowId, 'the drill of the first test is found');
    assert.ok(!drilledServer?.warnings.some((w) => /drill/.test(w)), drilledServer?.warnings.join());
    assert.deepEqual(report.staleDrills.sort(), [undrilled, stalled].sort());
    assert.equal(report.headroom?.jobsNeededAtOnce, 1);
    assert.equal(report.headroom?.short.length, 0);

    assert.match(
      readFileSync(junit, 'utf8'),
      new RegExp(`<testcase[^>]*name="${stalled}"[^>]*>\\s*<failure`),
    );
    assert.match(readFileSync(md, 'utf8'), /### DRS readiness .*: NOT_READY/);

    // the UI's list of NOT_READY runs
    const listed = await until('the run in visibility', async () => {
      const query = `DrsOperation = 'readiness' AND DrsOutcome = 'NOT_READY' AND WorkflowId = '${runId}'`;
      for await (const run of stack.env.client.workflow.list({ query })) return run.workflowId;
      return undefined;
    });
    assert.equal(listed, runId);

    const [notReady] = events('readiness', runId);
    assert.equal(notReady?.body.outcome, 'NOT_READY');
    const [stale] = events('drill-stale', runId);
    assert.deepEqual((stale?.body.sourceServerIds as string[]).sort(), [undrilled, stalled].sort());
  });
});

describe('notifications to a receiver that is down (dev server, worker, emulator)', function () {
  this.timeout(180_000);
  let stack: CliStack;

  before(async () => {
    // a port that was just free: nothing listens there
    const closed = await startReceiver();
    closed.server.close();
    stack = await startCliStack('notify-down', { notifications: { webhookUrl: `${closed.url}/hook` } });
  });
  after(async () => stack?.stop());

  it('neither fails nor noticeably delays the drill', async () => {
    const [server] = await stack.healthyServers(1);
    const drill = await stack.drsctl(['drill', '--source-server', server, '--wait']);
    assert.equal(drill.code, 0, `${drill.stdout}\n${drill.stderr}`);
    const workflowId = /drill (\S+): SUCCEEDED/.exec(drill.stdout)?.[1] ?? '';
    const { events } = await stack.env.client.workflow.getHandle(workflowId).fetchHistory();
    const all = events ?? [];
    const scheduled = all.findIndex(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendNotification',
    );
    assert.ok(scheduled >= 0, 'the delivery was tried');
    // Why it costs about a second: each attempt's connection is refused at once (the delivery
    // fails as "request failed", not "no answer in time") instead of waiting out a timeout, and
    // the attempts are few. Asserted
    // as such, not as a wall-clock bound, which a loaded machine breaks.
    const failed = all.find((e) => e.activityTaskFailedEventAttributes);
    assert.match(failed?.activityTaskFailedEventAttributes?.failure?.message ?? '', /request failed/);
    assert.ok(!all.some((e) => e.activityTaskTimedOutEventAttributes), 'no attempt waited out a timeout');
    const ms = (e: (typeof all)[number]) =>
      Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
    console.log(
      `      a down receiver delayed the drill's end by ${ms(all[all.length - 1]) - ms(all[scheduled])} ms`,
    );
  });
});
