// Failback: which recovery instances a request names (by id or by the recovery job that launched
// them), a retry-as-poll wait for FAILBACK_READY_FOR_LAUNCH, and StartFailbackLaunch exactly once
// per workflow stage (it is not idempotent in DRS: look for the stage's job before issuing).
import {
  StartFailbackLaunchCommand,
  paginateDescribeRecoveryInstances,
  type DrsClient,
  type RecoveryInstance,
} from '@aws-sdk/client-drs';
import { ApplicationFailure } from '@temporalio/common';
import { REFUSED } from '../common/failures';
import { failbackDisposition } from '../common/lifecycle-rules';
import type { DrsTarget, JobView } from '../common/types';
import type { FailbackInstance } from '../common/types-lifecycle';
import type { AwsClientFactory } from './drs-client';
import { allItems } from './drs-reads';
import { startStageJobOnce, stageTags, type StageStart } from './idempotency';
import { stillWaiting } from './polling';

function listInstances(client: DrsClient, recoveryInstanceIds: string[]): Promise<RecoveryInstance[]> {
  const filters = { recoveryInstanceIDs: recoveryInstanceIds };
  return allItems('DescribeRecoveryInstances', () =>
    paginateDescribeRecoveryInstances({ client }, { filters }),
  );
}

function toFailbackInstance(i: RecoveryInstance): FailbackInstance {
  return {
    recoveryInstanceId: i.recoveryInstanceID ?? '',
    sourceServerId: i.sourceServerID ?? '',
    found: true,
    isDrill: i.isDrill,
    jobId: i.jobID,
    failbackState: i.failback?.state,
    failbackJobId: i.failback?.failbackJobID,
    ec2InstanceState: i.ec2InstanceState,
    ...(i.originEnvironment ? { originEnvironment: i.originEnvironment } : {}),
  };
}

interface StartFailbackLaunchInput extends DrsTarget, StageStart {
  recoveryInstanceIds: string[];
  /** The instances' source servers: a failback job's participating servers. */
  sourceServerIds: string[];
}

export function createFailbackActivities(clients: AwsClientFactory) {
  /** The named instances (unknown ids come back `found: false`), or every instance of a recovery job. */
  async function describeFailbackInstances(
    input: DrsTarget & { recoveryInstanceIds: string[]; recoveryJobId?: string },
  ): Promise<FailbackInstance[]> {
    const client = clients.drsClient(input.region, input.accountId);
    if (input.recoveryJobId) {
      const all = await listInstances(client, []);
      return all.filter((i) => i.jobID === input.recoveryJobId).map(toFailbackInstance);
    }
    const byId = new Map(
      (await listInstances(client, input.recoveryInstanceIds)).map((i) => [i.recoveryInstanceID, i]),
    );
    return input.recoveryInstanceIds.map((id) => {
      const instance = byId.get(id);
      return instance
        ? toFailbackInstance(instance)
        : { recoveryInstanceId: id, sourceServerId: '', found: false };
    });
  }

  /**
   * Retry-as-poll until the instance is FAILBACK_READY_FOR_LAUNCH. A state that can no longer get
   * there (FAILBACK_ERROR, terminated, gone) ends the wait at once with a non-retryable Refused.
   */
  async function awaitFailbackReady(
    input: DrsTarget & { recoveryInstanceId: string },
  ): Promise<FailbackInstance> {
    const [instance] = await describeFailbackInstances({
      ...input,
      recoveryInstanceIds: [input.recoveryInstanceId],
    });
    if (instance.failbackState === 'FAILBACK_READY_FOR_LAUNCH') return instance;
    const disposition = failbackDisposition(instance);
    if (disposition.kind !== 'act')
      throw ApplicationFailure.nonRetryable(`${input.recoveryInstanceId}: ${disposition.reason}`, REFUSED);
    throw stillWaiting(
      `${input.recoveryInstanceId} failback state is ${instance.failbackState ?? 'unknown'}`,
    );
  }

  /** StartFailbackLaunch for the ready instances, exactly once per stage. */
  async function startFailbackLaunch(input: StartFailbackLaunchInput): Promise<JobView> {
    const client = clients.drsClient(input.region, input.accountId);
    const tags = stageTags(input.workflowId, input.step);
    const match = {
      type: 'LAUNCH',
      initiatedBy: 'FAILBACK',
      notBeforeMs: input.notBeforeMs,
      sourceServerIds: input.sourceServerIds,
      tags: input.tagJobs ? tags : undefined,
    };
    return startStageJobOnce(client, match, 'StartFailbackLaunch', () =>
      client.send(
        new StartFailbackLaunchCommand({
          recoveryInstanceIDs: input.recoveryInstanceIds,
          ...(input.tagJobs ? { tags } : {}),
        }),
      ),
    );
  }

  return { describeFailbackInstances, awaitFailbackReady, startFailbackLaunch };
}
