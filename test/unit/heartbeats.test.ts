import { strict as assert } from 'node:assert';
import { mock } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { withHeartbeats } from '../../activities/heartbeats';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('activity heartbeats (activities/heartbeats.ts)', () => {
  const { slow } = withHeartbeats({
    async slow(ms: number) {
      await pause(ms);
      return `slept ${ms}`;
    },
  });

  it('heartbeats five times per heartbeat timeout while the activity runs, and stops when it ends', async () => {
    // Node's mock clock, not real timers: a loaded machine fires real ones late and merges missed
    // intervals, so a count of real heartbeats is a timing bound
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    try {
      const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 100 });
      let beats = 0;
      env.on('heartbeat', () => (beats += 1));
      const result = env.run(slow, 300);
      await new Promise(setImmediate); // the activity is running: its timers are set
      mock.timers.tick(300);
      assert.equal(await result, 'slept 300');
      assert.equal(beats, 15, 'one every 20 ms for 300 ms');
      mock.timers.tick(100);
      assert.equal(beats, 15, 'no heartbeat after the activity returned');
    } finally {
      mock.timers.reset();
    }
  });

  it('sends none without a heartbeat timeout, and runs outside a worker (a test calling it directly)', async () => {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: undefined });
    let beats = 0;
    env.on('heartbeat', () => (beats += 1));
    assert.equal(await env.run(slow, 100), 'slept 100');
    assert.equal(beats, 0);
    assert.equal(await slow(10), 'slept 10');
  });

  it('stops heartbeating when the activity fails', async () => {
    const { failing } = withHeartbeats({
      async failing() {
        await pause(100);
        throw new Error('DRS said no');
      },
    });
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 50 });
    let beats = 0;
    env.on('heartbeat', () => (beats += 1));
    await assert.rejects(env.run(failing), /DRS said no/);
    const atEnd = beats;
    assert.ok(atEnd > 0);
    await pause(60);
    assert.equal(beats, atEnd);
  });
});
