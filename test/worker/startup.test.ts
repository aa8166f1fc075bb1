import { strict as assert } from 'node:assert';
import { freePort } from '../helpers/temporal';
import { WorkerProcess, workerEnv } from './worker-process';

describe('worker process start', () => {
  it('refuses an invalid configuration with exit code 2 and a message naming each variable', async () => {
    const worker = new WorkerProcess(
      await workerEnv({ LOG_LEVEL: 'loud', WORKER_HEALTH_ADDRESS: 'everywhere' }),
    );
    const { code } = await worker.exited;
    assert.equal(code, 2, worker.output);
    assert.match(
      worker.output,
      /worker failed: invalid environment: .*WORKER_HEALTH_ADDRESS: expected host:port/,
    );
    assert.match(worker.output, /LOG_LEVEL:/);
  });

  it('refuses DRS_EMULATOR without the emulator address before connecting anywhere (exit 2)', async () => {
    const worker = new WorkerProcess(await workerEnv({ DRS_EMULATOR: 'true' }));
    const { code } = await worker.exited;
    assert.equal(code, 2, worker.output);
    assert.match(worker.output, /invalid environment: DRS_EMULATOR: needs DRS_ENDPOINT/);
  });

  it('exits 2 when the configured workflow bundle is not there, or the deployment name has a dot', async () => {
    const missing = new WorkerProcess(await workerEnv({ WORKER_WORKFLOW_BUNDLE: '/nonexistent/bundle.js' }));
    assert.equal((await missing.exited).code, 2, missing.output);
    assert.match(missing.output, /WORKER_WORKFLOW_BUNDLE: no file at \/nonexistent\/bundle\.js/);
    const dotted = new WorkerProcess(await workerEnv({ TEMPORAL_DEPLOYMENT_NAME: 'temporal.drs' }));
    assert.equal((await dotted.exited).code, 2, dotted.output);
    assert.match(dotted.output, /TEMPORAL_DEPLOYMENT_NAME: at most 255 characters, without '\.'/);
  });

  it('exits 3 when Temporal is unreachable, without ever printing a credential', async () => {
    const secrets = { TEMPORAL_API_KEY: 'tk-never-print-me', AWS_SECRET_ACCESS_KEY: 'aws-never-print-me' };
    const worker = new WorkerProcess(
      await workerEnv({
        ...secrets,
        TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
        AWS_ACCESS_KEY_ID: 'AKIA111122223333TEST',
        AWS_SESSION_TOKEN: 'aws-token-never-print-me',
        LOG_LEVEL: 'trace',
      }),
    );
    const { code } = await worker.exited;
    assert.equal(code, 3, worker.output);
    assert.match(worker.output, /cannot connect to Temporal at 127\.0\.0\.1:\d+/);
    const starting = worker.logs.find((l) => l.msg === 'worker starting');
    assert.ok(starting, 'the startup line shows the configuration');
    for (const secret of [...Object.values(secrets), 'aws-token-never-print-me']) {
      assert.ok(!worker.output.includes(secret), `${secret} printed:\n${worker.output}`);
    }
  });
});
