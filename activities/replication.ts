// Source server inspection and replication repair: what a drill's preflight needs, reusable by the
// replication workflow.
import { RetryDataReplicationCommand, type SourceServer } from '@aws-sdk/client-drs';
import { ApplicationFailure } from '@temporalio/common';
import { stillWaiting } from './polling';
import { isRepairable, preflightProblems, type SourceServerHealth } from '../common/drill-rules';
import type { DrsTarget } from '../common/types';
import type { AwsClientFactory } from './drs-client';
import { drsCall } from './errors';
import { activeJobsByServer, listSourceServers, replicationInfo } from './drs-reads';

function health(server: SourceServer, activeJobs: Map<string, string>): SourceServerHealth {
  const id = server.sourceServerID ?? '';
  return {
    sourceServerId: id,
    found: true,
    ...replicationInfo(server.dataReplicationInfo),
    activeJobId: activeJobs.get(id),
    lastLaunchJobId: server.lifeCycle?.lastLaunch?.initiated?.jobID,
    ...(server.recoveryInstanceId ? { recoveryInstanceId: server.recoveryInstanceId } : {}),
    ...(server.stagingArea?.status === 'EXTENSION_ERROR'
      ? { extensionError: server.stagingArea.errorMessage ?? 'no message from DRS' }
      : {}),
  };
}

export function createReplicationActivities(clients: AwsClientFactory) {
  /** Each server's replication state, lag and active job (no job filter by date: a PENDING job may be old). */
  async function inspectSourceServers(
    input: DrsTarget & { sourceServerIds: string[] },
  ): Promise<SourceServerHealth[]> {
    const client = clients.drsClient(input.region, input.accountId);
    const [servers, activeJobs] = await Promise.all([
      listSourceServers(client, input.sourceServerIds),
      activeJobsByServer(client),
    ]);
    const byId = new Map(servers.map((s) => [s.sourceServerID, s]));
    return input.sourceServerIds.map((id) => {
      const server = byId.get(id);
      return server ? health(server, activeJobs) : { sourceServerId: id, found: false };
    });
  }

  /**
   * RetryDataReplication for one server. Retry-safe: a server that has already left
   * STALLED/DISCONNECTED/STOPPED (because an earlier attempt worked) is not asked again, since DRS
   * refuses the call in any other state.
   */
  async function retryDataReplication(
    input: DrsTarget & { sourceServerId: string },
  ): Promise<SourceServerHealth> {
    const client = clients.drsClient(input.region, input.accountId);
    const [current] = await inspectSourceServers({ ...input, sourceServerIds: [input.sourceServerId] });
    if (!isRepairable(current)) return current;
    const server = await drsCall('RetryDataReplication', () =>
      client.send(new RetryDataReplicationCommand({ sourceServerID: input.sourceServerId })),
    );
    return health(server, new Map());
  }

  /**
   * Retry-as-poll: returns once every server is CONTINUOUS with lag under the limit; otherwise
   * fails with a retryable STILL_WAITING failure and the retry policy's backoff is the poll
   * interval (history stays O(1) however long replication takes to catch up).
   */
  async function awaitReplicationHealthy(
    input: DrsTarget & { sourceServerIds: string[]; maxLagSeconds: number },
  ): Promise<SourceServerHealth[]> {
    const servers = await inspectSourceServers(input);
    const waiting = servers
      .map((s) => ({ s, problems: preflightProblems({ ...s, activeJobId: undefined }, input.maxLagSeconds) }))
      .filter(({ problems }) => problems.length > 0);
    const gone = waiting.find(({ s }) => !s.found);
    if (gone)
      throw ApplicationFailure.nonRetryable(
        `${gone.s.sourceServerId}: source server not found`,
        'ResourceNotFoundException',
      );
    if (waiting.length > 0) {
      const detail = waiting
        .map(({ s, problems }) => `${s.sourceServerId}: ${problems.join(', ')}`)
        .join('; ');
      throw stillWaiting(`replication not healthy yet: ${detail}`);
    }
    return servers;
  }

  return { inspectSourceServers, retryDataReplication, awaitReplicationHealthy };
}
