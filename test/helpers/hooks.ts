// Root hooks loaded by mocha (.mocharc.json): shared servers live for the whole run.
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { stopDevServer } from './temporal';

// Worker logs at ERROR: many tests fail workflows on purpose, and each would log a WARN with a stack
// that buries real failures (those fail their test anyway). No shutdownSignals: the worker's
// own signal tests emit SIGTERM/SIGINT in this process, and the Runtime's default handlers would
// then shut down every worker created for the rest of the run. Core's own logs go through the same
// logger (by default core prints WARNs to the console, e.g. one per worker about the Java test
// server not advertising a capability it lacks).
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  shutdownSignals: [],
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
});

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopDevServer();
  },
};
