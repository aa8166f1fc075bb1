// How DRS errors become Temporal failures: which ones stop and which ones retry (that the SDK
// makes one attempt per call is counted on the wire in test/integration/one-sdk-attempt.test.ts).
import { strict as assert } from 'node:assert';
import {
  AccessDeniedException,
  ConflictException,
  InternalServerException,
  ResourceNotFoundException,
  ThrottlingException,
  UninitializedAccountException,
  ValidationException,
} from '@aws-sdk/client-drs';
import { AwsClientFactory } from '../../activities/drs-client';
import { classifyDrsError } from '../../activities/errors';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

describe('DRS error classification', () => {
  const nonRetryable = [
    new ValidationException({ message: 'sourceServers: too many', ...meta(400) }),
    new ResourceNotFoundException({ message: 'Source server s-1 not found', ...meta(404) }),
    new ConflictException({ message: 'server is busy in job drsjob-1', ...meta(409) }),
    new UninitializedAccountException({ message: 'Account not initialized', ...meta(400) }),
    new AccessDeniedException({ message: 'not allowed', ...meta(403) }),
  ];
  for (const err of nonRetryable) {
    it(`${err.name} is non-retryable and keeps DRS's message`, () => {
      const failure = classifyDrsError('StartRecovery', err);
      assert.equal(failure.nonRetryable, true);
      assert.equal(failure.type, err.name);
      assert.equal(failure.message, `StartRecovery: ${err.message}`);
    });
  }

  it('throttling is retryable and honours Retry-After as the next retry delay', () => {
    const err = new ThrottlingException({ message: 'Rate exceeded', retryAfterSeconds: '7', ...meta(429) });
    const failure = classifyDrsError('DescribeJobs', err);
    assert.equal(failure.nonRetryable, false);
    assert.equal(failure.type, 'ThrottlingException');
    assert.equal(failure.nextRetryDelay, 7000);
  });

  it('5xx and network errors are retryable', () => {
    const server = classifyDrsError(
      'DescribeJobs',
      new InternalServerException({ message: 'boom', ...meta(500) }),
    );
    assert.equal(server.nonRetryable, false);
    assert.equal(server.type, 'InternalServerException');
    const gateway = classifyDrsError('DescribeJobs', Object.assign(new Error('bad gateway'), meta(502)));
    assert.equal(gateway.nonRetryable, false);
    const status429 = classifyDrsError('DescribeJobs', Object.assign(new Error('slow down'), meta(429)));
    assert.equal(status429.nonRetryable, false);
    const network = [
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      Object.assign(new Error('getaddrinfo ENOTFOUND drs'), { code: 'ENOTFOUND' }),
      Object.assign(new Error('no route'), { code: 'EHOSTUNREACH' }),
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      Object.assign(new Error('aborted'), { name: 'AbortError' }),
    ];
    for (const err of network) {
      const failure = classifyDrsError('DescribeJobs', err);
      assert.equal(failure.nonRetryable, false, err.message);
      assert.equal(failure.type, 'NetworkError', err.message);
    }
    const marked = classifyDrsError('DescribeJobs', Object.assign(new Error('retry me'), { $retryable: {} }));
    assert.equal(marked.nonRetryable, false);
  });

  it('an unknown 4xx or a plain bug is not retried', () => {
    assert.equal(classifyDrsError('X', Object.assign(new Error('teapot'), meta(418))).nonRetryable, true);
    assert.equal(classifyDrsError('X', new TypeError('undefined is not a function')).nonRetryable, true);
  });

  it('caches one client per account and region', () => {
    const clients = new AwsClientFactory({ defaultRegion: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
    try {
      assert.equal(clients.drsClient('us-east-1'), clients.drsClient(undefined));
      assert.notEqual(clients.drsClient('us-east-1'), clients.drsClient('eu-west-1'));
      assert.notEqual(clients.drsClient('us-east-1'), clients.drsClient('us-east-1', '444455556666'));
    } finally {
      clients.destroy();
    }
  });
});
