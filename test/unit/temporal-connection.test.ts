// The Temporal connection settings the worker and drsctl share: the Temporal CLI's variables and
// profile file (through @temporalio/envconfig), this project's former variable names, flags on top,
// and the TLS rules; every unusable setting named.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  resolveTemporalSettings,
  temporalConnectionOptions,
  TemporalSettingsError,
} from '../../common/temporal-connection';

const dir = mkdtempSync(path.join(tmpdir(), 'drs-temporal-'));
const file = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

function settingsError(env: NodeJS.ProcessEnv): string {
  try {
    resolveTemporalSettings(env);
  } catch (err) {
    assert.ok(err instanceof TemporalSettingsError, String(err));
    return err.message;
  }
  assert.fail(`${JSON.stringify(env)} was accepted`);
}

describe('Temporal connection settings (worker and drsctl)', () => {
  it('the former TEMPORAL_TLS_CERT / _KEY / _CA and the Temporal CLI names give the same connection', () => {
    const [cert, key, ca] = [file('c.pem', 'CERT'), file('c.key', 'KEY'), file('ca.pem', 'CA')];
    const former = resolveTemporalSettings({
      TEMPORAL_TLS_CERT: cert,
      TEMPORAL_TLS_KEY: key,
      TEMPORAL_TLS_CA: ca,
    });
    const standard = resolveTemporalSettings({
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
    });
    assert.deepEqual(temporalConnectionOptions(former), temporalConnectionOptions(standard));
    const tls = temporalConnectionOptions(former).tls;
    assert.equal(tls?.clientCertPair?.crt.toString(), 'CERT');
    assert.equal(tls?.serverRootCACertificate?.toString(), 'CA');
    const both = resolveTemporalSettings({
      TEMPORAL_TLS_CA: ca,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/other.pem',
    });
    assert.deepEqual(both.tls?.serverCa, { path: ca, from: 'TEMPORAL_TLS_CA' }, 'the former name wins');
  });

  it("reads the Temporal CLI's profile file; variables override it, flags override both", () => {
    const config = file(
      'temporal.toml',
      [
        '[profile.default]',
        'address = "default.example:7233"',
        '[profile.dr]',
        'address = "dr.example:7233"',
        'namespace = "dr-ns"',
        'api_key = "from-profile"',
        '[profile.dr.grpc_meta]',
        'x-team = "dr"',
      ].join('\n'),
    );
    assert.equal(resolveTemporalSettings({ TEMPORAL_CONFIG_FILE: config }).address, 'default.example:7233');
    const dr = resolveTemporalSettings({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'dr' });
    assert.deepEqual(
      [dr.address, dr.namespace, dr.apiKey, dr.grpcMeta],
      ['dr.example:7233', 'dr-ns', 'from-profile', { 'x-team': 'dr' }],
    );
    assert.ok(dr.tls, 'an API key implies TLS');
    const env = { TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'dr', TEMPORAL_NAMESPACE: 'env-ns' };
    assert.equal(resolveTemporalSettings(env).namespace, 'env-ns');
    assert.equal(resolveTemporalSettings(env, { namespace: 'flag-ns' }).namespace, 'flag-ns');
    assert.match(
      settingsError({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'nope' }),
      /temporal\.toml: Profile 'nope' not found/,
    );
  });

  it('TLS: off by default, on with an API key, a TLS file or a server name, off with TEMPORAL_TLS=false', () => {
    assert.equal(resolveTemporalSettings({}).tls, undefined);
    assert.equal(temporalConnectionOptions(resolveTemporalSettings({})).tls, undefined);
    assert.deepEqual(resolveTemporalSettings({ TEMPORAL_API_KEY: 'k' }).tls, {
      serverName: undefined,
      clientCert: undefined,
      clientKey: undefined,
      serverCa: undefined,
    });
    assert.equal(resolveTemporalSettings({ TEMPORAL_TLS_SERVER_NAME: 'x' }).tls?.serverName, 'x');
    assert.equal(resolveTemporalSettings({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).tls, undefined);
    assert.ok(resolveTemporalSettings({ TEMPORAL_TLS: 'false' }, { tls: true }).tls, 'the --tls flag wins');
    // docker-compose passes unset variables as empty strings
    assert.equal(resolveTemporalSettings({ TEMPORAL_API_KEY: '', TEMPORAL_TLS_CERT: '' }).tls, undefined);
  });

  it('takes inline PEM from *_DATA variables', () => {
    const s = resolveTemporalSettings({
      TEMPORAL_TLS_CLIENT_CERT_DATA: 'CERT',
      TEMPORAL_TLS_CLIENT_KEY_DATA: 'KEY',
    });
    const pair = temporalConnectionOptions(s).tls?.clientCertPair;
    assert.deepEqual([pair?.crt.toString(), pair?.key.toString()], ['CERT', 'KEY']);
  });

  it('names what is wrong: a certificate without its key, an unreadable file', () => {
    assert.equal(
      settingsError({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem' }),
      'TEMPORAL_TLS_CLIENT_KEY_PATH: mTLS needs both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH',
    );
    assert.throws(
      () => resolveTemporalSettings({}, { tlsKeyPath: '/c.key' }),
      /^TemporalSettingsError: --tls-cert-path: mTLS needs both --tls-key-path and --tls-cert-path$/,
    );
    const unreadable = resolveTemporalSettings({
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'missing.pem'),
    });
    assert.throws(
      () => temporalConnectionOptions(unreadable),
      /^TemporalSettingsError: TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read .*missing\.pem: ENOENT$/,
    );
  });
});
