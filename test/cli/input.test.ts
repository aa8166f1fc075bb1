// drsctl input handling before anything is started: file + flags, validation naming the field and
// its flag, deterministic workflow ids, connection settings named as the Temporal CLI names them.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { resolveConnectionSettings } from '../../client/connection';
import { BadInputError } from '../../client/errors';
import { buildInput, type FlagValues } from '../../client/input';
import { drillOperation, replicationOperation, type InputFlag } from '../../client/operations';
import { defaultWorkflowId } from '../../client/workflow-ids';

const A = 's-aaaaaaaaaaaaaaaaa';
const B = 's-bbbbbbbbbbbbbbbbb';
const flag = (field: string, first = true) =>
  drillOperation.flags.filter((f) => f.field === field)[first ? 0 : 1];

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

  it("applies each workflow's own rules: a destructive replication action needs --confirm", () => {
    const flagOf = (name: string) =>
      replicationOperation.flags.find((f) => f.flags.startsWith(name)) as InputFlag;
    const stop: FlagValues = new Map<InputFlag, unknown>([
      [flagOf('--action'), 'stop'],
      [flagOf('--source-server'), [A]],
    ]);
    assert.throws(
      () => buildInput(replicationOperation, { flags: stop, env: {} }),
      /confirm \(--confirm\): must be true for action "stop"/,
    );
    stop.set(flagOf('--confirm'), true);
    const { input } = buildInput(replicationOperation, { flags: stop, env: {} });
    assert.deepEqual(input, { region: 'us-east-1', action: 'stop', sourceServerIds: [A], confirm: true });
    assert.notEqual(
      replicationOperation.workflowId(input),
      replicationOperation.workflowId({ ...input, action: 'repair' }),
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
