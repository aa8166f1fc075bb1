// Application Migration Service (MGN): the one call DR automation needs there, StartReplication for
// SNAPSHOT_SHIPPING agents (agentless), and the lookup that tells those servers apart. Same error
// classification as DRS (the exception names are shared).
import {
  StartReplicationCommand,
  paginateDescribeSourceServers,
  type MgnClient,
  type SourceServer as MgnSourceServer,
} from '@aws-sdk/client-mgn';
import type { DrsTarget } from '../common/types';
import type { ReplicationTarget } from '../common/types-lifecycle';
import type { AwsClientFactory } from './drs-client';
import { allItems, replicationInfo } from './drs-reads';
import { drsCall } from './errors';

export function listMgnSourceServers(
  client: MgnClient,
  sourceServerIds: string[],
): Promise<MgnSourceServer[]> {
  const filters = { sourceServerIDs: sourceServerIds };
  return allItems('mgn:DescribeSourceServers', () => paginateDescribeSourceServers({ client }, { filters }));
}

export function mgnTarget(server: MgnSourceServer): ReplicationTarget {
  return {
    sourceServerId: server.sourceServerID ?? '',
    found: true,
    service: 'mgn',
    ...replicationInfo(server.dataReplicationInfo),
    mgnReplicationType: server.replicationType,
  };
}

export function createMgnActivities(clients: AwsClientFactory) {
  /**
   * MGN StartReplication for a SNAPSHOT_SHIPPING server, in `accountId` when given (MGN's
   * accountID parameter). Retry-safe: a server whose replication already left the startable states
   * (an earlier attempt worked) is not asked again.
   */
  async function startMgnReplication(
    input: DrsTarget & { sourceServerId: string },
  ): Promise<ReplicationTarget> {
    const client = clients.mgnClient(input.region, input.accountId);
    const [current] = await listMgnSourceServers(client, [input.sourceServerId]);
    const state = current?.dataReplicationInfo?.dataReplicationState ?? '';
    if (current && !['STOPPED', 'DISCONNECTED', 'PENDING_SNAPSHOT_SHIPPING'].includes(state))
      return mgnTarget(current);
    const server = await drsCall('mgn:StartReplication', () =>
      client.send(
        new StartReplicationCommand({
          sourceServerID: input.sourceServerId,
          ...(input.accountId ? { accountID: input.accountId } : {}),
        }),
      ),
    );
    return mgnTarget(server);
  }

  return { startMgnReplication };
}
