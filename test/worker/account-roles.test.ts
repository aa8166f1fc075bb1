import { strict as assert } from 'node:assert';
import { DescribeSourceServersCommand } from '@aws-sdk/client-drs';
import { ApplicationFailure } from '@temporalio/common';
import { AwsClientFactory } from '../../activities/drs-client';
import { DEFAULT_ACCOUNT, STAGING_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';
import { loadWorkerConfig } from '../../worker/config';
import { accountCredentials, roleArnFor } from '../../worker/drs-clients';

describe('per-account roles', () => {
  const listed = 'arn:aws:iam::444455556666:role/drs-ops';
  const aws = loadWorkerConfig({
    DRS_ACCOUNT_ROLE_ARNS: `444455556666=${listed}`,
    DRS_ACCOUNT_ROLE_NAME: 'temporal-drs',
  }).aws;

  it('uses a listed ARN first, then the role name in the named account', () => {
    assert.equal(roleArnFor(aws, '444455556666'), listed);
    assert.equal(roleArnFor(aws, '777788889999'), 'arn:aws:iam::777788889999:role/temporal-drs');
    assert.equal(roleArnFor(loadWorkerConfig({}).aws, '777788889999'), undefined);
  });

  it('assumes a role only for another account, once per account, with or without an endpoint override', () => {
    for (const config of [aws, { ...aws, drsEndpoint: 'https://drs-fips.us-east-1.amazonaws.com' }]) {
      const credentialsFor = accountCredentials(config);
      assert.equal(credentialsFor(undefined), undefined, "the worker's own account: default chain");
      const provider = credentialsFor('444455556666');
      assert.equal(typeof provider, 'function', 'an assumed role');
      assert.equal(credentialsFor('444455556666'), provider, 'cached: one STS session per account');
      assert.notEqual(credentialsFor('777788889999'), provider);
    }
  });

  it('refuses an accountId with no role configured, naming the field, instead of using its own credentials', () => {
    for (const config of [
      loadWorkerConfig({}).aws,
      loadWorkerConfig({ DRS_EMULATOR: 'true', DRS_ENDPOINT: 'http://127.0.0.1:1' }).aws,
    ]) {
      const credentialsFor = accountCredentials(config);
      assert.throws(
        () => credentialsFor('777788889999'),
        (err: unknown) => {
          assert.ok(err instanceof ApplicationFailure);
          assert.equal(err.type, 'InvalidInput');
          assert.equal(err.nonRetryable, true);
          assert.match(
            err.message,
            /^accountId: no role to assume in account 777788889999 \(set DRS_ACCOUNT_ROLE_ARNS/,
          );
          return true;
        },
      );
    }
  });

  describe('with DRS_EMULATOR (through the emulator)', () => {
    let emulator: RunningEmulator;
    let clients: AwsClientFactory;

    before(async () => {
      emulator = await startEmulator({ quiet: true });
      const config = loadWorkerConfig({
        DRS_EMULATOR: 'true',
        DRS_ENDPOINT: emulator.url,
        DRS_ACCOUNT_ROLE_NAME: 'temporal-drs',
      }).aws;
      clients = new AwsClientFactory({
        endpoint: config.drsEndpoint,
        defaultRegion: config.region,
        credentialsFor: accountCredentials(config),
      });
    });
    after(async () => {
      clients.destroy();
      await emulator.close();
    });

    it("signs with the emulator's keys and reaches other accounts by AssumeRole at its STS", async () => {
      await clients.drsClient('us-east-1').send(new DescribeSourceServersCommand({}));
      await clients.drsClient('us-east-1', STAGING_ACCOUNT).send(new DescribeSourceServersCommand({}));
      const audit = await emulator.control.audit();
      assert.deepEqual(
        audit.map((e) => [e.operation, e.accountId]),
        [
          ['DescribeSourceServers', DEFAULT_ACCOUNT],
          ['sts:AssumeRole', DEFAULT_ACCOUNT],
          ['DescribeSourceServers', STAGING_ACCOUNT],
        ],
      );
      const assumed = audit[1].request as { RoleArn: string; RoleSessionName: string };
      assert.equal(assumed.RoleArn, `arn:aws:iam::${STAGING_ACCOUNT}:role/temporal-drs`);
      assert.equal(assumed.RoleSessionName, 'temporal-drs-worker');
    });
  });
});
