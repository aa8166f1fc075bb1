// drsctl input handling before anything is started: file + flags, validation naming the field and
// its flag, deterministic workflow ids, connection settings named as the Temporal CLI names them.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { resolveConnectionSettings } from '../../client/connection';
import { BadInputError } from '../../client/errors';
import { buildInput, type FlagValues } from '../../client/input';
import {
  drillOperation,
  failbackOperation,
  planOperation,
  recoveryOperation,
  replicationOperation,
  reprotectOperation,
  type InputFlag,
  type Operation,
  workflowIdOf,
} from '../../client/operations';
import { defaultWorkflowId } from '../../client/workflow-ids';
import { freePort } from '../helpers/temporal';
import { runDrsctl } from './stack';

const A = 's-aaaaaaaaaaaaaaaaa';
const B = 's-bbbbbbbbbbbbbbbbb';
const flag = (field: string, first = true) =>
  drillOperation.flags.filter((f) => f.field === field)[first ? 0 : 1];

/** The operation's flag spelled `name` (`--rto-target`, `--confirm`). */
const flagOf = (operation: Operation, name: string) =>
  operation.flags.find((f) => f.flags.split(' ')[0] === name) as InputFlag;

function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'drsctl-input-')), name);
  writeFileSync(file, text);
  return file;
}

