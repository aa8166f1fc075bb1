import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError, describeConfig, loadWorkerConfig } from '../../worker/config';
import { temporalConnectionOptions as connectionOptions } from '../../common/temporal-connection';
import { connectToTemporal } from '../../worker/connection';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadWorkerConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `ConfigError expected, got ${err}`);
    return err;
  }
  assert.fail(`configuration ${JSON.stringify(env)} was accepted`);
}

describe('worker configuration', () => {
  it('starts from documented defaults with an empty environment', () => {
    const config = loadWorkerConfig({});
    assert.deepEqual(config.temporal, {
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'drs-orchestrator',
      apiKey: undefined,
      tls: undefined,
      grpcMeta: undefined,
    });
    assert.equal(config.aws.region, 'us-east-1');
    assert.equal(config.aws.drsEndpoint, undefined);
    assert.equal(config.metricsAddress, '127.0.0.1:9464');
    assert.equal(config.healthAddress, '127.0.0.1:8080');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.shutdownGraceSeconds, 20);
    assert.equal(config.shutdownForceSeconds, 30);
  });

  it('names every bad variable in one error', () => {
    const err = configError({
      WORKER_METRICS_ADDRESS: '9464',
      LOG_LEVEL: 'loud',
      WORKER_SHUTDOWN_GRACE_SECONDS: 'soon',
      WORKER_MAX_CONCURRENT_ACTIVITIES: '0',
    });
    for (const name of [
      'WORKER_METRICS_ADDRESS',
      'LOG_LEVEL',
      'WORKER_SHUTDOWN_GRACE_SECONDS',
      'WORKER_MAX_CONCURRENT_ACTIVITIES',
    ]) {
      assert.match(err.message, new RegExp(`${name}:`), `${name} named in: ${err.message}`);
    }
  });

  it('refuses a client certificate without its key, and a shutdown bound not above the grace time', () => {
    assert.match(
      configError({ TEMPORAL_TLS_CERT: '/etc/cert.pem' }).message,
      /TEMPORAL_TLS_KEY: mTLS needs both/,
    );
    assert.match(
      configError({ WORKER_SHUTDOWN_GRACE_SECONDS: '30', WORKER_SHUTDOWN_FORCE_SECONDS: '30' }).message,
      /WORKER_SHUTDOWN_FORCE_SECONDS: must be greater than WORKER_SHUTDOWN_GRACE_SECONDS/,
    );
  });

  it('reads per-account roles and rejects a malformed list', () => {
    const arn = 'arn:aws:iam::444455556666:role/DrsOrchestrator';
    const config = loadWorkerConfig({
      DRS_ACCOUNT_ROLE_ARNS: `444455556666=${arn}`,
      DRS_ACCOUNT_ROLE_NAME: 'Drs',
    });
    assert.deepEqual(config.aws.accountRoleArns, { '444455556666': arn });
    assert.equal(config.aws.accountRoleName, 'Drs');
    assert.match(
      configError({ DRS_ACCOUNT_ROLE_ARNS: '4444=role' }).message,
      /DRS_ACCOUNT_ROLE_ARNS: expected/,
    );
  });

  it('probes only own instances by default; reads allowed CIDRs and loopback, refusing a bad CIDR', () => {
    assert.deepEqual(loadWorkerConfig({}).probes, { allowedCidrs: [], allowLoopback: false });
    assert.deepEqual(
      loadWorkerConfig({
        DRS_PROBE_ALLOWED_CIDRS: '10.20.0.0/16, fd12::/64',
        DRS_PROBE_ALLOW_LOOPBACK: 'true',
      }).probes,
      { allowedCidrs: ['10.20.0.0/16', 'fd12::/64'], allowLoopback: true },
    );
    assert.match(
      configError({ DRS_PROBE_ALLOWED_CIDRS: '10.0.0.0/8,db.internal' }).message,
      /DRS_PROBE_ALLOWED_CIDRS: "db.internal" is not a CIDR/,
    );
  });

  it('serves every operation by default; reads DRS_ALLOWED_OPERATIONS, refusing an unknown name', () => {
    assert.deepEqual(loadWorkerConfig({}).allowedOperations, [
      'drill',
      'recovery',
      'failback',
      'replication',
      'plan',
      'readiness',
      'reconcile',
      'reprotect',
      'extend',
    ]);
    assert.deepEqual(loadWorkerConfig({ DRS_ALLOWED_OPERATIONS: 'drill, readiness' }).allowedOperations, [
      'drill',
      'readiness',
    ]);
    assert.match(
      configError({ DRS_ALLOWED_OPERATIONS: 'drill,failover' }).message,
      /DRS_ALLOWED_OPERATIONS: "failover" is not one of drill, recovery/,
    );
  });

  it('reads the approver lists per operation', () => {
    assert.deepEqual(loadWorkerConfig({}).approvers, {});
    assert.deepEqual(
      loadWorkerConfig({ DRS_APPROVERS_RECOVERY: 'alice@ops, bob@ops', DRS_APPROVERS_PLAN: 'carol@ops' })
        .approvers,
      { recovery: ['alice@ops', 'bob@ops'], plan: ['carol@ops'] },
    );
  });

  it('uses the emulator only when DRS_EMULATOR says so, never because an endpoint is set', () => {
    const endpoint = 'https://vpce-0a1b2c3d-drs.drs.us-east-1.vpce.amazonaws.com';
    const real = loadWorkerConfig({ DRS_ENDPOINT: endpoint }).aws;
    assert.deepEqual([real.emulator, real.drsEndpoint, real.stsEndpoint], [false, endpoint, undefined]);
    const sts = 'https://sts-fips.us-east-1.amazonaws.com';
    assert.equal(loadWorkerConfig({ DRS_ENDPOINT: endpoint, STS_ENDPOINT: sts }).aws.stsEndpoint, sts);

    const emulated = loadWorkerConfig({ DRS_EMULATOR: 'true', DRS_ENDPOINT: 'http://emulator:4566' }).aws;
    assert.equal(emulated.emulator, true);
    assert.equal(emulated.stsEndpoint, 'http://emulator:4566', "the emulator's STS, on its port");
    assert.match(
      JSON.stringify(describeConfig(loadWorkerConfig({ DRS_ENDPOINT: endpoint }))),
      /default chain/,
    );
  });

  it('refuses an emulator setting without its address or pointed at AWS, and malformed endpoints', () => {
    assert.match(configError({ DRS_EMULATOR: 'true' }).message, /DRS_EMULATOR: needs DRS_ENDPOINT/);
    assert.match(
      configError({ DRS_EMULATOR: 'true', DRS_ENDPOINT: 'https://drs-fips.us-east-1.amazonaws.com' }).message,
      /DRS_EMULATOR: DRS_ENDPOINT drs-fips\.us-east-1\.amazonaws\.com is an AWS endpoint, not the emulator/,
    );
    assert.match(
      configError({
        DRS_EMULATOR: 'true',
        DRS_ENDPOINT: 'http://127.0.0.1:4566',
        STS_ENDPOINT: 'https://sts.us-east-1.amazonaws.com',
      }).message,
      /DRS_EMULATOR: STS_ENDPOINT sts\.us-east-1\.amazonaws\.com is an AWS endpoint/,
    );
    const malformed = configError({
      DRS_EMULATOR: 'yes',
      DRS_ENDPOINT: 'drs.internal:443',
      STS_ENDPOINT: 'ftp://sts.internal',
    }).message;
    for (const name of ['DRS_EMULATOR', 'DRS_ENDPOINT', 'STS_ENDPOINT'])
      assert.match(malformed, new RegExp(`${name}:`), `${name} named in: ${malformed}`);
  });

  it('shows the API key only as "set" in the startup summary', () => {
    const summary = JSON.stringify(describeConfig(loadWorkerConfig({ TEMPORAL_API_KEY: 'tk-very-secret' })));
    assert.doesNotMatch(summary, /tk-very-secret/);
    assert.match(summary, /"apiKey":"set"/);
  });
});

