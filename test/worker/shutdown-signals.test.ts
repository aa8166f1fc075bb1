import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import { createLogger } from '../../worker/logging';
import { handleShutdownSignals } from '../../worker/shutdown';

const silent = createLogger('error', new Writable({ write: (_c, _e, done) => done() }));

describe('worker shutdown signals', () => {
  it('drains on the first SIGTERM and exits on the second', () => {
    const calls: string[] = [];
    const stop = handleShutdownSignals({
      logger: silent,
      drain: () => calls.push('drain'),
      forceAfterMs: 60_000,
      exit: (code) => calls.push(`exit ${code}`),
    });
    try {
      process.emit('SIGTERM', 'SIGTERM');
      assert.deepEqual(calls, ['drain']);
      process.emit('SIGINT', 'SIGINT');
      assert.deepEqual(calls, ['drain', 'exit 1']);
    } finally {
      stop();
    }
  });

  it('exits when the bound passes while the drain is still running', async () => {
    const calls: string[] = [];
    const stop = handleShutdownSignals({
      logger: silent,
      drain: () => calls.push('drain'),
      forceAfterMs: 20,
      exit: (code) => calls.push(`exit ${code}`),
    });
    try {
      process.emit('SIGTERM', 'SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(calls, ['drain', 'exit 1']);
    } finally {
      stop();
    }
  });

  it('removes its handlers when the worker stopped on its own', () => {
    const before = process.listenerCount('SIGTERM');
    const stop = handleShutdownSignals({ logger: silent, drain: () => undefined, forceAfterMs: 1000 });
    assert.equal(process.listenerCount('SIGTERM'), before + 1);
    stop();
    assert.equal(process.listenerCount('SIGTERM'), before);
  });
});
