// drsReconcile's reads: every drill instance of the account and region with what its launch job's
// tags say (DescribeRecoveryInstances, DescribeJobs), the state of the workflows those tags name
// (the worker's own Temporal client, as in activities/capacity.ts), and the rule's decision. One
// activity, so only the instances that need a word reach history: an estate whose 4,000-server
// plan is running would otherwise put every one of its drill instances there at each run.
// Terminating reuses the drill cleanup's exactly-once activity (activities/jobs.ts).
import { paginateDescribeRecoveryInstances, type Job } from '@aws-sdk/client-drs';
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  decide,
  GONE_EC2_STATES,
  type FoundDrillInstance,
  type ReconciledInstance,
  type ReconcileSpec,
  type WorkflowState,
} from '../common/reconcile';
import { recordDrillInstances } from '../common/metrics';
import type { DrsTarget } from '../common/types';
import type { AwsClientFactory } from './drs-client';
import { allItems, listJobs } from './drs-reads';
import { TAG_NAMESPACE, TAG_WORKFLOW_ID } from './idempotency';

/** Job ids per DescribeJobs call (DRS takes up to 1,000 in its filter; pages stay small). */
const JOB_IDS_PER_CALL = 100;

interface FindLeaksInput
  extends DrsTarget, Pick<ReconcileSpec, 'graceSeconds' | 'untaggedMaxAgeSeconds' | 'dryRun'> {
  /** The workflow's time: ages are counted to it. */
  nowMs: number;
}

interface FoundLeaks {
  /** Instances to terminate, kept past their drill, or reported. */
  instances: ReconciledInstance[];
  /** Drill instances of drills still running: counted, not listed. */
  runningDrillInstances: number;
}

export function createReconcileActivities(clients: AwsClientFactory) {
  /**
   * Every drill instance of the account and region that is still up (DRS keeps one per source
   * server, so this is at most the account's server count), with its launch job's tags and
   * creation time. DescribeRecoveryInstances has no isDrill filter: failover instances are read
   * and dropped here, never returned.
   */
  async function listDrillInstances(input: DrsTarget): Promise<FoundDrillInstance[]> {
    const client = clients.drsClient(input.region, input.accountId);
    const instances = (
      await allItems('DescribeRecoveryInstances', () =>
        paginateDescribeRecoveryInstances({ client }, { filters: {} }),
      )
    ).filter((i) => i.isDrill === true && !GONE_EC2_STATES.has(i.ec2InstanceState ?? ''));
    const jobIds = [...new Set(instances.flatMap((i) => i.jobID ?? []))];
    const jobs = new Map<string, Job>();
    for (let at = 0; at < jobIds.length; at += JOB_IDS_PER_CALL)
      for (const job of await listJobs(client, { jobIDs: jobIds.slice(at, at + JOB_IDS_PER_CALL) }))
        jobs.set(job.jobID ?? '', job);
    return instances.map((i) => {
      const job = i.jobID ? jobs.get(i.jobID) : undefined;
      const launchedAt = job?.creationDateTime ?? i.recoveryInstanceProperties?.lastUpdatedDateTime;
      const workflowId = job?.tags?.[TAG_WORKFLOW_ID];
      const namespace = job?.tags?.[TAG_NAMESPACE];
      return {
        recoveryInstanceId: i.recoveryInstanceID ?? '',
        sourceServerId: i.sourceServerID ?? '',
        ...(i.ec2InstanceID ? { ec2InstanceId: i.ec2InstanceID } : {}),
        ...(i.ec2InstanceState ? { ec2InstanceState: i.ec2InstanceState } : {}),
        ...(i.jobID ? { launchJobId: i.jobID } : {}),
        ...(launchedAt ? { launchedAt } : {}),
        // a tag on a job that is not a drill launch is not a claim on its instance
        ...(workflowId && job?.initiatedBy === 'START_DRILL' ? { workflowId } : {}),
        ...(namespace ? { namespace } : {}),
      };
    });
  }

  /** Each workflow id's latest run in this namespace: RUNNING, its closed status, or NOT_FOUND. */
  async function workflowStates(workflowIds: string[]): Promise<Record<string, WorkflowState>> {
    const { client } = Context.current();
    const states: Record<string, WorkflowState> = {};
    for (const id of workflowIds) {
      try {
        states[id] = (await client.workflow.getHandle(id).describe()).status.name;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        states[id] = 'NOT_FOUND';
      }
    }
    return states;
  }

  /** The account's drill instances that need a word, decided by common/reconcile.ts. */
  async function findLeakedDrillInstances(input: FindLeaksInput): Promise<FoundLeaks> {
    const { namespace } = Context.current().info;
    const found = await listDrillInstances(input);
    // every drill instance up, whoever launched it: what "a drill instance alive for hours" alerts on
    const ages = found
      .map((i) => (input.nowMs - Date.parse(i.launchedAt ?? '')) / 1000)
      .filter(Number.isFinite);
    recordDrillInstances(Context.current().metricMeter, input, found.length, Math.max(0, ...ages));
    const ours = found.filter(
      (i) => i.workflowId && (i.namespace === undefined || i.namespace === namespace),
    );
    const states = await workflowStates([...new Set(ours.map((i) => i.workflowId ?? ''))]);
    const decided = found.flatMap(
      (i) => decide(i, i.workflowId ? states[i.workflowId] : undefined, input, namespace, input.nowMs) ?? [],
    );
    const running = (i: ReconciledInstance) => i.action === 'keep' && i.workflowState === 'RUNNING';
    return {
      instances: decided.filter((i) => !running(i)),
      runningDrillInstances: decided.filter(running).length,
    };
  }

  return { findLeakedDrillInstances };
}
