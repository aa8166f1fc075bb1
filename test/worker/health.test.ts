import { strict as assert } from 'node:assert';
import { startHealthServer, splitHostPort } from '../../worker/health';

describe('worker health endpoint', () => {
  it('answers 200 while the worker runs and 503 once it drains', async () => {
    let state = 'RUNNING';
    const health = await startHealthServer('127.0.0.1:0', () => ({
      healthy: state === 'RUNNING',
      state,
      taskQueue: 'drs-orchestrator',
    }));
    try {
      const running = await fetch(health.url);
      assert.equal(running.status, 200);
      assert.deepEqual(await running.json(), {
        status: 'ok',
        state: 'RUNNING',
        taskQueue: 'drs-orchestrator',
      });
      state = 'DRAINING';
      const draining = await fetch(health.url);
      assert.equal(draining.status, 503);
      assert.equal(((await draining.json()) as { state: string }).state, 'DRAINING');
      assert.equal((await fetch(health.url.replace('/healthz', '/other'))).status, 404);
    } finally {
      await health.close();
    }
  });

  it('splits host:port including bracketed IPv6', () => {
    assert.deepEqual(splitHostPort('0.0.0.0:8080'), { host: '0.0.0.0', port: 8080 });
    assert.deepEqual(splitHostPort('[::1]:9464'), { host: '::1', port: 9464 });
  });
});
