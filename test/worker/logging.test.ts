import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import { createLogger, PinoTemporalLogger } from '../../worker/logging';

function memoryLogger(level: 'info' | 'debug' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}

describe('worker logging', () => {
  it('writes one JSON object per line with level name, time and message', () => {
    const { logger, lines } = memoryLogger();
    logger.info({ taskQueue: 'q' }, 'worker polling');
    logger.debug('below the level');
    assert.equal(lines.length, 1);
    assert.equal(lines[0].level, 'info');
    assert.equal(lines[0].msg, 'worker polling');
    assert.equal(lines[0].taskQueue, 'q');
    assert.match(String(lines[0].time), /^\d{4}-\d\d-\d\dT/);
  });

  it("carries Temporal's workflow and activity metadata as fields, and failures as err", () => {
    const { logger, lines } = memoryLogger('debug');
    const temporal = new PinoTemporalLogger(logger);
    temporal.warn('Activity failed', {
      sdkComponent: 'activity',
      workflowId: 'drill-1',
      workflowRunId: 'run-1',
      activityType: 'startDrillJob',
      error: new Error('ThrottlingException'),
    });
    temporal.log('DEBUG', 'Workflow started', { workflowId: 'drill-1', workflowType: 'drsDrill' });
    assert.equal(lines.length, 2);
    assert.deepEqual(
      [lines[0].level, lines[0].workflowId, lines[0].activityType, lines[0].workflowRunId],
      ['warn', 'drill-1', 'startDrillJob', 'run-1'],
    );
    assert.equal((lines[0].err as { message: string }).message, 'ThrottlingException');
    assert.deepEqual([lines[1].level, lines[1].workflowType], ['debug', 'drsDrill']);
  });

  it('redacts credentials wherever a known secret field appears', () => {
    const { logger, lines } = memoryLogger();
    logger.info(
      {
        apiKey: 'tk-top-level',
        connection: { apiKey: 'tk-nested', address: 'x:7233' },
        credentials: { secretAccessKey: 'aws-secret', sessionToken: 'aws-token' },
        headers: { authorization: 'Bearer abc' },
      },
      'connecting',
    );
    const text = JSON.stringify(lines);
    for (const secret of ['tk-top-level', 'tk-nested', 'aws-secret', 'aws-token', 'Bearer abc']) {
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    }
    assert.match(text, /x:7233/);
  });
});
