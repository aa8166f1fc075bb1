// Reprotect: which recovery instances a request names (by id or by the recovery job that launched
// them) with what their source servers say about the direction of replication, ReverseReplication
// and StopFailback. Both calls look first and act only when needed, so a retried attempt (or a rerun)
// never restarts a replication that is already under way.
import {
  ReverseReplicationCommand,
  StopFailbackCommand,
  paginateDescribeRecoveryInstances,
  type DrsClient,
  type RecoveryInstance,
  type SourceServer,
} from '@aws-sdk/client-drs';
import { REVERSED_FAILBACK_STATES } from '../common/reprotect-rules';
import type { DrsTarget } from '../common/types';
import type { ReprotectInstance } from '../common/types-reprotect';
import type { AwsClientFactory } from './drs-client';
import { allItems, listSourceServers } from './drs-reads';
import { drsCall } from './errors';

type InstanceTarget = DrsTarget & { recoveryInstanceId: string };

function listInstances(client: DrsClient, recoveryInstanceIds: string[]): Promise<RecoveryInstance[]> {
  const filters = { recoveryInstanceIDs: recoveryInstanceIds };
  return allItems('DescribeRecoveryInstances', () =>
    paginateDescribeRecoveryInstances({ client }, { filters }),
  );
}

function toReprotectInstance(i: RecoveryInstance, server: SourceServer | undefined): ReprotectInstance {
  return {
    recoveryInstanceId: i.recoveryInstanceID ?? '',
    found: true,
    sourceServerId: i.sourceServerID ?? '',
    isDrill: i.isDrill,
    originEnvironment: i.originEnvironment,
    ec2InstanceId: i.ec2InstanceID,
    ec2InstanceState: i.ec2InstanceState,
    failbackState: i.failback?.state,
    jobId: i.jobID,
    replicationDirection: server?.replicationDirection,
    originRegion: server?.sourceCloudProperties?.originRegion,
    reversedDirectionSourceServerArn: server?.reversedDirectionSourceServerArn,
  };
}

export function createReprotectActivities(clients: AwsClientFactory) {
  /** The named instances (unknown ids come back `found: false`), or every instance of a recovery job. */
  async function describeReprotectInstances(
    input: DrsTarget & { recoveryInstanceIds: string[]; recoveryJobId?: string },
  ): Promise<ReprotectInstance[]> {
    const client = clients.drsClient(input.region, input.accountId);
    const instances = input.recoveryJobId
      ? (await listInstances(client, [])).filter((i) => i.jobID === input.recoveryJobId)
      : await listInstances(client, input.recoveryInstanceIds);
    const sourceIds = [...new Set(instances.map((i) => i.sourceServerID ?? '').filter(Boolean))];
    const servers = new Map<string, SourceServer>();
    // DescribeSourceServers takes at most 200 ids per filter
    for (let at = 0; at < sourceIds.length; at += 200)
      for (const s of await listSourceServers(client, sourceIds.slice(at, at + 200)))
        servers.set(s.sourceServerID ?? '', s);
    const seen = instances.map((i) => toReprotectInstance(i, servers.get(i.sourceServerID ?? '')));
    if (input.recoveryJobId) return seen;
    const byId = new Map(seen.map((i) => [i.recoveryInstanceId, i]));
    return input.recoveryInstanceIds.map(
      (id) => byId.get(id) ?? { recoveryInstanceId: id, sourceServerId: '', found: false },
    );
  }

  async function current(input: InstanceTarget): Promise<ReprotectInstance> {
    const [instance] = await describeReprotectInstances({
      ...input,
      recoveryInstanceIds: [input.recoveryInstanceId],
    });
    return instance;
  }

  /** ReverseReplication, unless the instance already replicates to its reversed server. */
  async function reverseReplication(
    input: InstanceTarget,
  ): Promise<{ reversedDirectionSourceServerArn: string }> {
    const before = await current(input);
    if (
      REVERSED_FAILBACK_STATES.includes(before.failbackState ?? '') &&
      before.reversedDirectionSourceServerArn
    )
      return { reversedDirectionSourceServerArn: before.reversedDirectionSourceServerArn };
    const client = clients.drsClient(input.region, input.accountId);
    const { reversedDirectionSourceServerArn } = await drsCall('ReverseReplication', () =>
      client.send(new ReverseReplicationCommand({ recoveryInstanceID: input.recoveryInstanceId })),
    );
    return { reversedDirectionSourceServerArn: reversedDirectionSourceServerArn ?? '' };
  }

  /** StopFailback, unless no failback is in progress (or ready) for the instance; returns whether it called. */
  async function stopFailback(input: InstanceTarget): Promise<{ stopped: boolean; failbackState?: string }> {
    const before = await current(input);
    if (!REVERSED_FAILBACK_STATES.includes(before.failbackState ?? ''))
      return { stopped: false, failbackState: before.failbackState };
    const client = clients.drsClient(input.region, input.accountId);
    await drsCall('StopFailback', () =>
      client.send(new StopFailbackCommand({ recoveryInstanceID: input.recoveryInstanceId })),
    );
    return { stopped: true, failbackState: (await current(input)).failbackState };
  }

  return { describeReprotectInstances, reverseReplication, stopFailback };
}