describe('drsctl input', () => {
  it('merges a YAML file with flags (flags win) and fills the region from AWS_REGION', () => {
    const file = tempFile(
      'drill.yaml',
      `sourceServerIds: [${A}]\nmaxReplicationLagSeconds: 60\nvalidation:\n  mode: hold\n  holdSeconds: 30\n`,
    );
    const flags: FlagValues = new Map<InputFlag, unknown>([
      [flag('sourceServerIds'), [A, B]],
      [flag('maxReplicationLagSeconds'), '120'],
    ]);
    const { input } = buildInput(drillOperation, {
      inputFile: file,
      flags,
      env: { AWS_REGION: 'eu-west-1' },
    });
    assert.deepEqual(input, {
      region: 'eu-west-1',
      sourceServerIds: [A, B],
      maxReplicationLagSeconds: 120,
      validation: { mode: 'hold', holdSeconds: 30 },
    });
  });

  it('names the bad field and the flag that sets it', () => {
    const flags: FlagValues = new Map([[flag('sourceServerIds'), ['srv-1']]]);
    assert.throws(
      () => buildInput(drillOperation, { flags, env: {} }),
      (err: Error) =>
        err instanceof BadInputError &&
        err.exitCode === 2 &&
        /sourceServerIds\.0 \(--source-server\): must look like/.test(err.message),
    );
    const file = tempFile(
      'drill.json',
      JSON.stringify({ sourceServerIds: [A], maxReplicationLagSeconds: 'soon' }),
    );
    assert.throws(
      () => buildInput(drillOperation, { inputFile: file, flags: new Map(), env: {} }),
      /maxReplicationLagSeconds \(--max-lag\)/,
    );
  });

  it('drsctl reprotect and failback --stop need --confirm; a stop has its own workflow id', () => {
    const job = 'drsjob-1234567890abcdefg';
    const reprotect: FlagValues = new Map<InputFlag, unknown>([
      [flagOf(reprotectOperation, '--recovery-job'), job],
    ]);
    assert.throws(
      () => buildInput(reprotectOperation, { flags: reprotect, env: {} }),
      /confirm \(--confirm\): must be true: ReverseReplication/,
    );
    reprotect.set(flagOf(reprotectOperation, '--confirm'), true);
    assert.deepEqual(buildInput(reprotectOperation, { flags: reprotect, env: {} }).input, {
      region: 'us-east-1',
      recoveryJobId: job,
      confirm: true,
    });
    const stop: FlagValues = new Map<InputFlag, unknown>([
      [flagOf(failbackOperation, '--recovery-job'), job],
      [flagOf(failbackOperation, '--stop'), true],
    ]);
    assert.throws(
      () => buildInput(failbackOperation, { flags: stop, env: {} }),
      /confirm \(--confirm\): must be true for stop/,
    );
    stop.set(flagOf(failbackOperation, '--confirm'), true);
    const { input } = buildInput(failbackOperation, { flags: stop, env: {} });
    assert.notEqual(
      workflowIdOf(failbackOperation, input),
      workflowIdOf(failbackOperation, { ...input, stop: false }),
    );
  });

  it("applies each workflow's own rules: a destructive replication action needs --confirm", () => {
    const stop: FlagValues = new Map<InputFlag, unknown>([
      [flagOf(replicationOperation, '--action'), 'stop'],
      [flagOf(replicationOperation, '--source-server'), [A]],
    ]);
    assert.throws(
      () => buildInput(replicationOperation, { flags: stop, env: {} }),
      /confirm \(--confirm\): must be true for action "stop"/,
    );
    stop.set(flagOf(replicationOperation, '--confirm'), true);
    const { input } = buildInput(replicationOperation, { flags: stop, env: {} });
    assert.deepEqual(input, { region: 'us-east-1', action: 'stop', sourceServerIds: [A], confirm: true });
    assert.notEqual(
      workflowIdOf(replicationOperation, input),
      workflowIdOf(replicationOperation, { ...input, action: 'repair' }),
    );
  });

  it("--preempt-drills-after sets a recovery's preemptDrills, and a bad value names the flag", () => {
    const withFlag = (value: string): FlagValues =>
      new Map<InputFlag, unknown>([
        [flagOf(recoveryOperation, '--source-server'), [A]],
        [flagOf(recoveryOperation, '--preempt-drills-after'), value],
      ]);
    const { input } = buildInput(recoveryOperation, { flags: withFlag('600'), env: {} });
    assert.deepEqual(input.preemptDrills, { afterSeconds: 600 });
    assert.throws(
      () => buildInput(recoveryOperation, { flags: withFlag('soon'), env: {} }),
      /preemptDrills\.afterSeconds \(--preempt-drills-after\)/,
    );
  });

  it('--rto-target / --rpo-target set targets in seconds from durations, on drills, recoveries and plans', () => {
    const servers = JSON.stringify({ sourceServerIds: [A] });
    const inputs: [Operation, string][] = [
      [drillOperation, servers],
      [recoveryOperation, servers],
      [planOperation, JSON.stringify({ waves: [{ name: 'web', sourceServerIds: [A] }] })],
    ];
    for (const [operation, json] of inputs) {
      const flags: FlagValues = new Map<InputFlag, unknown>([
        [flagOf(operation, '--rto-target'), '15m'],
        [flagOf(operation, '--rpo-target'), '1h30m'],
      ]);
      const { input } = buildInput(operation, { inputFile: tempFile('in.json', json), flags, env: {} });
      assert.deepEqual(input.targets, { rtoSeconds: 900, rpoSeconds: 5400 }, operation.name);
    }
    // the flag sets its field; the file's other target stays
    const file = tempFile(
      'drill.yaml',
      `sourceServerIds: [${A}]\ntargets: { rtoSeconds: 60, rpoSeconds: 120 }\n`,
    );
    const flags: FlagValues = new Map([[flagOf(drillOperation, '--rto-target'), '2m30s']]);
    const { plan } = buildInput(drillOperation, { inputFile: file, flags, env: {} });
    assert.deepEqual((plan as { targets: unknown }).targets, { rtoSeconds: 150, rpoSeconds: 120 });
  });

  it('refuses a target that is no duration, not whole seconds, zero or over 30 days, naming the flag and the rule', () => {
    const cases: [string, string, RegExp][] = [
      ['--rto-target', 'soon', /^--rto-target: "soon" is not a duration such as 7d, 12h, 1h30m, 90s$/],
      ['--rpo-target', '300', /^--rpo-target: "300" is not a duration/],
      ['--rpo-target', '1500ms', /^--rpo-target: "1500ms" is not whole seconds \(targets are in seconds\)$/],
      ['--rto-target', '0s', /^--rto-target: must be longer than 0$/],
      ['--rto-target', '31d', /^--rto-target: "31d" is more than 30d, the longest target$/],
    ];
    for (const [name, value, message] of cases) {
      const flags: FlagValues = new Map<InputFlag, unknown>([
        [flag('sourceServerIds'), [A]],
        [flagOf(drillOperation, name), value],
      ]);
      assert.throws(
        () => buildInput(drillOperation, { flags, env: {} }),
        (err: Error) => err instanceof BadInputError && err.exitCode === 2 && message.test(err.message),
        `${name} ${value}`,
      );
    }
    // a bad target from the file is named with the flag of its field
    const file = tempFile(
      'drill.json',
      JSON.stringify({ sourceServerIds: [A], targets: { rpoSeconds: 0.5 } }),
    );
    assert.throws(
      () => buildInput(drillOperation, { inputFile: file, flags: new Map(), env: {} }),
      /targets\.rpoSeconds \(--rpo-target\): /,
    );
  });

  it('drsctl refuses a bad target before connecting (exit 2, not 3) and lists the flags in --help', async function () {
    this.timeout(30_000); // four runs of the real binary
    const closed = await freePort();
    const r = await runDrsctl(
      ['drill', '--source-server', A, '--rpo-target', '5', '--address', `127.0.0.1:${closed}`],
      {},
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--rpo-target: "5" is not a duration such as/);
    for (const command of ['drill', 'recovery', 'plan']) {
      const help = await runDrsctl([command, '--help'], {});
      assert.match(help.stdout, /--rto-target <duration>\s+RTO target for every server/, command);
      assert.match(help.stdout, /--rpo-target <duration>\s+RPO target for every server/, command);
    }
  });

  it('rejects a JSON or YAML input with a key given twice, naming the key', () => {
    // the second pauseBefore would silently drop the approval gate of the first
    const json = tempFile(
      'plan.json',
      '{"region":"us-east-1","waves":[{"name":"web","sourceServerIds":["s-1234567890abcdef0"],"pauseBefore":true,"pauseBefore":false}]}',
    );
    assert.throws(
      () => buildInput(planOperation, { inputFile: json, flags: new Map(), env: {} }),
      (err: unknown) =>
        err instanceof BadInputError && /key "waves\.0\.pauseBefore" appears twice/.test(err.message),
    );
    const yaml = tempFile(
      'drill.yaml',
      'sourceServerIds: [s-1234567890abcdef0]\nregion: us-east-1\nregion: eu-west-1\n',
    );
    assert.throws(
      () => buildInput(drillOperation, { inputFile: yaml, flags: new Map(), env: {} }),
      (err: unknown) => err instanceof BadInputError && /key "region" appears twice/.test(err.message),
    );
  });

  it('rejects an unreadable or non-object input file with exit code 2', () => {
    assert.throws(
      () => buildInput(drillOperation, { inputFile: '/nonexistent/drill.json', flags: new Map(), env: {} }),
      /cannot read/,
    );
    assert.throws(
      () =>
        buildInput(drillOperation, {
          inputFile: tempFile('list.yaml', '- a\n- b\n'),
          flags: new Map(),
          env: {},
        }),
      /must hold one object/,
    );
    assert.throws(
      () =>
        buildInput(drillOperation, { inputFile: tempFile('bad.json', '{"a":'), flags: new Map(), env: {} }),
      /not valid JSON/,
    );
  });

  it('derives the same workflow id for the same servers in any order, a different one for other servers', () => {
    const id = defaultWorkflowId('drill', { sourceServerIds: [A, B], region: 'us-east-1' });
    assert.match(id, /^drill-us-east-1-[0-9a-f]{12}$/);
    assert.equal(defaultWorkflowId('drill', { sourceServerIds: [B, A], region: 'us-east-1' }), id);
    assert.notEqual(defaultWorkflowId('drill', { sourceServerIds: [A], region: 'us-east-1' }), id);
    assert.notEqual(
      defaultWorkflowId('drill', { sourceServerIds: [A, B], region: 'us-east-1', accountId: '444455556666' }),
      id,
    );
  });

  it('reads connection settings from flags, then TEMPORAL_* variables (the Temporal CLI names too)', () => {
    const env = {
      TEMPORAL_ADDRESS: 'temporal.example:7233',
      TEMPORAL_NAMESPACE: 'dr',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/certs/client.pem',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '/certs/client.key',
    };
    const s = resolveConnectionSettings({ namespace: 'override' }, env);
    assert.equal(s.address, 'temporal.example:7233');
    assert.equal(s.namespace, 'override');
    assert.equal(s.taskQueue, 'drs-orchestrator');
    assert.deepEqual(s.tls?.clientCert, { path: '/certs/client.pem', from: 'TEMPORAL_TLS_CLIENT_CERT_PATH' });
    assert.ok(s.tls);
    assert.ok(resolveConnectionSettings({ apiKey: 'k' }, {}).tls);
    assert.equal(resolveConnectionSettings({}, {}).tls, undefined);
    assert.throws(() => resolveConnectionSettings({ tlsCertPath: '/c.pem' }, {}), BadInputError);
  });
});
