// The Temporal Worker for the product's task queue: every workflow (workflows/index.ts, as the
// bundle worker/workflow-code.ts chose) and every activity (activities/index.ts, DRS clients from
// the worker's configuration).
import { Runtime, Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { JobPollPolicy } from '../activities/job-poll-policy';
import type { EvidenceStore } from '../common/evidence-store/store';
import type { WorkerConfig } from './config';
import { createDrsClientFactory } from './drs-clients';
import { deploymentOptions, type WorkflowCode } from './workflow-code';

/**
 * What a worker killed without warning (kill -9, a lost host) costs its runs (docs/deployment.md).
 * Heartbeats: every one activities/heartbeats.ts records is sent (the SDK would hold them to 80% of
 * the 5 s heartbeat timeout, leaving a late send 1 s), so the server sees a beat a second.
 * Sticky queue: a run's next workflow task goes to the worker that cached it; a dead one never
 * takes it, and the server moves it to the shared queue after this (default 10 s). A live worker
 * busier than this replays the run's history elsewhere instead: milliseconds for these histories.
 */
const RESUME_OPTIONS = {
  maxHeartbeatThrottleInterval: '1 second',
  stickyQueueScheduleToStartTimeout: '3 seconds',
} satisfies Partial<WorkerOptions>;

interface DrsWorker {
  worker: Worker;
  /** Releases what the activities hold (DRS client sockets) once the worker has stopped. */
  dispose(): void;
}

export async function createDrsWorker(
  connection: NativeConnection,
  config: WorkerConfig,
  workflowCode: WorkflowCode,
  evidenceStore: EvidenceStore,
  /** How job waits poll; default: the product's adaptive waits (the bench passes its baselines). */
  jobPolls?: JobPollPolicy,
): Promise<DrsWorker> {
  const drsClients = createDrsClientFactory(config.aws, Runtime.instance().metricMeter);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // the workflow interceptors (workflow-metrics.ts) are bundled in
    workflowBundle: { code: workflowCode.code },
    workerDeploymentOptions: deploymentOptions(config.workflowCode, workflowCode),
    activities: createActivities({
      drsClients,
      capacityLimits: config.capacity,
      jobPolls,
      notifications: config.notifications,
      evidenceStore,
      probePolicy: config.probes,
      allowedOperations: config.allowedOperations,
      approvers: config.approvers,
      guestChecks: config.guestChecks,
    }),
    maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: config.maxConcurrentWorkflowTasks,
    // after this, in-flight activities are cancelled: their attempt fails and is retried elsewhere
    shutdownGraceTime: config.shutdownGraceSeconds * 1000,
    ...RESUME_OPTIONS,
  });
  return { worker, dispose: () => drsClients.destroy() };
}
