import { strict as assert } from 'node:assert';
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

  it('assumes a role only for another account, once per account, and never against the emulator', () => {
    const credentialsFor = accountCredentials(aws);
    assert.equal(credentialsFor(undefined), undefined, "the worker's own account: default chain");
    const provider = credentialsFor('444455556666');
    assert.equal(typeof provider, 'function');
    assert.equal(credentialsFor('444455556666'), provider, 'cached: one STS session per account');
    assert.notEqual(credentialsFor('777788889999'), provider);
    const emulated = accountCredentials({ ...aws, drsEndpoint: 'http://127.0.0.1:4566' });
    assert.equal(emulated('444455556666'), undefined);
  });
});
