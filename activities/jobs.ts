// DRS jobs: launching a drill, following a job, resolving and terminating the drill's instances.
// Launch and terminate are exactly-once (activities/idempotency.ts); waiting is retry-as-poll.
import {
  StartRecoveryCommand,
  TerminateRecoveryInstancesCommand,
  type DrsClient,
  type RecoveryInstance,
} from '@aws-sdk/client-drs';
import { Context, log } from '@temporalio/activity';
import { stillWaiting } from './polling';
import { jobFingerprint, stepsFingerprint } from '../common/job-state';
import type { DrillInstance, DrsTarget, JobView, TerminateResult } from '../common/types';
import type { AwsClientFactory } from './drs-client';
import { jobFailureMessages, listRecoveryInstances, toJobView } from './drs-reads';
import { drsCall } from './errors';
import { AdaptivePolls, type JobPollPolicy, type JustCreated } from './job-poll-policy';
import { serverNow } from './server-clock';
import {
  findStageJob,
  mayHaveRunBefore,
  startStageJobOnce,
  stageTags,
  TAG_NAMESPACE,
  type StageJobMatch,
  type StageStart,
} from './idempotency';

export interface StartLaunchJobInput extends DrsTarget, StageStart {
  sourceServers: { sourceServerId: string; recoverySnapshotId?: string }[];
  /** Launch jobs that existed before this stage (the servers' last launches seen in preflight). */
  previousJobIds?: string[];
}

interface PollJobInput extends DrsTarget {
  jobId: string;
  /** Fingerprint of the job state the workflow already knows; the poll returns when it changes. */
  seen?: string;
  /** The servers' steps the workflow knows, and when it learned them (workflow time). */
  seenSteps?: string;
  seenAtMs?: number;
  /** The run has just created the job: the first attempt may wait instead of asking (job-poll-policy.ts). */
  created?: JustCreated;
}

/**
 * A change of step alone (snapshot → conversion → launch) is reported at most this often, so
 * history grows with the job's real progress, not with every line of its log.
 */
const STEP_REPORT_INTERVAL_MS = 10 * 60 * 1000;

interface TerminateDrillInstancesInput extends DrsTarget {
  launchJobId: string;
  sourceServerIds: string[];
  /** Instances the workflow already resolved for this launch (they may be gone from DRS by now). */
  knownRecoveryInstanceIds: string[];
  notBeforeMs: number;
}

/** States in which an EC2 instance needs no terminate call. */
const GONE_EC2_STATES = new Set(['TERMINATED', 'SHUTTING-DOWN', 'NOT_FOUND']);

/** A drill instance of `launchJobId`: the only kind of instance cleanup may touch. */
function isDrillInstanceOf(
  instance: RecoveryInstance,
  launchJobId: string,
  sourceServerIds: string[],
): boolean {
  return (
    instance.isDrill === true &&
    instance.jobID === launchJobId &&
    sourceServerIds.includes(instance.sourceServerID ?? '')
  );
}

/** A recovery instance as a run keeps it (drill or failover): ids, state and primary address. */
export function toDrillInstance(instance: RecoveryInstance): DrillInstance {
  const nics = instance.recoveryInstanceProperties?.networkInterfaces ?? [];
  const nic = nics.find((n) => n.isPrimary) ?? nics[0];
  return {
    sourceServerId: instance.sourceServerID ?? '',
    recoveryInstanceId: instance.recoveryInstanceID ?? '',
    ec2InstanceId: instance.ec2InstanceID,
    ec2InstanceState: instance.ec2InstanceState,
    pointInTime: instance.pointInTimeSnapshotDateTime,
    primaryIp: nic?.ips?.[0],
  };
}

/**
 * StartRecovery exactly once per workflow stage: a job the stage already created (a lost response,
 * a replayed activity) is returned instead of launching again. isDrill=true is a drill
 * (START_DRILL), false a real failover (START_RECOVERY).
 */
