// Root hooks loaded by mocha (.mocharc.json): shared servers live for the whole run.
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { stopDevServer } from './temporal';

// Keep worker logs to warnings so the test output stays readable. No shutdownSignals: the worker's
// own signal tests emit SIGTERM/SIGINT in this process, and the Runtime's default handlers would
// then shut down every worker created for the rest of the run.
Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopDevServer();
  },
};
