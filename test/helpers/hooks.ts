// Root hooks loaded by mocha (.mocharc.json): shared servers live for the whole run.
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { stopDevServer } from './temporal';

// Worker logs at ERROR: many tests fail workflows on purpose, and each would log a WARN with a stack
// that buries real failures (those fail their test anyway). No shutdownSignals: the worker's
// own signal tests emit SIGTERM/SIGINT in this process, and the Runtime's default handlers would
// then shut down every worker created for the rest of the run.
Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopDevServer();
  },
};
