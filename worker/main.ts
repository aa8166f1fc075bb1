// The worker process (`npm run worker`, the container's entry point). Exit codes: 0 after a
// graceful shutdown, 1 when the worker failed or the shutdown bound was reached, 2 for invalid
// configuration, 3 when Temporal cannot be reached.
import { makeTelemetryFilterString, Runtime, type Worker } from '@temporalio/worker';
import { ConfigError, describeConfig, loadWorkerConfig } from './config';
import { connectToTemporal, TemporalUnreachableError } from './connection';
import { createDrsWorker } from './create-worker';
import { openEvidenceStore } from '../common/evidence-store/store';
import { startHealthServer } from './health';
import { createLogger, PinoTemporalLogger } from './logging';
import { prometheusExporter } from './metrics';
import { ensureReconcileSchedule } from './reconcile-schedule';
import { handleShutdownSignals } from './shutdown';
import { describeWorkflowCode, loadWorkflowCode } from './workflow-code';

async function main(): Promise<number> {
  const config = loadWorkerConfig();
  const logger = createLogger(config.logLevel);
  Runtime.install({
    logger: new PinoTemporalLogger(logger),
    // signals are ours (worker/shutdown.ts): the bound and the health state follow them
    shutdownSignals: [],
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) },
      metrics: prometheusExporter(config.metricsAddress),
    },
  });
  logger.info({ config: describeConfig(config) }, 'worker starting');

  const started: { worker?: Worker } = {};
  const stopHandlingSignals = handleShutdownSignals({
    logger,
    // before polling starts nothing is in flight: leave at once
    drain: () => (started.worker ? started.worker.shutdown() : process.exit(0)),
    forceAfterMs: config.shutdownForceSeconds * 1000,
  });
  const workflowCode = await loadWorkflowCode(config.workflowCode, Runtime.instance().logger);
  const shown = describeWorkflowCode(config.workflowCode, workflowCode);
  if (workflowCode.source === 'bundle') logger.info(shown, 'workflow code: prebuilt bundle');
  // production images run a prebuilt bundle; bundling here costs seconds and memory at every start
  else logger.warn(shown, 'workflow code: bundled from source at start');
  const connection = await connectToTemporal(config.temporal);
  const evidenceStore = openEvidenceStore(config.evidence);
  // an auditor's requirements, not the worker's: a bucket that lacks them is a warning, not a stop
  for (const warning of await evidenceStore.settingsWarnings())
    logger.warn({ evidenceStore: evidenceStore.location }, `evidence store: ${warning}`);
  const drsWorker = await createDrsWorker(connection, config, workflowCode, evidenceStore);
  const worker = (started.worker = drsWorker.worker);
  const running = worker.run();
  // a worker that may not reconcile creates no schedule whose runs it would refuse
  if (config.reconcile && config.allowedOperations.includes('reconcile')) {
    const schedule = {
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      region: config.aws.region,
      ...config.reconcile,
    };
    // the worker serves without it: a missing schedule is a warning, not a reason to stop
    await ensureReconcileSchedule(connection, schedule).then(
      (result) => logger.info({ ...schedule, result }, 'drsReconcile schedule'),
      (err: Error) => logger.warn({ ...schedule, error: err.message }, 'drsReconcile schedule not created'),
    );
  }
  const health = await startHealthServer(config.healthAddress, () => ({
    healthy: worker.getState() === 'RUNNING',
    state: worker.getState(),
    taskQueue: config.temporal.taskQueue,
  }));
  logger.info(
    {
      taskQueue: config.temporal.taskQueue,
      namespace: config.temporal.namespace,
      metrics: `http://${config.metricsAddress}/metrics`,
      health: health.url,
    },
    'worker polling',
  );
  try {
    await running;
    logger.info('worker stopped: every in-flight task finished or was handed back');
    return 0;
  } finally {
    stopHandlingSignals();
    drsWorker.dispose();
    await health.close();
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    const code = err instanceof ConfigError ? 2 : err instanceof TemporalUnreachableError ? 3 : 1;
    // one JSON line on stderr: the logger may not exist yet (its level is configuration)
    const line = {
      level: 'error',
      time: new Date().toISOString(),
      msg: `worker failed: ${err.message}`,
      error: err.name,
    };
    console.error(JSON.stringify(line));
    process.exit(code);
  },
);
