// The worker process of a job-wait baseline (job-waits.ts): the product worker's workflows and
// activities, with job waits polled as BENCH_JOB_POLL names (baseline-polls.ts). It logs
// "worker polling" as worker/main.ts does, which MeasuredWorker waits for; Temporal's runtime
// stops it gracefully on SIGTERM.
import { Runtime } from '@temporalio/worker';
import { openEvidenceStore } from '../../common/evidence-store/store';
import { loadWorkerConfig } from '../../worker/config';
import { connectToTemporal } from '../../worker/connection';
import { createDrsWorker } from '../../worker/create-worker';
import { loadWorkflowCode } from '../../worker/workflow-code';
import { parseBaselinePolls } from './baseline-polls';

async function main(): Promise<void> {
  const polls = parseBaselinePolls(process.env.BENCH_JOB_POLL ?? '');
  if (!polls) throw new Error('BENCH_JOB_POLL must be "backoff" or "fixed:<seconds>" (at least 0.5)');
  const config = loadWorkerConfig();
  const workflowCode = await loadWorkflowCode(config.workflowCode, Runtime.instance().logger);
  const connection = await connectToTemporal(config.temporal);
  const evidenceStore = openEvidenceStore(config.evidence);
  const drsWorker = await createDrsWorker(connection, config, workflowCode, evidenceStore, polls);
  const running = drsWorker.worker.run();
  console.log(JSON.stringify({ msg: 'worker polling', taskQueue: config.temporal.taskQueue }));
  try {
    await running;
  } finally {
    drsWorker.dispose();
    await connection.close();
  }
}

main().catch((err: Error) => {
  console.error(`baseline worker failed: ${err.message}`);
  process.exit(1);
});
