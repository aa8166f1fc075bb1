// The real drsctl binary (bin/drsctl.js as a child process) against the shared Temporal dev server,
// a real Worker and the DRS emulator: exit codes, reports, attaching on retry, approve and abort.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { defaultWorkflowId } from '../../client/workflow-ids';
import { freePort } from '../helpers/temporal';
import { parseJunit } from './junit';
import { runDrsctl, startCliStack, type CliStack } from './stack';

describe('drsctl (real binary, dev server, emulator)', function () {
  this.timeout(180_000);
  let stack: CliStack;
  let servers: string[];
  let dir: string;

  before(async () => {
    stack = await startCliStack('drsctl');
    servers = await stack.healthyServers(5);
    dir = mkdtempSync(path.join(tmpdir(), 'drsctl-cli-'));
  });
  after(async () => stack?.stop());

  /** No run of `workflowId` on this stack's task queue (other test files share the dev server and the servers' ids). */
  async function assertNotStarted(workflowId: string): Promise<void> {
    try {
      const run = await stack.env.client.workflow.getHandle(workflowId).describe();
      assert.notEqual(run.taskQueue, stack.taskQueue, `${workflowId} was started`);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }

  it('exits 3 when nothing listens at the Temporal address', async () => {
    const closed = await freePort();
    const r = await runDrsctl(
      ['drill', '--source-server', servers[0], '--address', `127.0.0.1:${closed}`, '--connect-timeout', '2s'],
      {},
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`Temporal at 127\\.0\\.0\\.1:${closed} is unreachable`));
  });

  it('exits 2 on bad input, naming the field, without starting a workflow or calling DRS', async () => {
    await stack.emulator.control.clearAudit();
    const badId = await stack.drsctl(['drill', '--source-server', 'srv-01', '--wait']);
    assert.equal(badId.code, 2, badId.stderr);
    assert.match(badId.stderr, /sourceServerIds\.0 \(--source-server\): must look like s-1234567890abcdef0/);

    const file = path.join(dir, 'bad-lag.yaml');
    writeFileSync(file, `sourceServerIds: [${servers[0]}]\nmaxReplicationLagSeconds: soon\n`);
    const badField = await stack.drsctl(['drill', '--input', file, '--wait']);
    assert.equal(badField.code, 2, badField.stderr);
    assert.match(badField.stderr, /maxReplicationLagSeconds \(--max-lag\)/);
    await assertNotStarted(
      defaultWorkflowId('drill', { sourceServerIds: [servers[0]], region: 'us-east-1' }),
    );

    const unknownFlag = await stack.drsctl(['drill', '--source-servers', servers[0]]);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /unknown option '--source-servers'/);

    assert.deepEqual(await stack.emulator.control.audit(), [], 'no DRS call');
  });

  it('runs a drill with --wait: exit 0, JUnit lists every server, JSON and Markdown reports; a retry attaches', async () => {
    await stack.emulator.control.clearAudit();
    const pair = [servers[0], servers[1]];
    // a first CI attempt starts the drill and goes away…
    const first = await stack.drsctl(['drill', '--source-server', pair.join(',')]);
    assert.equal(first.code, 0, first.stderr);
    const workflowId = first.stdout.trim();
    assert.equal(workflowId, defaultWorkflowId('drill', { sourceServerIds: pair, region: 'us-east-1' }));

    // …the retry names the servers in another order and attaches to the same run
    const junit = path.join(dir, 'r.xml');
    const json = path.join(dir, 'r.json');
    const summary = path.join(dir, 'summary.md');
    const r = await stack.drsctl(
      [
        'drill',
        '--source-server',
        pair[1],
        '--source-server',
        pair[0],
        '--wait',
        '--poll-interval',
        '1s',
        '--report-junit',
        junit,
        '--report-json',
        json,
        '--report-md',
      ],
      { GITHUB_STEP_SUMMARY: summary },
    );
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`attached to running drsDrill ${workflowId}`));
    assert.match(r.stderr, /phase=launching/, 'progress lines in CI logs');

    const { suite, cases } = parseJunit(readFileSync(junit, 'utf8'));
    assert.deepEqual(cases.map((c) => c.name).sort(), [...pair].sort());
    assert.equal(suite.failures, '0');
    assert.ok(cases.every((c) => !c.failure && /Launch: LAUNCHED/.test(c['system-out'] ?? '')));

    const report = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(report.outcome, 'SUCCEEDED');
    assert.equal(report.workflowId, workflowId);
    assert.ok(report.servers.every((s: { terminated?: boolean }) => s.terminated));
    const md = readFileSync(summary, 'utf8');
    for (const id of pair) assert.match(md, new RegExp(`\\| ${id} \\| passed \\|`));

    const launches = await stack.emulator.control.audit({ operation: 'StartRecovery' });
    assert.equal(launches.length, 1, 'the retry did not launch a second drill');
  });

  it('exits 1 when a server fails to launch, with that server failed in the JUnit report', async () => {
    const [ok, failing] = [servers[2], servers[3]];
    await stack.emulator.control.scenario({ type: 'launchFailure', sourceServerIds: [failing] });
    try {
      const junit = path.join(dir, 'partial.xml');
      const r = await stack.drsctl([
        'drill',
        '--source-server',
        `${ok},${failing}`,
        '--wait',
        '--poll-interval',
        '1s',
        '--report-junit',
        junit,
      ]);
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      const { suite, cases } = parseJunit(readFileSync(junit, 'utf8'));
      assert.equal(suite.failures, '1');
      assert.equal(cases.find((c) => c.name === ok)?.failure, undefined);
      assert.ok(cases.find((c) => c.name === failing)?.failure, 'the failing server is a failed test case');
    } finally {
      await stack.emulator.control.clearScenarios();
    }
  });

  /** Starts a drill (`validation` flags: its gate) and returns its id once it is validating. */
  async function drillAtValidation(
    server: string,
    validation = ['--approval-timeout', '600'],
  ): Promise<string> {
    const started = await stack.drsctl(['drill', '--source-server', server, ...validation]);
    assert.equal(started.code, 0, started.stderr);
    const workflowId = started.stdout.trim();
    for (let i = 0; ; i++) {
      const s = await stack.drsctl(['status', workflowId, '--json']);
      assert.equal(s.code, 0, s.stderr);
      if (JSON.parse(s.stdout).progress?.phase === 'validating') return workflowId;
      assert.ok(i < 60, `drill never reached validation: ${s.stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  it('approve lets a drill waiting at its gate finish; its JSON and Markdown reports name the approver and the note', async () => {
    const workflowId = await drillAtValidation(servers[0]);
    const approve = await stack.drsctl(['approve', workflowId, '--note', 'smoke tests green']);
    assert.equal(approve.code, 0, approve.stderr);
    assert.match(
      approve.stdout,
      new RegExp(
        `^approved ${workflowId}: opened the validation gate; next: terminating 1 drill instance\\(s\\) of job drsjob-`,
      ),
    );
    const json = path.join(dir, 'approved.json');
    const md = path.join(dir, 'approved.md');
    const done = await stack.drsctl([
      'status',
      workflowId,
      '--wait',
      '--report-json',
      json,
      '--report-md',
      md,
    ]);
    assert.equal(done.code, 0, `${done.stdout}\n${done.stderr}`);
    assert.match(done.stdout, /SUCCEEDED/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    // by defaults to drsctl's client identity, user@host
    assert.equal(report.approval.by, `${userInfo().username}@${hostname()}`);
    assert.equal(report.approval.note, 'smoke tests green');
    assert.match(
      readFileSync(md, 'utf8'),
      new RegExp(
        `^- Approved by ${report.approval.by} at ${report.approval.at} \\(validation\\): smoke tests green$`,
        'm',
      ),
    );
  });

  it('approve on a run without an open gate exits 4 with the reason; abort answers what it cleans up; a finished run rejects both', async () => {
    const workflowId = await drillAtValidation(servers[3], ['--hold', '600']);
    const approve = await stack.drsctl(['approve', workflowId]);
    assert.equal(approve.code, 4, `${approve.stdout}\n${approve.stderr}`);
    assert.match(
      approve.stderr,
      new RegExp(
        `approving ${workflowId}: rejected: not a drill that takes approvals: its validation mode is "hold"`,
      ),
    );
    const abort = await stack.drsctl(['abort', workflowId, '--by', 'ci-bot', '--reason', 'hold not needed']);
    assert.equal(abort.code, 0, abort.stderr);
    assert.match(
      abort.stdout,
      /^abort accepted by .*: aborting in phase validating; terminating 1 drill instance\(s\) of job drsjob-/,
    );
    const json = path.join(dir, 'hold-aborted.json');
    const done = await stack.drsctl(['status', workflowId, '--wait', '--report-json', json]);
    assert.equal(done.code, 1, `${done.stdout}\n${done.stderr}`);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    assert.deepEqual(
      [report.outcome, report.abort.by, report.abort.reason],
      ['ABORTED', 'ci-bot', 'hold not needed'],
    );

    for (const command of ['approve', 'abort']) {
      const late = await stack.drsctl([command, workflowId]);
      assert.equal(late.code, 4, `${command}: ${late.stderr}`);
      assert.match(late.stderr, /rejected: already finished \(COMPLETED\)/);
    }
  });

  it('abort ends a drill waiting at its gate: ABORTED, cleaned up, exit 1; unknown ids exit 1', async () => {
    const workflowId = await drillAtValidation(servers[4]);
    const abort = await stack.drsctl(['abort', workflowId, '--reason', 'test abort']);
    assert.equal(abort.code, 0, abort.stderr);

    const json = path.join(dir, 'aborted.json');
    const done = await stack.drsctl(['status', workflowId, '--wait', '--report-json', json]);
    assert.equal(done.code, 1, `${done.stdout}\n${done.stderr}`);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(report.outcome, 'ABORTED');
    assert.equal(report.abort.reason, 'test abort');
    assert.equal(
      report.servers[0].terminated,
      true,
      `the aborted drill still cleaned up: ${JSON.stringify(report)}`,
    );

    for (const command of ['approve', 'abort', 'cancel']) {
      const missing = await stack.drsctl([command, 'drill-does-not-exist']);
      assert.equal(missing.code, 1, `${command}: ${missing.stderr}`);
      assert.match(missing.stderr, /not found/);
    }
  });

  it('runs a two-wave plan from a YAML file with --wait: exit 0, JUnit grouped by wave, waves in order', async () => {
    await stack.emulator.control.clearAudit();
    const input = path.join(dir, 'plan.yaml');
    writeFileSync(
      input,
      [
        'region: us-east-1',
        'waves:',
        '  - name: db',
        `    sourceServerIds: [${servers[1]}]`,
        '  - name: web',
        `    sourceServerIds: [${servers[2]}]`,
        '',
      ].join('\n'),
    );
    const junit = path.join(dir, 'plan.xml');
    const json = path.join(dir, 'plan.json');
    const r = await stack.drsctl([
      'plan',
      '--input',
      input,
      '--wait',
      '--poll-interval',
      '1s',
      '--report-junit',
      junit,
      '--report-json',
      json,
    ]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /db:RUNNING\(0\/1 children done\) web:PENDING/, 'wave progress in CI logs');
    const { suite, cases } = parseJunit(readFileSync(junit, 'utf8'));
    assert.equal(suite.failures, '0');
    assert.deepEqual(
      cases.map((c) => [c.classname, c.name]),
      [
        ['drs.plan.db', servers[1]],
        ['drs.plan.web', servers[2]],
      ],
    );
    const report = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(report.outcome, 'SUCCEEDED');
    const [db, web] = report.waves;
    assert.ok(web.startedAt >= db.finishedAt, 'the web wave started after the db wave finished');
    const launches = await stack.emulator.control.audit({ operation: 'StartRecovery' });
    assert.equal(launches.length, 2, 'one launch per wave');
  });
});
