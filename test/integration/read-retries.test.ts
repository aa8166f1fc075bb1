// Reads tried again within the call: the real DRS SDK client against a DRS stand-in on 127.0.0.1
// that fails the first requests of each operation (429 with Retry-After, or 500), so how many
// requests each call sent is exact.
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeJobsCommand, DrsClient, StartRecoveryCommand } from '@aws-sdk/client-drs';
import { ApplicationFailure } from '@temporalio/common';
import { drsCall, READ_ATTEMPTS } from '../../activities/errors';

/** Answers each operation's first `failures[operation]` requests with `status`, then 200. */
async function flakyDrs(status: 429 | 500, failures: Record<string, number>) {
  const requests = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const operation = (req.url ?? '').slice(1).split('?')[0];
    const n = (requests.get(operation) ?? 0) + 1;
    requests.set(operation, n);
    if (n <= (failures[operation] ?? 0)) {
      const type = status === 429 ? 'ThrottlingException' : 'InternalServerException';
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-errortype': type,
        ...(status === 429 ? { 'retry-after': '0.05' } : {}),
      });
      res.end(JSON.stringify({ message: `injected ${type}` }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(operation === 'DescribeJobs' ? { items: [] } : { job: { jobID: 'drsjob-1' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const drs = new DrsClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIASTUB', secretAccessKey: 'stub' },
    maxAttempts: 1, // as the worker's clients: the SDK never retries
  });
  const close = async () => {
    drs.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return { drs, requests: (operation: string) => requests.get(operation) ?? 0, close };
}

describe('DRS reads tried again within the call', () => {
  it('a throttled read is sent again after Retry-After and answers', async () => {
    const stand = await flakyDrs(429, { DescribeJobs: 2 });
    try {
      const out = await drsCall('DescribeJobs', () => stand.drs.send(new DescribeJobsCommand({})));
      assert.deepEqual(out.items, []);
      assert.equal(stand.requests('DescribeJobs'), 3);
    } finally {
      await stand.close();
    }
  });

  it(`a read failing every time fails after ${READ_ATTEMPTS} requests, still retryable for the activity`, async () => {
    const stand = await flakyDrs(500, { DescribeJobs: 100 });
    try {
      const err = await drsCall('DescribeJobs', () => stand.drs.send(new DescribeJobsCommand({}))).then(
        () => assert.fail('the read answered'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'InternalServerException');
      assert.equal(err.nonRetryable, false);
      assert.equal(stand.requests('DescribeJobs'), READ_ATTEMPTS);
    } finally {
      await stand.close();
    }
  });

  it('a call that creates a job is sent once: its failure goes to the activity (a lost response may have created it)', async () => {
    const stand = await flakyDrs(500, { StartRecovery: 1 });
    try {
      await assert.rejects(
        drsCall('StartRecovery', () =>
          stand.drs.send(
            new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: 's-1' }] }),
          ),
        ),
        (e: unknown) => e instanceof ApplicationFailure && e.type === 'InternalServerException',
      );
      assert.equal(stand.requests('StartRecovery'), 1);
    } finally {
      await stand.close();
    }
  });
});