/** What identifies the launch job a stage's StartRecovery created. */
function launchMatch(input: StartLaunchJobInput, isDrill: boolean): StageJobMatch {
  return {
    type: 'LAUNCH',
    initiatedBy: isDrill ? 'START_DRILL' : 'START_RECOVERY',
    notBeforeMs: input.notBeforeMs,
    sourceServerIds: input.sourceServers.map((s) => s.sourceServerId),
    excludeJobIds: input.previousJobIds,
    tags: input.tagJobs ? stageTags(input.workflowId, input.step) : undefined,
  };
}

export async function startRecoveryOnce(
  client: DrsClient,
  input: StartLaunchJobInput,
  isDrill: boolean,
): Promise<JobView> {
  const tags = stageTags(input.workflowId, input.step);
  const match = launchMatch(input, isDrill);
  return startStageJobOnce(client, match, 'StartRecovery', () =>
    client.send(
      new StartRecoveryCommand({
        isDrill,
        sourceServers: input.sourceServers.map((s) => ({
          sourceServerID: s.sourceServerId,
          ...(s.recoverySnapshotId ? { recoverySnapshotID: s.recoverySnapshotId } : {}),
        })),
        // the namespace too, so drsReconcile tells another deployment's drills from its own
        ...(input.tagJobs ? { tags: { ...tags, [TAG_NAMESPACE]: Context.current().info.namespace } } : {}),
      }),
    ),
  );
}

/**
 * `polls` decides each poll of a job wait; `serverClock` is the Temporal server's clock
 * (server-clock.ts) that tells how old the steps the workflow knows are.
 */
