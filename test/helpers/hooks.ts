// Loaded by mocha (.mocharc.json) in the main process and in each parallel worker process: the
// worker runtime's settings, and the run's one dev server as global fixtures (main process only).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { startDevServer, stopDevServer } from './temporal';

// Worker logs at ERROR: many tests fail workflows on purpose, and each would log a WARN with a stack
// that buries real failures (those fail their test anyway). No shutdownSignals: the worker's
// own signal tests emit SIGTERM/SIGINT in this process, and the Runtime's default handlers would
// then shut down every worker created for the rest of the run. Core's own logs go through the same
// logger (by default core prints WARNs to the console, e.g. one per worker about the Java test
// server not advertising a capability it lacks).
// Activities built without an evidence store write to the default one under the data folder: a
// folder of this process, not the project's .data (the emulator's server ids repeat across runs,
// and readiness would find another run's drills there).
process.env.TEMPORAL_DRS_DATA ??= mkdtempSync(path.join(tmpdir(), 'temporal-drs-test-data-'));

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
