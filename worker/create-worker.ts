// The Temporal Worker for the product's task queue: every workflow (workflows/index.ts, as the
// bundle worker/workflow-code.ts chose) and every activity (activities/index.ts, DRS clients from
// the worker's configuration).
import { Runtime, Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { WorkerConfig } from './config';
import { createDrsClientFactory } from './drs-clients';
import { deploymentOptions, type WorkflowCode } from './workflow-code';

export interface DrsWorker {
  worker: Worker;
  /** Releases what the activities hold (DRS client sockets) once the worker has stopped. */
  dispose(): void;
}

export async function createDrsWorker(
  connection: NativeConnection,
  config: WorkerConfig,
  workflowCode: WorkflowCode,
): Promise<DrsWorker> {
  const drsClients = createDrsClientFactory(config.aws, Runtime.instance().metricMeter);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // the workflow interceptors (workflow-metrics.ts) are bundled in
    workflowBundle: { code: workflowCode.code },
    workerDeploymentOptions: deploymentOptions(config.workflowCode, workflowCode),
    activities: createActivities({ drsClients, capacityLimits: config.capacity }),
    maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: config.maxConcurrentWorkflowTasks,
    // after this, in-flight activities are cancelled: their attempt fails and is retried elsewhere
    shutdownGraceTime: config.shutdownGraceSeconds * 1000,
  });
  return { worker, dispose: () => drsClients.destroy() };
}
