// Loaded by mocha (.mocharc.json) in the main process and in each parallel worker process: the
// worker runtime's settings, and the run's one dev server as global fixtures (main process only).
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { startDevServer, stopDevServer } from './temporal';

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

export async function mochaGlobalSetup(): Promise<void> {
  await startDevServer();
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stopDevServer();
}