describe('worker connection options', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'drs-tls-'));
  const file = (name: string, text: string) => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  it('plain gRPC without TLS settings; TLS + API key for Temporal Cloud', () => {
    assert.equal(connectionOptions(loadWorkerConfig({}).temporal).tls, undefined);
    const cloud = connectionOptions(
      loadWorkerConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k' }).temporal,
    );
    assert.equal(cloud.apiKey, 'k');
    assert.ok(cloud.tls, 'an API key implies TLS');
  });

  it('mTLS reads the certificate, key and CA files', () => {
    const options = connectionOptions(
      loadWorkerConfig({
        TEMPORAL_TLS_CERT: file('client.pem', 'CERT'),
        TEMPORAL_TLS_KEY: file('client.key', 'KEY'),
        TEMPORAL_TLS_CA: file('ca.pem', 'CA'),
      }).temporal,
    );
    assert.ok(options.tls && typeof options.tls === 'object');
    assert.equal(options.tls.clientCertPair?.crt.toString(), 'CERT');
    assert.equal(options.tls.clientCertPair?.key.toString(), 'KEY');
    assert.equal(options.tls.serverRootCACertificate?.toString(), 'CA');
  });

  it('names the variable whose file cannot be read (a configuration error: exit 2)', async () => {
    const temporal = loadWorkerConfig({
      TEMPORAL_TLS_CERT: file('c.pem', 'CERT'),
      TEMPORAL_TLS_KEY: path.join(dir, 'missing.key'),
    }).temporal;
    await assert.rejects(
      () => connectToTemporal(temporal),
      (err: Error) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /^TEMPORAL_TLS_KEY: cannot read .*missing\.key: ENOENT/);
        return true;
      },
    );
  });
});
