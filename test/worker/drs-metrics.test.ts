import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeJobsCommand, DescribeSourceServersCommand } from '@aws-sdk/client-drs';
import type { MetricMeter, MetricTags } from '@temporalio/common';
import { InstrumentedDrsClientFactory } from '../../worker/drs-clients';

/** A MetricMeter that keeps counter sums by name and tags. */
function recordingMeter() {
  const sums = new Map<string, number>();
  const key = (name: string, tags: MetricTags = {}) => `${name}${JSON.stringify(tags)}`;
  const counter = (name: string) => ({
    name,
    valueType: 'int' as const,
    add(value: number, tags?: MetricTags) {
      sums.set(key(name, tags), (sums.get(key(name, tags)) ?? 0) + value);
    },
    withTags() {
      return this;
    },
  });
  const meter = {
    createCounter: counter,
    createHistogram: (name: string) => ({ ...counter(name), record: () => undefined }),
    createGauge: (name: string) => ({ ...counter(name), set: () => undefined }),
    withTags: () => meter,
  } as unknown as MetricMeter;
  return { meter, count: (name: string, tags: MetricTags) => sums.get(key(name, tags)) ?? 0 };
}

/** A DRS stand-in: DescribeJobs is throttled, DescribeSourceServers answers. */
async function stubDrs(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/DescribeJobs')) {
      res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException' });
      res.end(JSON.stringify({ message: 'Rate exceeded' }));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [] }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('DRS call metrics', () => {
  it('counts each request by operation and result, throttles and errors by name separately', async () => {
    const { server, url } = await stubDrs();
    const { meter, count } = recordingMeter();
    const factory = new InstrumentedDrsClientFactory(
      {
        endpoint: url,
        defaultRegion: 'us-east-1',
        // the stub checks no signature; static keys keep the SDK's default chain out of it
        credentialsFor: () => ({ accessKeyId: 'AKIASTUB', secretAccessKey: 'stub' }),
      },
      meter,
    );
    try {
      // the factory hands out the cached client again: it must not be instrumented twice
      await factory.drsClient(undefined).send(new DescribeSourceServersCommand({}));
      await factory.drsClient(undefined).send(new DescribeSourceServersCommand({}));
      await assert.rejects(factory.drsClient(undefined).send(new DescribeJobsCommand({})), {
        name: 'ThrottlingException',
      });
      assert.equal(count('drs_api_calls_total', { operation: 'DescribeSourceServers', result: 'ok' }), 2);
      assert.equal(count('drs_api_calls_total', { operation: 'DescribeJobs', result: 'throttled' }), 1);
      assert.equal(count('drs_api_throttles_total', { operation: 'DescribeJobs' }), 1);
      assert.equal(count('drs_api_throttles_total', { operation: 'DescribeSourceServers' }), 0);
      assert.equal(
        count('drs_api_errors_total', { operation: 'DescribeJobs', error: 'ThrottlingException' }),
        1,
      );
      assert.equal(count('drs_api_errors_total', { operation: 'DescribeSourceServers', error: 'Other' }), 0);
    } finally {
      factory.destroy();
      server.close();
    }
  });
});
