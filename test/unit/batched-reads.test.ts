// The batching behind boot waits: every instance asked about on one client within the window is
// read by one call (per 100 ids), each waiter gets its own answer, and a failed call fails only
// the waits it served. The EC2/SSM wire is covered by the workflow tests against the emulator.
import { strict as assert } from 'node:assert';
import { BatchedReader } from '../../activities/batched-reads';

describe('batched reads (boot waits)', () => {
  it('serves every id asked for on one client in the same window with one call per 100 ids', async () => {
    const calls: string[][] = [];
    const reader = new BatchedReader<object, string>(100, async (_client, ids) => {
      calls.push(ids);
      return new Map(ids.filter((id) => id !== 'i-missing').map((id) => [id, `status of ${id}`]));
    });
    const client = {};
    const other = {};
    const ids = Array.from({ length: 150 }, (_, i) => `i-${i}`);
    const answers = await Promise.all([
      ...ids.map((id) => reader.get(client, id)),
      reader.get(client, 'i-0'), // a second wait on the same instance
      reader.get(client, 'i-missing'),
      reader.get(other, 'i-elsewhere'),
    ]);
    assert.deepEqual(
      calls.map((c) => c.length),
      [100, 51, 1],
      'one call per 100 ids per client',
    );
    assert.equal(answers[0], 'status of i-0');
    assert.equal(answers[149], 'status of i-149');
    assert.equal(answers[150], 'status of i-0');
    assert.equal(answers[151], undefined, 'not listed: undefined');
    assert.equal(answers[152], 'status of i-elsewhere');
  });

  it('fails the waits a failed call served, not the others', async () => {
    const reader = new BatchedReader<object, string>(1, async (_client, [id]) => {
      if (id === 'i-bad') throw new Error('throttled');
      return new Map([[id, 'ok']]);
    });
    const client = {};
    const [bad, good] = await Promise.allSettled([reader.get(client, 'i-bad'), reader.get(client, 'i-good')]);
    assert.equal(bad.status, 'rejected');
    assert.deepEqual(good, { status: 'fulfilled', value: 'ok' });
  });
});
