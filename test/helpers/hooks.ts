// Root hooks loaded by mocha (.mocharc.json): shared servers live for the whole run.
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { stopDevServer } from './temporal';

// Keep worker logs to warnings so the test output stays readable.
Runtime.install({ logger: new DefaultLogger('WARN') });

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopDevServer();
  },
};