export function createJobActivities(
  clients: AwsClientFactory,
  polls: JobPollPolicy = new AdaptivePolls(),
  serverClock: () => number = serverNow,
) {
  /** StartRecovery isDrill=true, exactly once per workflow stage. */
  async function startDrillJob(input: StartLaunchJobInput): Promise<JobView> {
    return startRecoveryOnce(clients.drsClient(input.region, input.accountId), input, true);
  }

  /**
   * The drill launch job a failed startDrillJob with this input may have created (its response
   * lost, then the start gave up), so the drill can clean it up; undefined when there is none.
   */
  async function findDrillLaunchJob(input: StartLaunchJobInput): Promise<JobView | undefined> {
    const job = await findStageJob(
      clients.drsClient(input.region, input.accountId),
      launchMatch(input, true),
    );
    return job ? toJobView(job) : undefined;
  }

  /**
   * Retry-as-poll on a job: returns when the job is COMPLETED (with its timeline from the job log)
   * or its state differs from `seen`; otherwise fails with STILL_WAITING and the time of the next
   * poll (job-poll-policy.ts decides it). A day-long PENDING job therefore costs a handful of
   * history events.
   */
  async function pollJob(input: PollJobInput): Promise<JobView> {
    const now = serverClock(); // (serverNow, the default, also notes when this attempt started)
    const client = clients.drsClient(input.region, input.accountId);
    const created = Context.current().info.attempt === 1 ? input.created : undefined;
    const { job, timeline, nextPollMs } = await polls.poll(client, input.jobId, created);
    if (!job) throw stillWaiting(`job ${input.jobId} was just created`, nextPollMs);
    const summary = toJobView(job, timeline);
    if (job.status === 'COMPLETED' || jobFingerprint(summary) !== input.seen) return summary;
    const stepsOld = now - (input.seenAtMs ?? 0) >= STEP_REPORT_INTERVAL_MS;
    if (stepsOld && summary.timeline && stepsFingerprint(summary) !== input.seenSteps) return summary;
    throw stillWaiting(`job ${summary.jobId} is still ${summary.status}`, nextPollMs);
  }

  /**
   * The drill instances of a launch job, per server, from DescribeRecoveryInstances (a job's
   * participating server may say LAUNCHED before its recoveryInstanceID is filled in). Retries
   * as a poll until every server in `launchedServerIds` has its instance.
   */
  async function resolveDrillInstances(
    input: DrsTarget & { launchJobId: string; sourceServerIds: string[]; launchedServerIds: string[] },
  ): Promise<DrillInstance[]> {
    const client = clients.drsClient(input.region, input.accountId);
    const instances = (await listRecoveryInstances(client, input.sourceServerIds))
      .filter((i) => isDrillInstanceOf(i, input.launchJobId, input.sourceServerIds))
      .map(toDrillInstance);
    const missing = input.launchedServerIds.filter((id) => !instances.some((i) => i.sourceServerId === id));
    if (missing.length > 0) {
      throw stillWaiting(`no recovery instance listed yet for ${missing.join(', ')}`);
    }
    return instances;
  }

  /** Failure log lines of a job per source server (LAUNCH_FAILED, CONVERSION_FAIL, …). */
  async function describeJobFailures(
    input: DrsTarget & { jobId: string },
  ): Promise<Record<string, string[]>> {
    const client = clients.drsClient(input.region, input.accountId);
    return Object.fromEntries(await jobFailureMessages(client, input.jobId));
  }

  /**
   * TerminateRecoveryInstances for exactly the drill instances of `launchJobId` (isDrill, that
   * job, these servers) and nothing else, exactly once: a terminate job created since the stage's
   * first attempt that involves one of these instances is returned instead of issuing another
   * (TerminateRecoveryInstances takes no tags; instance ids are what identify the stage's job).
   */
  async function terminateDrillInstances(input: TerminateDrillInstancesInput): Promise<TerminateResult> {
    const client = clients.drsClient(input.region, input.accountId);
    const instances = (await listRecoveryInstances(client, input.sourceServerIds)).filter((i) =>
      isDrillInstanceOf(i, input.launchJobId, input.sourceServerIds),
    );
    const ours = [
      ...new Set([...input.knownRecoveryInstanceIds, ...instances.map((i) => i.recoveryInstanceID ?? '')]),
    ];
    const existing = mayHaveRunBefore()
      ? await findStageJob(client, {
          type: 'TERMINATE',
          initiatedBy: 'TERMINATE_RECOVERY_INSTANCES',
          notBeforeMs: input.notBeforeMs,
          recoveryInstancesAmong: ours,
        })
      : undefined;
    if (existing) {
      const job = toJobView(existing);
      log.info(
        `TerminateRecoveryInstances: job ${job.jobId} was created by an earlier attempt of this stage`,
        {
          jobId: job.jobId,
        },
      );
      return {
        jobId: job.jobId,
        recoveryInstanceIds: job.servers.map((s) => s.recoveryInstanceId ?? '').filter(Boolean),
      };
    }
    const ids = instances
      .filter((i) => !GONE_EC2_STATES.has(i.ec2InstanceState ?? ''))
      .map((i) => i.recoveryInstanceID ?? '');
    if (ids.length === 0) return { recoveryInstanceIds: [] };
    const { job } = await drsCall('TerminateRecoveryInstances', () =>
      client.send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: ids })),
    );
    log.info(`TerminateRecoveryInstances created job ${job?.jobID} for ${ids.join(', ')}`, {
      jobId: job?.jobID,
      recoveryInstanceIds: ids,
    });
    return { jobId: job?.jobID, recoveryInstanceIds: ids };
  }

  /** Drill instances of `launchJobId` that are still up (cleanup's final check). */
  async function remainingDrillInstances(
    input: DrsTarget & { launchJobId: string; sourceServerIds: string[] },
  ): Promise<DrillInstance[]> {
    const client = clients.drsClient(input.region, input.accountId);
    return (await listRecoveryInstances(client, input.sourceServerIds))
      .filter((i) => isDrillInstanceOf(i, input.launchJobId, input.sourceServerIds))
      .filter((i) => !GONE_EC2_STATES.has(i.ec2InstanceState ?? ''))
      .map(toDrillInstance);
  }

  return {
    startDrillJob,
    findDrillLaunchJob,
    pollJob,
    resolveDrillInstances,
    describeJobFailures,
    terminateDrillInstances,
    remainingDrillInstances,
  };
}
