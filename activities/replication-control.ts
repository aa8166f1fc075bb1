// Replication control for drsReplication: inspect servers (DRS, MGN for `start`, staging-area
// fields for multi-account), StopReplication, StartReplication, DisconnectSourceServer, and a
// retry-as-poll wait that returns on every state change so the workflow can show the catch-up
// (INITIATING, INITIAL_SYNC / BACKLOG, CREATING_SNAPSHOT, CONTINUOUS). RetryDataReplication is
// drill's activity (activities/replication.ts), reused as is.
//
// Every mutating activity re-reads the server first and does nothing when the state shows an
// earlier attempt already worked: a Temporal retry after a lost response must not turn into a
// second call that DRS would refuse (or, for disconnect, a call on a changed server).
import {
  DisconnectSourceServerCommand,
  StartReplicationCommand,
  StopReplicationCommand,
  type SourceServer,
} from '@aws-sdk/client-drs';
import { ApplicationFailure } from '@temporalio/common';
import { REFUSED } from '../common/failures';
import { isCaughtUp, replicationFingerprint } from '../common/lifecycle-rules';
import type { DrsTarget } from '../common/types';
import type { ReplicationTarget } from '../common/types-lifecycle';
import type { AwsClientFactory } from './drs-client';
import { activeJobsByServer, listSourceServers, replicationInfo } from './drs-reads';
import { drsCall } from './errors';
import { listMgnSourceServers, mgnTarget } from './mgn';
import { stillWaiting } from './polling';

function drsTarget(server: SourceServer, activeJobs: Map<string, string>): ReplicationTarget {
  const id = server.sourceServerID ?? '';
  return {
    sourceServerId: id,
    found: true,
    service: 'drs',
    ...replicationInfo(server.dataReplicationInfo),
    recoveryInstanceId: server.recoveryInstanceId,
    activeJobId: activeJobs.get(id),
    stagingStatus: server.stagingArea?.status,
    stagingAccountId: server.stagingArea?.stagingAccountID,
    ...(server.stagingArea?.stagingSourceServerArn
      ? { stagingSourceServerId: server.stagingArea.stagingSourceServerArn.split('/').pop() }
      : {}),
    ...(server.stagingArea?.errorMessage ? { extensionError: server.stagingArea.errorMessage } : {}),
  };
}

interface InspectReplicationInput extends DrsTarget {
  sourceServerIds: string[];
  /** Look servers that DRS does not know up in MGN (the `start` action). */
  includeMgn?: boolean;
}

interface PollReplicationInput extends DrsTarget {
  sourceServerIds: string[];
  maxLagSeconds: number;
  /** What the workflow last saw (replicationFingerprint); undefined on the first poll. */
  seen?: string;
}

export function createReplicationControlActivities(clients: AwsClientFactory) {
  /** Each server's replication state, lag, error, recovery instance, active job and staging area. */
  async function inspectReplicationTargets(input: InspectReplicationInput): Promise<ReplicationTarget[]> {
    const client = clients.drsClient(input.region, input.accountId);
    const [servers, activeJobs] = await Promise.all([
      listSourceServers(client, input.sourceServerIds),
      activeJobsByServer(client),
    ]);
    const byId = new Map(servers.map((s) => [s.sourceServerID, drsTarget(s, activeJobs)]));
    const missing = input.sourceServerIds.filter((id) => !byId.has(id));
    if (input.includeMgn && missing.length > 0) {
      const mgn = await listMgnSourceServers(clients.mgnClient(input.region, input.accountId), missing);
      for (const server of mgn) byId.set(server.sourceServerID, mgnTarget(server));
    }
    return input.sourceServerIds.map((id) => byId.get(id) ?? { sourceServerId: id, found: false });
  }

  async function current(input: DrsTarget & { sourceServerId: string }): Promise<ReplicationTarget> {
    const [target] = await inspectReplicationTargets({ ...input, sourceServerIds: [input.sourceServerId] });
    return target;
  }

  /** StopReplication (deletes snapshots; the workflow has checked `confirm`). Skipped once STOPPED. */
  async function stopReplication(input: DrsTarget & { sourceServerId: string }): Promise<ReplicationTarget> {
    const before = await current(input);
    if (before.replicationState === 'STOPPED' || before.replicationState === 'DISCONNECTED') return before;
    const client = clients.drsClient(input.region, input.accountId);
    const { sourceServer } = await drsCall('StopReplication', () =>
      client.send(new StopReplicationCommand({ sourceServerID: input.sourceServerId })),
    );
    return sourceServer ? drsTarget(sourceServer, new Map()) : current(input);
  }

  /** DRS StartReplication for a STOPPED server; a server no longer STOPPED was started already. */
  async function startReplication(input: DrsTarget & { sourceServerId: string }): Promise<ReplicationTarget> {
    const before = await current(input);
    if (before.replicationState !== 'STOPPED') return before;
    const client = clients.drsClient(input.region, input.accountId);
    const { sourceServer } = await drsCall('StartReplication', () =>
      client.send(new StartReplicationCommand({ sourceServerID: input.sourceServerId })),
    );
    return sourceServer ? drsTarget(sourceServer, new Map()) : current(input);
  }

  /**
   * DisconnectSourceServer. Re-checks the seed rule right before the call: a server that gained a
   * Recovery Instance since the workflow's inspection is refused here too, without calling DRS.
   */
  async function disconnectSourceServer(
    input: DrsTarget & { sourceServerId: string },
  ): Promise<ReplicationTarget> {
    const before = await current(input);
    if (before.recoveryInstanceId)
      throw ApplicationFailure.nonRetryable(
        `${input.sourceServerId}: has recovery instance ${before.recoveryInstanceId}; not disconnected`,
        REFUSED,
      );
    if (before.replicationState === 'DISCONNECTED') return before;
    const client = clients.drsClient(input.region, input.accountId);
    const server = await drsCall('DisconnectSourceServer', () =>
      client.send(new DisconnectSourceServerCommand({ sourceServerID: input.sourceServerId })),
    );
    return drsTarget(server, new Map());
  }

  /**
   * Retry-as-poll over replication catching up: returns when every server is CONTINUOUS with lag
   * under the limit, or when any server's state differs from `seen` (so the workflow records the
   * phases it went through); otherwise STILL_WAITING and the retry backoff is the poll interval.
   */
  async function pollReplicationStates(input: PollReplicationInput): Promise<ReplicationTarget[]> {
    const targets = await inspectReplicationTargets(input);
    if (
      targets.every((t) => isCaughtUp(t, input.maxLagSeconds)) ||
      replicationFingerprint(targets) !== input.seen
    )
      return targets;
    const detail = targets.map((t) => `${t.sourceServerId}: ${t.replicationState ?? 'unknown'}`).join(', ');
    throw stillWaiting(`replication still catching up (${detail})`);
  }

  return {
    inspectReplicationTargets,
    stopReplication,
    startReplication,
    disconnectSourceServer,
    pollReplicationStates,
  };
}
